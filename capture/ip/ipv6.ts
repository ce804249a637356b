/**
 * IPv6 header and extension header chain decoder — RFC 8200, Router Alert RFC 2711, AH RFC 4302.
 *
 * Fixed header (40 bytes): 0 version(4)|traffic class(8)|flow label(20)   4 payload length
 *                          6 next header   7 hop limit   8 source   24 destination
 *
 * Extension headers walked (RFC 8200 §4):
 *   0 Hop-by-Hop Options, 60 Destination Options, 43 Routing, 135 Mobility, 139 HIP, 140 Shim6:
 *       next header | length in 8-octet units not counting the first 8 | ...
 *   44 Fragment: 8 bytes; next header | reserved | offset(13, 8-octet units)|res(2)|M(1) | id(4)
 *   51 AH: next header | length in 4-octet units minus 2 | ...   (RFC 4302 §2.2)
 *   50 ESP: encrypted, the walk stops there (nextHeader = 50).
 * Hop-by-Hop options: 0 Pad1 (one byte), 1 PadN, 5 Router Alert (2-byte value, 0 = MLD; RFC 2711),
 * 0xC2 Jumbo Payload (RFC 2675, unsupported here).
 *
 * A non-first fragment ends the walk: its payload holds no upper-layer header (check `fragment`).
 */
import { type Decoded, fail, ok, truncated } from '../decode-error.js';
import { formatIPv6 } from './address-format.js';
import type { FragmentInfo } from './ipv4.js';
import { readUint16 } from '../bytes.js';

const FIXED_HEADER_LENGTH = 40;
const OFFSET_PAYLOAD_LENGTH = 4;
const OFFSET_NEXT_HEADER = 6;
const OFFSET_HOP_LIMIT = 7;
const OFFSET_SRC = 8;
const OFFSET_DST = 24;
const ADDRESS_LENGTH = 16;

const HOP_BY_HOP = 0;
const ROUTING = 43;
const FRAGMENT = 44;
const AH = 51;
const DESTINATION_OPTIONS = 60;
const FRAGMENT_HEADER_LENGTH = 8;

const MOBILITY = 135;
const HIP = 139;
const SHIM6 = 140;

/** Headers the walk steps over (RFC 8200 §4, RFC 7045); anything else is the upper layer (or ESP). */
const EXTENSION_HEADERS: ReadonlySet<number> = new Set([HOP_BY_HOP, ROUTING, FRAGMENT, AH, DESTINATION_OPTIONS, MOBILITY, HIP, SHIM6]);

const OPTION_PAD1 = 0;
const OPTION_ROUTER_ALERT = 5;
const ROUTER_ALERT_DATA_LENGTH = 2;
const OPTION_JUMBO_PAYLOAD = 0xc2;

const NO_EXTENSION_HEADERS: readonly number[] = Object.freeze([]);

export interface IPv6Packet {
  version: 6;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  hopLimit: number;
  src: string;
  dst: string;
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
  /** The upper-layer protocol after the extension headers (50 when the walk stopped at ESP). */
  nextHeader: number;
  /** Extension header protocol numbers in order. */
  extensionHeaders: readonly number[];
  /** Router Alert value from the Hop-by-Hop header (RFC 2711; 0 = MLD), null when absent. */
  routerAlert: number | null;
  fragment: FragmentInfo | null;
  /** Upper-layer bytes: after the extension headers, up to min(40 + payloadLength, captured). */
  payload: Uint8Array;
  /** True when fewer bytes were captured than the payload length says. */
  truncated: boolean;
}

