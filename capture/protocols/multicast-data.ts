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
 *
 * The fingerprint names one datagram wherever it is seen: routers forward it with only the TTL /
 * hop limit (and so the IPv4 header checksum) changed (RFC 1812 §5.3.1, RFC 8200 §3), so the IPv4
 * Identification, the length and the first bytes of the payload (for UDP its header with the
 * checksum over the whole datagram) match on every link it crosses (model/data-paths.ts).
 */
import type { IPv4Packet } from '../ip/ipv4.js';
import type { IPv6Packet } from '../ip/ipv6.js';
import { readUint16 } from '../bytes.js';

const UDP_PROTOCOL = 17;
const PORTS_LENGTH = 4;
const UDP_HEADER_LENGTH = 8;
const IPV6_FIXED_HEADER_LENGTH = 40;
const FINGERPRINT_PAYLOAD_BYTES = 24;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

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
  /** 32-bit FNV-1a hash of what forwarding leaves unchanged: IPv4 ID, length, the payload's first bytes. */
  fingerprint: number;
}

/** The fingerprint of a datagram from its IPv4 Identification (0 for IPv6), length and payload; also of a Register's inner packet. */
export function datagramFingerprint(id: number, length: number, payload: Uint8Array): number {
  let hash = Math.imul(FNV_OFFSET ^ (id >>> 8), FNV_PRIME);
  hash = Math.imul(hash ^ (id & 0xff), FNV_PRIME);
  hash = Math.imul(hash ^ (length >>> 8), FNV_PRIME);
  hash = Math.imul(hash ^ (length & 0xff), FNV_PRIME);
  const end = Math.min(payload.length, FINGERPRINT_PAYLOAD_BYTES);
  for (let index = 0; index < end; index++) hash = Math.imul(hash ^ payload[index]!, FNV_PRIME);
  return hash >>> 0;
}

export function decodeMulticastData(ip: IPv4Packet | IPv6Packet): MulticastData {
  const v4 = ip.version === 4;
  return multicastDataRecord(v4 ? 'data.ipv4' : 'data.ipv6', ip.src, ip.dst, v4 ? ip.protocol : ip.nextHeader, ip.payload,
    v4 ? ip.totalLength : IPV6_FIXED_HEADER_LENGTH + ip.payloadLength, v4 ? ip.ttl : ip.hopLimit, ip.fragment?.offset ?? null, v4 ? ip.id : 0);
}

/**
 * The record from the IP fields it keeps (`fragmentOffset` null for a whole datagram, `id` 0 for
 * IPv6): decodeMulticastData's, and the common-frame path's (capture/common-frame.ts).
 */
export function multicastDataRecord(kind: MulticastData['kind'], source: string, group: string, protocol: number, payload: Uint8Array,
  length: number, ttl: number, fragmentOffset: number | null, id: number): MulticastData {
  const hasPorts = protocol === UDP_PROTOCOL && payload.length >= PORTS_LENGTH && (fragmentOffset === null || fragmentOffset === 0);
  return {
    kind,
    source,
    group,
    protocol,
    srcPort: hasPorts ? readUint16(payload, 0) : null,
    dstPort: hasPorts ? readUint16(payload, 2) : null,
    length,
    ttl,
    fragment: fragmentOffset !== null,
    udpPayload: hasPorts && payload.length >= UDP_HEADER_LENGTH ? payload.subarray(UDP_HEADER_LENGTH) : null,
    fingerprint: datagramFingerprint(id, length, payload),
  };
}
