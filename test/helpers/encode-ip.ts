/**
 * Test encoders for IPv4, IPv6 (with extension headers) and UDP: build valid packets with correct
 * checksums, or deliberately wrong ones through the override fields.
 */
import { computeChecksum, ipv6PseudoHeaderSum, onesComplementSum } from '../../capture/ip/checksum.js';
import { parseIPv4, parseIPv6 } from '../../capture/ip/address-format.js';

export const PROTOCOL_IGMP = 2;
export const PROTOCOL_UDP = 17;
export const PROTOCOL_PIM = 103;
export const NEXT_HEADER_HOP_BY_HOP = 0;
export const NEXT_HEADER_ROUTING = 43;
export const NEXT_HEADER_FRAGMENT = 44;
export const NEXT_HEADER_ESP = 50;
export const NEXT_HEADER_AH = 51;
export const NEXT_HEADER_ICMPV6 = 58;
export const NEXT_HEADER_DESTINATION_OPTIONS = 60;

export function ipv4Bytes(text: string): Uint8Array {
  const bytes = parseIPv4(text);
  if (!bytes) throw new Error(`not an IPv4 address: ${text}`);
  return bytes;
}

export function ipv6Bytes(text: string): Uint8Array {
  const bytes = parseIPv6(text);
  if (!bytes) throw new Error(`not an IPv6 address: ${text}`);
  return bytes;
}