export function decodeIPv6(bytes: Uint8Array): Decoded<IPv6Packet> {
  if (bytes.length < FIXED_HEADER_LENGTH) return truncated('ipv6', 0, FIXED_HEADER_LENGTH, bytes.length, 'IPv6 header');
  const version = bytes[0]! >> 4;
  if (version !== 6) return fail('ipv6', 'bad-version', 0, `version ${version}, expected 6`);
  const payloadLength = readUint16(bytes, OFFSET_PAYLOAD_LENGTH);
  if (payloadLength === 0 && bytes[OFFSET_NEXT_HEADER] === HOP_BY_HOP) {
    return fail('ipv6', 'unsupported', OFFSET_PAYLOAD_LENGTH, 'payload length 0 with a Hop-by-Hop header: a jumbogram (RFC 2675)');
  }
  const declaredEnd = FIXED_HEADER_LENGTH + payloadLength;
  const end = Math.min(declaredEnd, bytes.length);

  let nextHeader = bytes[OFFSET_NEXT_HEADER]!;
  let at = FIXED_HEADER_LENGTH;
  let extensionHeaders: number[] | null = null;
  let routerAlert: number | null = null;
  let fragment: FragmentInfo | null = null;
  while (EXTENSION_HEADERS.has(nextHeader)) {
    if (nextHeader === HOP_BY_HOP && at !== FIXED_HEADER_LENGTH) {
      return fail('ipv6', 'bad-value', at, 'Hop-by-Hop Options header not immediately after the IPv6 header (RFC 8200 §4.3)');
    }
    const chainError = checkRoom(at, 2, declaredEnd, bytes.length, nextHeader);
    if (chainError) return chainError;
    const headerLength = extensionHeaderLength(nextHeader, bytes[at + 1]!);
    const bodyError = checkRoom(at, headerLength, declaredEnd, bytes.length, nextHeader);
    if (bodyError) return bodyError;

    if (nextHeader === HOP_BY_HOP) {
      const options = walkHopByHopOptions(bytes, at + 2, at + headerLength);
      if (!options.ok) return options;
      routerAlert = options.value;
    }
    (extensionHeaders ??= []).push(nextHeader);
    if (nextHeader === FRAGMENT) {
      const offsetFlags = readUint16(bytes, at + 2);
      fragment = { offset: offsetFlags & 0xfff8, moreFragments: (offsetFlags & 1) !== 0 };
    }
    nextHeader = bytes[at]!;
    at += headerLength;
    // A later fragment starts mid-datagram: nothing after its Fragment header can be parsed.
    if (fragment && fragment.offset !== 0) break;
  }

  return ok({
    version: 6,
    trafficClass: ((bytes[0]! & 0x0f) << 4) | (bytes[1]! >> 4),
    flowLabel: ((bytes[1]! & 0x0f) << 16) | readUint16(bytes, 2),
    payloadLength,
    hopLimit: bytes[OFFSET_HOP_LIMIT]!,
    src: formatIPv6(bytes, OFFSET_SRC),
    dst: formatIPv6(bytes, OFFSET_DST),
    srcBytes: bytes.subarray(OFFSET_SRC, OFFSET_SRC + ADDRESS_LENGTH),
    dstBytes: bytes.subarray(OFFSET_DST, OFFSET_DST + ADDRESS_LENGTH),
    nextHeader,
    extensionHeaders: extensionHeaders ?? NO_EXTENSION_HEADERS,
    routerAlert,
    fragment,
    payload: bytes.subarray(at, end),
    truncated: bytes.length < declaredEnd,
  });
}

/** Bytes in an extension header: Fragment is fixed, AH counts 4-octet units minus 2, the rest 8-octet units minus 1. */
function extensionHeaderLength(type: number, lengthField: number): number {
  if (type === FRAGMENT) return FRAGMENT_HEADER_LENGTH;
  if (type === AH) return (lengthField + 2) * 4;
  return (lengthField + 1) * 8;
}

/** An error when `length` bytes at `at` overrun the declared payload (bad-length) or the capture (truncated). */
function checkRoom(at: number, length: number, declaredEnd: number, captured: number, header: number): Decoded<never> | null {
  if (at + length > declaredEnd) {
    return fail('ipv6', 'bad-length', at, `extension header ${header} needs ${length} bytes at offset ${at}, beyond the payload length (ends at ${declaredEnd})`);
  }
  if (at + length > captured) return truncated('ipv6', at, length, captured - at, `extension header ${header}`);
  return null;
}

/** Walks Hop-by-Hop options (RFC 8200 §4.2); the value is the Router Alert value or null. */
function walkHopByHopOptions(bytes: Uint8Array, start: number, end: number): Decoded<number | null> {
  let routerAlert: number | null = null;
  let at = start;
  while (at < end) {
    const type = bytes[at]!;
    if (type === OPTION_PAD1) { at++; continue; }
    if (at + 1 >= end) return fail('ipv6', 'bad-length', at, `Hop-by-Hop option ${type} has no length byte before the header ends`);
    const dataLength = bytes[at + 1]!;
    if (at + 2 + dataLength > end) {
      return fail('ipv6', 'bad-length', at + 1, `Hop-by-Hop option ${type} length ${dataLength} overruns the header`);
    }
    if (type === OPTION_JUMBO_PAYLOAD) return fail('ipv6', 'unsupported', at, 'Jumbo Payload option (RFC 2675)');
    if (type === OPTION_ROUTER_ALERT) {
      if (dataLength !== ROUTER_ALERT_DATA_LENGTH) return fail('ipv6', 'bad-length', at + 1, `Router Alert length ${dataLength}, expected 2 (RFC 2711 §2.1)`);
      routerAlert = readUint16(bytes, at + 2);
    }
    at += 2 + dataLength;
  }
  return ok(routerAlert);
}
