/**
 * What a multicast address says about itself: scope, SSM, well-known names, link-layer mapping.
 *
 * IPv4 (RFC 5771, IANA "IPv4 Multicast Address Space Registry"): 224/4; 224.0.0/24 link-local
 * (never forwarded), 224.0.1/24 internetwork control, 224.0.2.0–224.0.255.255, 224.3.0.0–224.4.255.255
 * and 233.252/14 ad hoc, 224.2/16 SDP/SAP, 232/8 SSM (RFC 4607), 233.0.0.0–233.251.255.255 GLOP
 * (RFC 3180: 233.AS-high.AS-low.x), 234/8 unicast-prefix-based (RFC 6034), 239/8 administratively
 * scoped (RFC 2365); the rest is treated as global.
 * IPv6 (RFC 4291 §2.7): ff<flags><scope>::; flags 0RPT (R RFC 3956, P RFC 3306, T transient);
 * ff3x::/32 SSM (RFC 4607 §1, RFC 3306 §6).
 * MAC mapping: IPv4 → 01:00:5e + low 23 bits (RFC 1112 §6.4, 32 groups per MAC);
 * IPv6 → 33:33 + low 32 bits (RFC 2464 §7).
 *
 * Functions take text or raw address bytes (4 or 16), so per-packet callers can skip parsing.
 */
import { formatIPv6, formatMac, parsedAddress, parseIPv6 } from './ip/address-format.js';
import { readUint16 } from './bytes.js';

export type Address = string | Uint8Array;

export type IPv4MulticastBlock =
  | 'link-local' | 'internetwork-control' | 'ad-hoc' | 'sdp-sap' | 'ssm' | 'glop'
  | 'unicast-prefix-based' | 'admin-scoped' | 'global';

export interface IPv4MulticastScope {
  family: 4;
  block: IPv4MulticastBlock;
  /** The AS number a GLOP group embeds (RFC 3180), null outside GLOP. */
  glopAs: number | null;
}

export type IPv6ScopeName =
  | 'reserved' | 'interface-local' | 'link-local' | 'realm-local' | 'admin-local' | 'site-local'
  | 'organization-local' | 'global' | 'unassigned';

export interface IPv6MulticastScope {
  family: 6;
  scope: IPv6ScopeName;
  /** The 4-bit scope field (RFC 4291 §2.7, RFC 7346). */
  scopeValue: number;
  /** R flag: embedded rendezvous point address (RFC 3956). */
  embeddedRendezvousPoint: boolean;
  /** P flag: unicast-prefix-based (RFC 3306). */
  prefixBased: boolean;
  /** T flag: transient, not IANA-assigned. */
  transient: boolean;
  ssm: boolean;
}

export type MulticastScope = IPv4MulticastScope | IPv6MulticastScope;

/** RFC 7346 §2 scope names by scope value; unlisted values are unassigned. */
const IPV6_SCOPE_NAMES: Readonly<Record<number, IPv6ScopeName>> = {
  0x0: 'reserved',
  0x1: 'interface-local',
  0x2: 'link-local',
  0x3: 'realm-local',
  0x4: 'admin-local',
  0x5: 'site-local',
  0x8: 'organization-local',
  0xe: 'global',
  0xf: 'reserved',
};

/** IPv4 blocks as [first address, last address] in 32-bit form, checked in order. */
const IPV4_BLOCKS: ReadonlyArray<readonly [number, number, IPv4MulticastBlock]> = [
  [ipv4(224, 0, 0, 0), ipv4(224, 0, 0, 255), 'link-local'],
  [ipv4(224, 0, 1, 0), ipv4(224, 0, 1, 255), 'internetwork-control'],
  [ipv4(224, 0, 2, 0), ipv4(224, 0, 255, 255), 'ad-hoc'],
  [ipv4(224, 2, 0, 0), ipv4(224, 2, 255, 255), 'sdp-sap'],
  [ipv4(224, 3, 0, 0), ipv4(224, 4, 255, 255), 'ad-hoc'],
  [ipv4(232, 0, 0, 0), ipv4(232, 255, 255, 255), 'ssm'],
  [ipv4(233, 0, 0, 0), ipv4(233, 251, 255, 255), 'glop'],
  [ipv4(233, 252, 0, 0), ipv4(233, 255, 255, 255), 'ad-hoc'],
  [ipv4(234, 0, 0, 0), ipv4(234, 255, 255, 255), 'unicast-prefix-based'],
  [ipv4(239, 0, 0, 0), ipv4(239, 255, 255, 255), 'admin-scoped'],
];

