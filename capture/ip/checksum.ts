/** RFC 1071 Internet checksum: one's-complement sum of 16-bit words. */
import { readUint16 } from '../bytes.js';
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += readUint16(bytes, i);
  if (i < end) sum += bytes[i]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** True when the bytes, checksum field included, sum to 0xffff (RFC 1071 §1). */
export function checksumIsValid(bytes: Uint8Array, start: number, end: number, initial = 0): boolean {
  return onesComplementSum(bytes, start, end, initial) === 0xffff;
}

/** The value to store in a checksum field that is currently zero. */
export function computeChecksum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  return ~onesComplementSum(bytes, start, end, initial) & 0xffff;
}

/**
 * IPv6 upper-layer pseudo-header sum (RFC 8200 §8.1): source, destination, upper-layer length,
 * next header. Used by ICMPv6/MLD and PIM over IPv6.
 */
export function ipv6PseudoHeaderSum(src: Uint8Array, dst: Uint8Array, upperLength: number, nextHeader: number): number {
  let sum = onesComplementSum(src, 0, 16);
  sum = onesComplementSum(dst, 0, 16, sum);
  sum += (upperLength >>> 16) + (upperLength & 0xffff) + nextHeader;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}
