/**
 * Multicast data packets: any IPv4/IPv6 packet to a multicast group that is not a control message
 * (IGMP, MLD, PIM). The record keeps what flow accounting needs; UDP (RFC 768) ports are read when
 * the captured payload holds them.
 *
 * UDP header (8 bytes): source port(2) | destination port(2) | length(2) | checksum(2).
 * Ports need only the first 4 bytes, so a capture cut short inside the UDP header still yields
 * them; a non-first fragment carries no UDP header, so its ports are null. The UDP payload (a view
 * into the frame, not a copy: read it before the frame's bytes are reused) feeds the RTP/MPEG-TS
 * sequence checks of model/sequence-gaps.ts.
 */
import type { IPv4Packet } from '../ip/ipv4.js';
import type { IPv6Packet } from '../ip/ipv6.js';
import { readUint16 } from '../bytes.js';

const UDP_PROTOCOL = 17;
const PORTS_LENGTH = 4;
const UDP_HEADER_LENGTH = 8;
const IPV6_FIXED_HEADER_LENGTH = 40;

export interface MulticastData {
  kind: 'data.ipv4' | 'data.ipv6';
  source: string;
  group: string;
  /** IPv4 protocol / IPv6 final next header. */
  protocol: number;
  srcPort: number | null;
  dstPort: number | null;
  /** Bytes on the wire at the IP layer: IPv4 total length, or 40 + IPv6 payload length. */
  length: number;
  /** IPv4 TTL or IPv6 hop limit. */
  ttl: number;
  /** True when the packet is one fragment of a larger datagram. */
  fragment: boolean;
  /** The captured UDP payload (a view into the frame), or null when there is no whole UDP header. */
  udpPayload: Uint8Array | null;
}

export function decodeMulticastData(ip: IPv4Packet | IPv6Packet): MulticastData {
  const protocol = ip.version === 4 ? ip.protocol : ip.nextHeader;
  const payload = ip.payload;
  const hasPorts = protocol === UDP_PROTOCOL && payload.length >= PORTS_LENGTH && (ip.fragment === null || ip.fragment.offset === 0);
  return {
    kind: ip.version === 4 ? 'data.ipv4' : 'data.ipv6',
    source: ip.src,
    group: ip.dst,
    protocol,
    srcPort: hasPorts ? readUint16(payload, 0) : null,
    dstPort: hasPorts ? readUint16(payload, 2) : null,
    length: ip.version === 4 ? ip.totalLength : IPV6_FIXED_HEADER_LENGTH + ip.payloadLength,
    ttl: ip.version === 4 ? ip.ttl : ip.hopLimit,
    fragment: ip.fragment !== null,
    udpPayload: hasPorts && payload.length >= UDP_HEADER_LENGTH ? payload.subarray(UDP_HEADER_LENGTH) : null,
  };
}