/** Well-known groups by canonical text (IANA multicast registries). */
const WELL_KNOWN_GROUPS: ReadonlyMap<string, string> = new Map([
  ['224.0.0.1', 'all-systems'],
  ['224.0.0.2', 'all-routers'],
  ['224.0.0.4', 'dvmrp-routers'],
  ['224.0.0.5', 'ospf-all-routers'],
  ['224.0.0.6', 'ospf-designated-routers'],
  ['224.0.0.9', 'rip2-routers'],
  ['224.0.0.10', 'eigrp-routers'],
  ['224.0.0.13', 'all-pim-routers'],
  ['224.0.0.18', 'vrrp'],
  ['224.0.0.22', 'igmpv3-reports'],
  ['224.0.0.102', 'hsrpv2'],
  ['224.0.0.106', 'all-snoopers'],
  ['224.0.0.107', 'ptp-pdelay'],
  ['224.0.0.251', 'mdns'],
  ['224.0.0.252', 'llmnr'],
  ['224.0.1.1', 'ntp'],
  ['224.0.1.39', 'cisco-rp-announce'],
  ['224.0.1.40', 'cisco-rp-discovery'],
  ['224.0.1.129', 'ptp-primary'],
  ['224.0.1.130', 'ptp-alternate-1'],
  ['224.0.1.131', 'ptp-alternate-2'],
  ['224.0.1.132', 'ptp-alternate-3'],
  ['239.255.255.250', 'ssdp'],
  ['ff01::1', 'all-nodes'],
  ['ff02::1', 'all-nodes'],
  ['ff01::2', 'all-routers'],
  ['ff02::2', 'all-routers'],
  ['ff05::2', 'all-routers'],
  ['ff02::5', 'ospfv3-all-spf-routers'],
  ['ff02::6', 'ospfv3-designated-routers'],
  ['ff02::9', 'ripng-routers'],
  ['ff02::a', 'eigrp-routers'],
  ['ff02::c', 'ssdp'],
  ['ff05::c', 'ssdp'],
  ['ff02::d', 'all-pim-routers'],
  ['ff02::12', 'vrrp'],
  ['ff02::16', 'mldv2-reports'],
  ['ff02::6a', 'all-snoopers'],
  ['ff02::6b', 'ptp-pdelay'],
  ['ff02::fb', 'mdns'],
  ['ff05::fb', 'mdns'],
  ['ff02::101', 'ntp'],
  ['ff05::101', 'ntp'],
  ['ff02::181', 'ptp-primary'],
  ['ff02::1:2', 'all-dhcp-agents'],
  ['ff02::1:3', 'llmnr'],
  ['ff05::1:3', 'all-dhcp-servers'],
]);

/** ff02::1:ff00:0/104 (RFC 4291 §2.7.1). */
const SOLICITED_NODE_PREFIX = parseIPv6('ff02::1:ff00:0')!;
const SOLICITED_NODE_PREFIX_BYTES = 13;

const MAC_LENGTH = 6;
const IPV4_MAC_PREFIX: readonly number[] = [0x01, 0x00, 0x5e];
const COLON = 0x3a;

/** Parses text into 4 or 16 bytes (parsed once, shared: never write them); bytes pass through. Null for anything else. */
export function addressBytes(address: Address): Uint8Array | null {
  if (typeof address !== 'string') return address.length === 4 || address.length === 16 ? address : null;
  return parsedAddress(address);
}

export function isMulticast(address: Address): boolean {
  const bytes = addressBytes(address);
  if (!bytes) return false;
  return bytes.length === 4 ? (bytes[0]! & 0xf0) === 0xe0 : bytes[0] === 0xff;
}

