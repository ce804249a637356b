/**
 * Link types whose frames are bare IP packets (https://www.tcpdump.org/linktypes.html):
 *   LINKTYPE_RAW = 101 (and the DLT_RAW values 12 and 14 older files carry): IPv4 or IPv6,
 *     told apart by the version nibble of the first byte (RFC 791 §3.1, RFC 8200 §3);
 *   LINKTYPE_IPV4 = 228, LINKTYPE_IPV6 = 229: one version only, named by the link type.
 */
import { fail, ok, truncated, type Decoded } from '../decode-error.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, type LinkFrame } from './link-frame.js';

function ipFrame(data: Uint8Array, etherType: number): LinkFrame {
  return { srcMac: null, dstMac: null, vlans: [], etherType, payload: data };
}

export function decodeRawIp(data: Uint8Array): Decoded<LinkFrame> {
  if (data.length < 1) return truncated('link', 0, 1, 0, 'raw IP version byte');
  const version = data[0]! >> 4;
  if (version === 4) return ok(ipFrame(data, ETHERTYPE_IPV4));
  if (version === 6) return ok(ipFrame(data, ETHERTYPE_IPV6));
  return fail('link', 'bad-version', 0, `raw IP: version nibble ${version} is neither 4 nor 6`);
}

export function decodeIPv4Link(data: Uint8Array): Decoded<LinkFrame> {
  if (data.length < 1) return truncated('link', 0, 1, 0, 'IPv4 packet');
  return ok(ipFrame(data, ETHERTYPE_IPV4));
}

export function decodeIPv6Link(data: Uint8Array): Decoded<LinkFrame> {
  if (data.length < 1) return truncated('link', 0, 1, 0, 'IPv6 packet');
  return ok(ipFrame(data, ETHERTYPE_IPV6));
}
