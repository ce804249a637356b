/**
 * IPv4 header decoder — RFC 791, options per RFC 791 §3.1, Router Alert RFC 2113.
 *
 * Layout (bytes):  0 version(4)|IHL(4)   1 DSCP(6)|ECN(2)   2 total length   4 identification
 *                  6 flags(3)|fragment offset(13, in 8-octet units)   8 TTL   9 protocol
 *                 10 header checksum   12 source   16 destination   20 options (IHL*4 - 20 bytes)
 *
 * Options: 0 End of Option List, 1 No-Operation (single bytes); every other type is
 * type | length (counting type and length) | data. Router Alert is type 148, length 4, a 16-bit
 * value (0 = "routers shall examine this packet"); IGMP messages carry it (RFC 2236 §2, RFC 3376 §4).
 *
 * A header whose checksum is wrong is a decode error (project rule: a bad checksum is counted, not
 * decoded). A fragment other than the first carries no upper-layer header: callers must not decode
 * its payload as IGMP/PIM/UDP (check `fragment`).
 */
import { type ChecksumStatus, type Decoded, fail, ok, truncated } from '../decode-error.js';
import { checksumIsValid, onesComplementSum } from './checksum.js';
import { formatIPv4 } from './address-format.js';
import { readUint16 } from '../bytes.js';

const MIN_HEADER_LENGTH = 20;
const OFFSET_TOTAL_LENGTH = 2;
const OFFSET_ID = 4;
const OFFSET_FLAGS_FRAGMENT = 6;
const OFFSET_TTL = 8;
const OFFSET_PROTOCOL = 9;
const OFFSET_CHECKSUM = 10;
const OFFSET_SRC = 12;
const OFFSET_DST = 16;

const FLAG_DONT_FRAGMENT = 0x4000;
const FLAG_MORE_FRAGMENTS = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

const OPTION_END_OF_LIST = 0;
const OPTION_NO_OPERATION = 1;
const OPTION_ROUTER_ALERT = 148;
const ROUTER_ALERT_LENGTH = 4;

const NO_OPTIONS: readonly number[] = Object.freeze([]);

/** Where a fragment sits in its datagram; `offset` is in bytes (0 = the first fragment). */
export interface FragmentInfo {
  offset: number;
  moreFragments: boolean;
}

export interface IPv4Packet {
  version: 4;
  headerLength: number;
  /** DSCP and ECN byte. */
  tos: number;
  totalLength: number;
  id: number;
  dontFragment: boolean;
  ttl: number;
  protocol: number;
  checksum: ChecksumStatus;
  src: string;
  dst: string;
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
  /** Types of the options present, in order (End of List and No-Operation left out). */
  options: readonly number[];
  /** Router Alert value (RFC 2113; 0 = examine packet), null when the option is absent. */
  routerAlert: number | null;
  /** Null when the packet is a whole datagram. */
  fragment: FragmentInfo | null;
  /** Bytes from the end of the header to min(totalLength, captured). */
  payload: Uint8Array;
  /** True when fewer bytes were captured than totalLength says. */
  truncated: boolean;
}

export function decodeIPv4(bytes: Uint8Array): Decoded<IPv4Packet> {
  if (bytes.length < MIN_HEADER_LENGTH) return truncated('ipv4', 0, MIN_HEADER_LENGTH, bytes.length, 'IPv4 header');
  const version = bytes[0]! >> 4;
  if (version !== 4) return fail('ipv4', 'bad-version', 0, `version ${version}, expected 4`);
  const headerLength = (bytes[0]! & 0x0f) * 4;
  if (headerLength < MIN_HEADER_LENGTH) {
    return fail('ipv4', 'bad-length', 0, `IHL ${headerLength / 4} is below the minimum 5 (RFC 791 §3.1)`);
  }
  if (bytes.length < headerLength) return truncated('ipv4', 0, headerLength, bytes.length, 'IPv4 header with options');
  const totalLength = readUint16(bytes, OFFSET_TOTAL_LENGTH);
  if (totalLength < headerLength) {
    return fail('ipv4', 'bad-length', OFFSET_TOTAL_LENGTH, `total length ${totalLength} is shorter than the ${headerLength}-byte header`);
  }
  if (!checksumIsValid(bytes, 0, headerLength)) {
    return fail('ipv4', 'bad-checksum', OFFSET_CHECKSUM, badChecksumReason(bytes, headerLength));
  }

  let options = NO_OPTIONS;
  let routerAlert: number | null = null;
  if (headerLength > MIN_HEADER_LENGTH) {
    const found: number[] = [];
    let at = MIN_HEADER_LENGTH;
    while (at < headerLength) {
      const type = bytes[at]!;
      if (type === OPTION_END_OF_LIST) break;
      if (type === OPTION_NO_OPERATION) { at++; continue; }
      if (at + 1 >= headerLength) return fail('ipv4', 'bad-length', at, `option ${type} has no length byte before the header ends`);
      const length = bytes[at + 1]!;
      if (length < 2 || at + length > headerLength) {
        return fail('ipv4', 'bad-length', at + 1, `option ${type} length ${length} does not fit the ${headerLength - at} bytes left in the header`);
      }
      if (type === OPTION_ROUTER_ALERT) {
        if (length !== ROUTER_ALERT_LENGTH) return fail('ipv4', 'bad-length', at + 1, `Router Alert length ${length}, expected 4 (RFC 2113 §2.1)`);
        routerAlert = readUint16(bytes, at + 2);
      }
      found.push(type);
      at += length;
    }
    if (found.length) options = found;
  }

  const flagsFragment = readUint16(bytes, OFFSET_FLAGS_FRAGMENT);
  const fragmentOffset = (flagsFragment & FRAGMENT_OFFSET_MASK) * 8;
  const moreFragments = (flagsFragment & FLAG_MORE_FRAGMENTS) !== 0;
  const end = Math.min(totalLength, bytes.length);
  return ok({
    version: 4,
    headerLength,
    tos: bytes[1]!,
    totalLength,
    id: readUint16(bytes, OFFSET_ID),
    dontFragment: (flagsFragment & FLAG_DONT_FRAGMENT) !== 0,
    ttl: bytes[OFFSET_TTL]!,
    protocol: bytes[OFFSET_PROTOCOL]!,
    checksum: 'good',
    src: formatIPv4(bytes, OFFSET_SRC),
    dst: formatIPv4(bytes, OFFSET_DST),
    srcBytes: bytes.subarray(OFFSET_SRC, OFFSET_SRC + 4),
    dstBytes: bytes.subarray(OFFSET_DST, OFFSET_DST + 4),
    options,
    routerAlert,
    fragment: fragmentOffset || moreFragments ? { offset: fragmentOffset, moreFragments } : null,
    payload: bytes.subarray(headerLength, end),
    truncated: bytes.length < totalLength,
  });
}

function badChecksumReason(bytes: Uint8Array, headerLength: number): string {
  const stored = readUint16(bytes, OFFSET_CHECKSUM);
  const withoutField = onesComplementSum(bytes, OFFSET_CHECKSUM + 2, headerLength, onesComplementSum(bytes, 0, OFFSET_CHECKSUM));
  return `header checksum ${hex16(stored)}, expected ${hex16(~withoutField & 0xffff)}`;
}

function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, '0')}`;
}
