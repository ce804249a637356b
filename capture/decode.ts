/**
 * Follows one frame down the layers: link → IPv4/IPv6 → IGMP, MLD, PIM or multicast data.
 *
 * Classification (the `kind` of every record): IGMP (IPv4 protocol 2), MLD (ICMPv6 types 130,
 * 131, 132, 143) and PIM (protocol 103) are control, whatever their destination (Register,
 * Register-Stop and C-RP-Advertisement are unicast). Any other IPv4 packet to 224.0.0.0/4 or
 * IPv6 packet to ff00::/8 is multicast data. Everything else is `other`.
 *
 * Never throws: a frame that cannot be decoded becomes a FrameError naming the layer and reason.
 */
import type { DecodeError } from './decode-error.js';
import type { Frame } from './frame.js';
import { frameTime } from './frame.js';
import { decodeLink, ETHERTYPE_IPV4, ETHERTYPE_IPV6, type LinkFrame } from './link/link.js';
import { decodeCommonFrame } from './common-frame.js';
import { decodeIPv4, type IPv4Packet } from './ip/ipv4.js';
import { decodeIPv6, type IPv6Packet } from './ip/ipv6.js';
import { decodeIgmp, type IgmpMessage } from './protocols/igmp.js';
import { decodeMld, type MldMessage } from './protocols/mld.js';
import { decodePim, type PimMessage } from './protocols/pim.js';
import { decodeMulticastData, type MulticastData } from './protocols/multicast-data.js';
import { decodeOspfHeader, IP_PROTOCOL_OSPF, type OspfHeader } from './protocols/ospf.js';
import { macMatchesGroup } from './addresses.js';

const IP_PROTOCOL_IGMP = 2;
const IP_PROTOCOL_ICMPV6 = 58;
const IP_PROTOCOL_PIM = 103;
const IPV6_HEADER_LENGTH = 40;

/** A frame that is not IGMP, MLD, PIM or multicast data: counted, not analyzed. */
export interface OtherTraffic {
  kind: 'other';
  /** What it is, as far as we looked: `ethertype-0x0806`, `ipv4-proto-89`, `igmp-dvmrp`, `icmpv6-135`, `fragment`. */
  protocol: string;
}

export type ControlMessage = Exclude<IgmpMessage | MldMessage | PimMessage, { kind: 'other' }>;
export type PacketMessage = ControlMessage | MulticastData | OtherTraffic;

export interface IpSummary {
  family: 4 | 6;
  src: string;
  dst: string;
  /** TTL or hop limit. */
  ttl: number;
  /** Router Alert option present (RFC 2113 / RFC 2711). */
  routerAlert: boolean;
}

export interface Packet {
  frame: number;
  time: number;
  link: string;
  srcMac: string | null;
  dstMac: string | null;
  vlans: number[];
  ip: IpSummary | null;
  message: PacketMessage;
  /** The OSPF header of an OSPF packet (its Router ID identifies the sending router), else null. */
  ospf: OspfHeader | null;
  /** Multicast data whose destination MAC is not the group's mapped MAC (RFC 1112 §6.4, RFC 2464 §7). */
  macMismatch: boolean;
}

export interface FrameError {
  frame: number;
  time: number;
  link: string;
  error: DecodeError;
}

export type FrameResult = { ok: true; packet: Packet } | { ok: false; error: FrameError };

/**
 * A control message whose checksum did not verify. It is decoded (its fields are shown, as
 * Wireshark does) but receivers drop it (RFC 3376 §4.1.2, RFC 3810 §5.1.2, RFC 7761 §4.9): the
 * analysis counts it with the decode errors and does not apply it.
 */
export function hasBadChecksum(message: PacketMessage): boolean {
  return 'checksum' in message && message.checksum === 'bad';
}

export function decodeFrame(frame: Frame): FrameResult {
  const time = frameTime(frame);
  return decodeCommonFrame(frame, time) ?? decodeAnyFrame(frame, time);
}

function failed(frame: Frame, time: number, error: DecodeError): FrameResult {
  return { ok: false, error: { frame: frame.number, time, link: frame.link, error } };
}

