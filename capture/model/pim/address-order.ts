/**
 * Address comparisons the PIM elections need ("higher address wins", RFC 7761 §4.3.2, §4.6.3,
 * §4.7.2; RFC 5059 §3.1.1) and group-prefix matching (RFC 7761 §4.7.2 longest match).
 */
import { compareAddresses } from '../../ip/address-format.js';
import type { AddressFamily } from '../../protocols/pim.js';

export { compareAddresses };

/** Order of entry sources: null (the (*,G) wildcard) first, then addresses in numeric order. */
export function compareSources(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compareAddresses(a, b);
}

/** The all-zero address, which PIM uses as a wildcard source (RFC 7761 §4.9.4). */
export function isUnspecifiedAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

export function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 6 : 4;
}

export function fullMaskLength(family: AddressFamily): number {
  return family === 4 ? 32 : 128;
}

/** "address/length" for a prefix. */
export function prefixText(address: string, maskLength: number): string {
  return `${address}/${maskLength}`;
}

/** A group as named in a Join/Prune: the address alone when the mask covers it all, else a prefix. */
export function groupText(address: string, maskLength: number, family: AddressFamily): string {
  return maskLength === fullMaskLength(family) ? address : prefixText(address, maskLength);
}

/** Whether the first `maskLength` bits of `prefix` and `address` (same family) agree. */
export function prefixContains(prefix: Uint8Array, maskLength: number, address: Uint8Array): boolean {
  if (prefix.length !== address.length) return false;
  const wholeBytes = maskLength >> 3;
  for (let index = 0; index < wholeBytes; index++) {
    if (prefix[index] !== address[index]) return false;
  }
  const remainingBits = maskLength & 7;
  if (remainingBits === 0) return true;
  const mask = (0xff << (8 - remainingBits)) & 0xff;
  return (prefix[wholeBytes]! & mask) === (address[wholeBytes]! & mask);
}