/** Scope and flags of a multicast address; null when the address is not multicast. */
export function multicastScope(group: Address): MulticastScope | null {
  const bytes = addressBytes(group);
  if (!bytes || !isMulticast(bytes)) return null;
  if (bytes.length === 4) {
    const value = ipv4(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
    const found = IPV4_BLOCKS.find(([first, last]) => value >= first && value <= last);
    const block = found ? found[2] : 'global';
    return { family: 4, block, glopAs: block === 'glop' ? readUint16(bytes, 1) : null };
  }
  const flags = bytes[1]! >> 4;
  const scopeValue = bytes[1]! & 0x0f;
  return {
    family: 6,
    scope: IPV6_SCOPE_NAMES[scopeValue] ?? 'unassigned',
    scopeValue,
    embeddedRendezvousPoint: (flags & 0x4) !== 0,
    prefixBased: (flags & 0x2) !== 0,
    transient: (flags & 0x1) !== 0,
    ssm: isSsmGroup(bytes),
  };
}

/** Source-specific multicast range: 232/8 (RFC 4607 §1) or ff3x::/32 (RFC 4607 §1, RFC 3306 §6). */
export function isSsmGroup(group: Address): boolean {
  const bytes = addressBytes(group);
  if (!bytes) return false;
  if (bytes.length === 4) return bytes[0] === 232;
  return bytes[0] === 0xff && bytes[1]! >> 4 === 0x3 && bytes[2] === 0 && bytes[3] === 0;
}

/** The registered name of a well-known group ('all-systems', 'solicited-node', ...), or null. */
export function wellKnownGroupName(group: Address): string | null {
  const bytes = addressBytes(group);
  if (!bytes) return null;
  if (bytes.length === 16 && startsWith(bytes, SOLICITED_NODE_PREFIX, SOLICITED_NODE_PREFIX_BYTES)) return 'solicited-node';
  const text = bytes.length === 4 ? bytes.join('.') : formatIPv6(bytes);
  return WELL_KNOWN_GROUPS.get(text) ?? null;
}

/** The Ethernet destination a multicast group maps to; null when the address is not multicast. */
export function groupMac(group: Address): string | null {
  const bytes = addressBytes(group);
  if (!bytes || !isMulticast(bytes)) return null;
  const mac = new Uint8Array(MAC_LENGTH);
  for (let i = 0; i < MAC_LENGTH; i++) mac[i] = groupMacByte(bytes, i);
  return formatMac(mac);
}

/**
 * Whether an Ethernet destination (6 bytes, or text in any case) is the one the group maps to.
 * Per-packet callers should pass bytes for both (e.g. the IP packet's `dstBytes`): a text MAC is
 * compared character by character.
 */
export function macMatchesGroup(mac: Uint8Array | string, group: Address): boolean {
  const bytes = addressBytes(group);
  if (!bytes || !isMulticast(bytes)) return false;
  if (typeof mac === 'string') return macTextMatches(mac, bytes);
  if (mac.length < MAC_LENGTH) return false;
  for (let i = 0; i < MAC_LENGTH; i++) if (mac[i] !== groupMacByte(bytes, i)) return false;
  return true;
}

/** Byte `index` of the group's MAC: RFC 1112 §6.4 01:00:5e + low 23 bits; RFC 2464 §7 33:33 + low 32 bits. */
function groupMacByte(group: Uint8Array, index: number): number {
  if (group.length === 16) return index < 2 ? 0x33 : group[index + 10]!;
  if (index < 3) return IPV4_MAC_PREFIX[index]!;
  return index === 3 ? group[1]! & 0x7f : group[index - 2]!;
}

/** Compares `xx:xx:xx:xx:xx:xx` text (any case) with the group's MAC, without building strings. */
function macTextMatches(text: string, group: Uint8Array): boolean {
  if (text.length !== 17) return false;
  for (let i = 0; i < MAC_LENGTH; i++) {
    const expected = groupMacByte(group, i);
    if (hexDigit(text.charCodeAt(3 * i)) !== expected >> 4 || hexDigit(text.charCodeAt(3 * i + 1)) !== (expected & 0x0f)) return false;
    if (i < MAC_LENGTH - 1 && text.charCodeAt(3 * i + 2) !== COLON) return false;
  }
  return true;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}