export function concat(...parts: ArrayLike<number>[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

export interface IPv4Spec {
  src: string;
  dst: string;
  protocol: number;
  payload: Uint8Array;
  ttl?: number;
  id?: number;
  tos?: number;
  /** Raw option bytes; padded with End of Option List to a multiple of 4. */
  options?: ArrayLike<number>;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragmentOffset?: number;
  /** Overrides the computed total length. */
  totalLength?: number;
  /** Overrides the computed header checksum. */
  checksum?: number;
}

export function encodeIPv4(spec: IPv4Spec): Uint8Array {
  const options = spec.options ?? [];
  const optionsLength = Math.ceil(options.length / 4) * 4;
  const headerLength = 20 + optionsLength;
  const packet = new Uint8Array(headerLength + spec.payload.length);
  const view = new DataView(packet.buffer);
  packet[0] = 0x40 | (headerLength / 4);
  packet[1] = spec.tos ?? 0;
  view.setUint16(2, spec.totalLength ?? packet.length);
  view.setUint16(4, spec.id ?? 0x1234);
  view.setUint16(6, (spec.dontFragment ? 0x4000 : 0) | (spec.moreFragments ? 0x2000 : 0) | ((spec.fragmentOffset ?? 0) / 8));
  packet[8] = spec.ttl ?? 1;
  packet[9] = spec.protocol;
  packet.set(ipv4Bytes(spec.src), 12);
  packet.set(ipv4Bytes(spec.dst), 16);
  packet.set(options, 20);
  view.setUint16(10, spec.checksum ?? computeChecksum(packet, 0, headerLength));
  packet.set(spec.payload, headerLength);
  return packet;
}

/** RFC 2113 Router Alert option: type 148, length 4, value. */
export function ipv4RouterAlertOption(value = 0): Uint8Array {
  return Uint8Array.of(148, 4, value >> 8, value & 0xff);
}

/** An extension header with its next-header byte left for encodeIPv6 to fill. */
export interface ExtensionHeader {
  type: number;
  bytes: Uint8Array;
}

/** Hop-by-Hop (0) or Destination Options (60) header holding `options`, padded with PadN/Pad1 to 8 bytes. */
export function optionsHeader(type: number, options: ArrayLike<number>): ExtensionHeader {
  const unpadded = 2 + options.length;
  const length = Math.ceil(unpadded / 8) * 8;
  const bytes = new Uint8Array(length);
  bytes[1] = length / 8 - 1;
  bytes.set(options, 2);
  const padding = length - unpadded;
  if (padding === 1) bytes[unpadded] = 0;
  else if (padding > 1) { bytes[unpadded] = 1; bytes[unpadded + 1] = padding - 2; }
  return { type, bytes };
}

/** RFC 2711 Router Alert Hop-by-Hop option (value 0 = MLD). */
export function ipv6RouterAlertOption(value = 0): Uint8Array {
  return Uint8Array.of(5, 2, value >> 8, value & 0xff);
}

export function hopByHopRouterAlert(value = 0): ExtensionHeader {
  return optionsHeader(NEXT_HEADER_HOP_BY_HOP, ipv6RouterAlertOption(value));
}

/** Fragment header (RFC 8200 §4.5); offset in bytes. */
export function fragmentHeader(offset: number, moreFragments: boolean, id = 0xabcdef): ExtensionHeader {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint16(2, offset | (moreFragments ? 1 : 0));
  view.setUint32(4, id);
  return { type: NEXT_HEADER_FRAGMENT, bytes };
}

/** Routing header of 8 + 8·extraUnits bytes (its contents do not matter to the chain walk). */
export function routingHeader(extraUnits = 0): ExtensionHeader {
  const bytes = new Uint8Array(8 + extraUnits * 8);
  bytes[1] = extraUnits;
  bytes[2] = 4; // routing type (RFC 8754 SRH number; the walk does not care)
  return { type: NEXT_HEADER_ROUTING, bytes };
}

/** Authentication Header (RFC 4302 §2): length field counts 4-octet units minus 2. */
export function authenticationHeader(icvBytes = 12): ExtensionHeader {
  const bytes = new Uint8Array(12 + icvBytes);
  bytes[1] = bytes.length / 4 - 2;
  return { type: NEXT_HEADER_AH, bytes };
}

export interface IPv6Spec {
  src: string;
  dst: string;
  /** Upper-layer protocol after the extension headers. */
  nextHeader: number;
  payload: Uint8Array;
  extensionHeaders?: ExtensionHeader[];
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  /** Overrides the computed payload length. */
  payloadLength?: number;
}

export function encodeIPv6(spec: IPv6Spec): Uint8Array {
  const headers = spec.extensionHeaders ?? [];
  const chain = concat(...headers.map((header) => header.bytes));
  const packet = new Uint8Array(40 + chain.length + spec.payload.length);
  const view = new DataView(packet.buffer);
  const trafficClass = spec.trafficClass ?? 0;
  view.setUint32(0, (6 << 28) | (trafficClass << 20) | (spec.flowLabel ?? 0));
  view.setUint16(4, spec.payloadLength ?? chain.length + spec.payload.length);
  packet[6] = headers.length ? headers[0]!.type : spec.nextHeader;
  packet[7] = spec.hopLimit ?? 1;
  packet.set(ipv6Bytes(spec.src), 8);
  packet.set(ipv6Bytes(spec.dst), 24);
  let at = 40;
  headers.forEach((header, index) => {
    packet.set(header.bytes, at);
    packet[at] = index + 1 < headers.length ? headers[index + 1]!.type : spec.nextHeader;
    at += header.bytes.length;
  });
  packet.set(spec.payload, at);
  return packet;
}

/** UDP datagram with its checksum over the IPv4 or IPv6 pseudo-header (family from the address text). */
export function encodeUdp(src: string, dst: string, srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  const datagram = new Uint8Array(8 + payload.length);
  const view = new DataView(datagram.buffer);
  view.setUint16(0, srcPort);
  view.setUint16(2, dstPort);
  view.setUint16(4, datagram.length);
  datagram.set(payload, 8);
  const pseudoHeader = src.includes(':')
    ? ipv6PseudoHeaderSum(ipv6Bytes(src), ipv6Bytes(dst), datagram.length, PROTOCOL_UDP)
    : onesComplementSum(concat(ipv4Bytes(src), ipv4Bytes(dst), [0, PROTOCOL_UDP, datagram.length >> 8, datagram.length & 0xff]), 0, 12);
  view.setUint16(6, computeChecksum(datagram, 0, datagram.length, pseudoHeader) || 0xffff);
  return datagram;
}
