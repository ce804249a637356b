/**
 * BSD loopback encapsulation (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html):
 *   LINKTYPE_NULL = 0: a 4-byte address family in the *capturing host's* byte order;
 *   LINKTYPE_LOOP = 108: the same in network byte order (OpenBSD).
 * AF_INET is 2 everywhere; AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly)
 * or 30 (Darwin). Any other family is reported as etherType 0 with the rest as payload.
 */
import { ok, truncated, type Decoded } from '../decode-error.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, type LinkFrame } from './link-frame.js';
import { readUint32 } from '../bytes.js';

const FAMILY_LENGTH = 4;
const AF_INET = 2;
const AF_INET6_VALUES = new Set([24, 28, 30]);
/** Families are small numbers: a value above this was read in the wrong byte order. */
const MAX_FAMILY = 0xffff;

function etherTypeOfFamily(family: number): number {
  if (family === AF_INET) return ETHERTYPE_IPV4;
  return AF_INET6_VALUES.has(family) ? ETHERTYPE_IPV6 : 0;
}

function loopbackFrame(data: Uint8Array, family: number): LinkFrame {
  return { srcMac: null, dstMac: null, vlans: [], etherType: etherTypeOfFamily(family), payload: data.subarray(FAMILY_LENGTH) };
}

function readFamilyBigEndian(data: Uint8Array): number {
  return readUint32(data, 0);
}

/** LINKTYPE_NULL: the byte order is unknown, so the reading that gives a small value wins. */
export function decodeNull(data: Uint8Array): Decoded<LinkFrame> {
  if (data.length < FAMILY_LENGTH) return truncated('link', 0, FAMILY_LENGTH, data.length, 'loopback address family');
  const littleEndian = ((data[3]! << 24) | (data[2]! << 16) | (data[1]! << 8) | data[0]!) >>> 0;
  return ok(loopbackFrame(data, littleEndian > MAX_FAMILY ? readFamilyBigEndian(data) : littleEndian));
}

export function decodeLoop(data: Uint8Array): Decoded<LinkFrame> {
  if (data.length < FAMILY_LENGTH) return truncated('link', 0, FAMILY_LENGTH, data.length, 'loopback address family');
  return ok(loopbackFrame(data, readFamilyBigEndian(data)));
}