function packet(frame: Frame, time: number, link: LinkFrame, ip: IpSummary | null, message: PacketMessage, macMismatch = false, ospf: OspfHeader | null = null): FrameResult {
  const { srcMac, dstMac, vlans } = link;
  return { ok: true, packet: { frame: frame.number, time, link: frame.link, srcMac, dstMac, vlans, ip, message, ospf, macMismatch } };
}

/** The general path: every link type, both IP versions, every protocol (exported for the common-frame path's test). */
export function decodeAnyFrame(frame: Frame, time: number): FrameResult {
  const decodedLink = decodeLink(frame.linkType, frame.data);
  if (!decodedLink.ok) return failed(frame, time, decodedLink.error);
  const link = decodedLink.value;
  const { dstMac, etherType, payload } = link;

  let ip: IPv4Packet | IPv6Packet;
  if (etherType === ETHERTYPE_IPV4) {
    const decoded = decodeIPv4(payload);
    if (!decoded.ok) return failed(frame, time, decoded.error);
    ip = decoded.value;
  } else if (etherType === ETHERTYPE_IPV6) {
    const decoded = decodeIPv6(payload);
    if (!decoded.ok) return failed(frame, time, decoded.error);
    ip = decoded.value;
  } else {
    return packet(frame, time, link, null, { kind: 'other', protocol: `ethertype-0x${etherType.toString(16).padStart(4, '0')}` });
  }

  const summary: IpSummary = {
    family: ip.version,
    src: ip.src,
    dst: ip.dst,
    ttl: ip.version === 4 ? ip.ttl : ip.hopLimit,
    routerAlert: ip.routerAlert !== null,
  };
  const protocol = ip.version === 4 ? ip.protocol : ip.nextHeader;
  const multicastDestination = ip.version === 4 ? (ip.dstBytes[0]! & 0xf0) === 0xe0 : ip.dstBytes[0] === 0xff;
  const dataOrOther = (otherName: string, ospf: OspfHeader | null = null): FrameResult => {
    if (!multicastDestination) return packet(frame, time, link, summary, { kind: 'other', protocol: otherName }, false, ospf);
    const data = decodeMulticastData(ip);
    return packet(frame, time, link, summary, data, dstMac !== null && !macMatchesGroup(dstMac, ip.dstBytes), ospf);
  };

  // A fragment of a datagram: only the first holds the upper-layer header, and a control
  // message split in fragments cannot be checked without reassembly.
  if (ip.fragment !== null) return dataOrOther('fragment');

  const upper = ip.payload;
  if (ip.version === 4 && protocol === IP_PROTOCOL_IGMP) {
    const igmp = decodeIgmp(upper, ip.truncated);
    if (!igmp.ok) return failed(frame, time, igmp.error);
    return packet(frame, time, link, summary, igmp.value.kind === 'other' ? { kind: 'other', protocol: `igmp-${igmp.value.typeName}` } : igmp.value);
  }
  if (protocol === IP_PROTOCOL_PIM) {
    // A message cut by the snaplen cannot have its checksum verified: tell the decoder its real length.
    const ipLength = ip.version === 4 ? ip.totalLength : IPV6_HEADER_LENGTH + ip.payloadLength;
    const payloadLengthOnWire = ip.truncated ? ipLength - (upper.byteOffset - payload.byteOffset) : undefined;
    const pim = decodePim(upper, { family: ip.version, srcBytes: ip.srcBytes, dstBytes: ip.dstBytes, payloadLengthOnWire });
    if (!pim.ok) return failed(frame, time, pim.error);
    return packet(frame, time, link, summary, pim.value.kind === 'other' ? { kind: 'other', protocol: `pim-type-${pim.value.pimType}` } : pim.value);
  }
  if (ip.version === 6 && protocol === IP_PROTOCOL_ICMPV6) {
    const icmp = decodeMld(upper, ip);
    if (!icmp.ok) return failed(frame, time, icmp.error);
    if (icmp.value.kind !== 'other') return packet(frame, time, link, summary, icmp.value);
    return dataOrOther(`icmpv6-${icmp.value.icmpType}`);
  }
  if (protocol === IP_PROTOCOL_OSPF) {
    // Only the Router ID is wanted; a malformed OSPF header is not our error to count.
    const ospf = decodeOspfHeader(upper);
    return dataOrOther('ospf', ospf.ok ? ospf.value : null);
  }
  return dataOrOther(`ipv${ip.version}-proto-${protocol}`);
}
