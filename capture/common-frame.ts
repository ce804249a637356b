/**
 * The common frame of a multicast capture, decoded without the general path's intermediate
 * records: multicast data in an untagged Ethernet II frame, IPv4 without options, a whole
 * datagram, neither IGMP, PIM nor OSPF. Nine in ten frames of a busy capture are this one, and the
 * general path (decode.ts) builds a link record, an IPv4 record, three byte views and a result
 * wrapper at each layer for it.
 *
 * It returns exactly what the general path returns for the same frame — test/capture/common-frame.test.ts
 * compares both on every frame of every sample and on mutated frames — or null for any other
 * frame, which the general path then decodes. The rules are the general path's: Ethernet
 * (ethernet.ts), the IPv4 header (RFC 791 §3.1, ipv4.ts), classification (decode.ts) and the
 * group-MAC check (RFC 1112 §6.4).
 */
import type { FrameResult, IpSummary } from './decode.js';
import type { Frame } from './frame.js';
import { formatIPv4, formatMac } from './ip/address-format.js';
import { checksumIsValid } from './ip/checksum.js';
import { LINKTYPE_ETHERNET } from './link/link.js';
import { multicastDataRecord } from './protocols/multicast-data.js';
import { IP_PROTOCOL_OSPF } from './protocols/ospf.js';

const ETHERNET_HEADER_LENGTH = 14;
const IPV4_HEADER_LENGTH = 20;
/** Version 4, IHL 5: no options. */
const VERSION_IHL_NO_OPTIONS = 0x45;
const IP_PROTOCOL_IGMP = 2;
const IP_PROTOCOL_PIM = 103;

/** The frame decoded, or null when it is not the common frame. `time` is frameTime(frame). */
export function decodeCommonFrame(frame: Frame, time: number): FrameResult | null {
  const data = frame.data;
  if (frame.linkType !== LINKTYPE_ETHERNET || data.length < ETHERNET_HEADER_LENGTH + IPV4_HEADER_LENGTH) return null;
  // EtherType 0x0800 exactly: a VLAN TPID or an 802.3 length takes the general path.
  if (data[12] !== 0x08 || data[13] !== 0x00) return null;
  const ip = ETHERNET_HEADER_LENGTH;
  if (data[ip] !== VERSION_IHL_NO_OPTIONS || (data[ip + 16]! & 0xf0) !== 0xe0) return null;
  const protocol = data[ip + 9]!;
  if (protocol === IP_PROTOCOL_IGMP || protocol === IP_PROTOCOL_PIM || protocol === IP_PROTOCOL_OSPF) return null;
  // More Fragments or a fragment offset: a fragment (the general path names it so).
  if ((data[ip + 6]! & 0x3f) !== 0 || data[ip + 7] !== 0) return null;
  const totalLength = (data[ip + 2]! << 8) | data[ip + 3]!;
  if (totalLength < IPV4_HEADER_LENGTH || !checksumIsValid(data, ip, ip + IPV4_HEADER_LENGTH)) return null;

  const source = formatIPv4(data, ip + 12);
  const group = formatIPv4(data, ip + 16);
  const ttl = data[ip + 8]!;
  const payload = data.subarray(ip + IPV4_HEADER_LENGTH, ip + Math.min(totalLength, data.length - ip));
  const id = (data[ip + 4]! << 8) | data[ip + 5]!;
  const message = multicastDataRecord('data.ipv4', source, group, protocol, payload, totalLength, ttl, null, id);
  const summary: IpSummary = { family: 4, src: source, dst: group, ttl, routerAlert: false };
  // RFC 1112 §6.4: 01:00:5e and the group's low 23 bits.
  const macMismatch = data[0] !== 0x01 || data[1] !== 0x00 || data[2] !== 0x5e
    || data[3] !== (data[ip + 17]! & 0x7f) || data[4] !== data[ip + 18] || data[5] !== data[ip + 19];
  return {
    ok: true,
    packet: {
      frame: frame.number,
      time,
      link: frame.link,
      srcMac: formatMac(data, 6),
      dstMac: formatMac(data, 0),
      vlans: [],
      ip: summary,
      message,
      ospf: null,
      macMismatch,
    },
  };
}
