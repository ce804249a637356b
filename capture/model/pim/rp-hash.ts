/**
 * Group-to-RP mapping, RFC 7761 §4.7.2 (with RFC 5059's RP-set).
 *
 *   1. longest match of the group over the group ranges of the RP-set
 *   2. among those, the best priority (RFC 5059 §4.1: a lower value is a higher priority)
 *   3. one left: that RP; else the highest hash value
 *        Value(G, M, C(i)) = (1103515245 × ((1103515245 × (G & M) + 12345) XOR C(i)) + 12345) mod 2^31
 *      with M the hash mask (the Bootstrap's hash mask length) and C(i) the RP address
 *   4. equal hash values: the highest RP address
 * IPv6 (§4.7.2): G & M and C(i) are reduced to 32 bits by XOR-ing their four 32-bit words (which
 * also yields the IPv4 address of an IPv4-compatible address, as the RFC recommends).
 *
 * Only the low 31 bits of each product matter mod 2^31, so Math.imul's low 32 bits suffice.
 */
import { compareAddresses } from './address-order.js';
import { readUint32 } from '../../bytes.js';

const HASH_MULTIPLIER = 1103515245;
const HASH_INCREMENT = 12345;
const MOD_2_31 = 0x7fffffff;

/** The 32-bit value of an IPv4 address, or the XOR of an IPv6 address's four 32-bit words. */
export function hashDigest(bytes: Uint8Array): number {
  let digest = 0;
  for (let offset = 0; offset + 3 < bytes.length; offset += 4) {
    digest ^= readUint32(bytes, offset);
  }
  return digest >>> 0;
}

/** G & M: `bytes` with everything after the first `maskLength` bits cleared (a copy). */
export function maskAddress(bytes: Uint8Array, maskLength: number): Uint8Array {
  const masked = new Uint8Array(bytes.length);
  const wholeBytes = Math.min(maskLength >> 3, bytes.length);
  masked.set(bytes.subarray(0, wholeBytes));
  const remainingBits = maskLength & 7;
  if (remainingBits > 0 && wholeBytes < bytes.length) masked[wholeBytes] = bytes[wholeBytes]! & (0xff << (8 - remainingBits));
  return masked;
}

/** RFC 7761 §4.7.2 Value(G, M, C(i)), from address bytes of one family. */
export function rpHashValue(group: Uint8Array, hashMaskLength: number, rp: Uint8Array): number {
  const maskedGroup = hashDigest(maskAddress(group, hashMaskLength));
  const inner = (Math.imul(HASH_MULTIPLIER, maskedGroup) + HASH_INCREMENT) | 0;
  return (Math.imul(HASH_MULTIPLIER, inner ^ hashDigest(rp)) + HASH_INCREMENT) & MOD_2_31;
}

export interface RpCandidate {
  rp: string;
  rpBytes: Uint8Array;
  /** Length of the group range that matched the group. */
  maskLength: number;
  /** Lower is better; null (unknown) ranks after every number. */
  priority: number | null;
}

export interface RpChoice<T extends RpCandidate> {
  candidate: T;
  /** The hash value that decided, null when priority or a single candidate did. */
  hash: number | null;
}

/** Steps 1-4 above over candidates whose range already contains the group. */
export function chooseRp<T extends RpCandidate>(candidates: readonly T[], group: Uint8Array, hashMaskLength: number): RpChoice<T> | null {
  if (candidates.length === 0) return null;
  let longest = 0;
  for (const candidate of candidates) longest = Math.max(longest, candidate.maskLength);
  let bestPriority = Infinity;
  for (const candidate of candidates) {
    if (candidate.maskLength === longest) bestPriority = Math.min(bestPriority, candidate.priority ?? Infinity);
  }
  const finalists = candidates.filter((candidate) => candidate.maskLength === longest && (candidate.priority ?? Infinity) === bestPriority);
  // Several ranges may name the same RP; it is still one RP.
  const distinct = new Map<string, T>();
  for (const finalist of finalists) if (!distinct.has(finalist.rp)) distinct.set(finalist.rp, finalist);
  if (distinct.size === 1) return { candidate: finalists[0]!, hash: null };
  let best: RpChoice<T> | null = null;
  for (const candidate of distinct.values()) {
    const hash = rpHashValue(group, hashMaskLength, candidate.rpBytes);
    if (best === null || hash > best.hash! || (hash === best.hash && compareAddresses(candidate.rp, best.candidate.rp) > 0)) {
      best = { candidate, hash };
    }
  }
  return best;
}
