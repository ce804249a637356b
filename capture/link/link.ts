/**
 * Link-layer dispatch by LINKTYPE_* value (https://www.tcpdump.org/linktypes.html).
 *
 *   0 NULL, 108 LOOP          → null-loopback.ts
 *   1 ETHERNET                → ethernet.ts (802.1Q / QinQ tags, 802.3 + LLC)
 *   12, 14, 101 RAW; 228 IPV4; 229 IPV6 → raw-ip.ts
 *   113 LINUX_SLL, 276 LINUX_SLL2 → linux-sll.ts
 */
import { fail, type Decoded } from '../decode-error.js';
import { decodeEthernet } from './ethernet.js';
import type { LinkFrame } from './link-frame.js';
import { decodeLinuxSll, decodeLinuxSll2 } from './linux-sll.js';
import { decodeNull, decodeLoop } from './null-loopback.js';
import { decodeIPv4Link, decodeIPv6Link, decodeRawIp } from './raw-ip.js';

export type { LinkFrame, LinuxPacketType } from './link-frame.js';
export { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link-frame.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;
/** DLT_RAW as written by older libpcaps on most platforms (12) and OpenBSD (14). */
const DLT_RAW_VALUES = [12, 14];

type LinkDecoder = (data: Uint8Array) => Decoded<LinkFrame>;

const LINK_DECODERS = new Map<number, LinkDecoder>([
  [LINKTYPE_NULL, decodeNull],
  [LINKTYPE_ETHERNET, decodeEthernet],
  [LINKTYPE_RAW, decodeRawIp],
  ...DLT_RAW_VALUES.map((value): [number, LinkDecoder] => [value, decodeRawIp]),
  [LINKTYPE_LOOP, decodeLoop],
  [LINKTYPE_LINUX_SLL, decodeLinuxSll],
  [LINKTYPE_IPV4, decodeIPv4Link],
  [LINKTYPE_IPV6, decodeIPv6Link],
  [LINKTYPE_LINUX_SLL2, decodeLinuxSll2],
]);

export function isSupportedLinkType(linkType: number): boolean {
  return LINK_DECODERS.has(linkType);
}

export function decodeLink(linkType: number, data: Uint8Array): Decoded<LinkFrame> {
  const decoder = LINK_DECODERS.get(linkType);
  if (decoder === undefined) return fail('link', 'unsupported', 0, `unsupported link type ${linkType}`);
  return decoder(data);
}
