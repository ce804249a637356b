/** Text forms of addresses read from packets: dotted quad, RFC 5952 IPv6, colon-separated MAC. */
import { readUint16 } from '../bytes.js';

/**
 * IPv4 texts by the 32-bit address: every packet has two or three, from a few hundred distinct
 * addresses; one string each (bounded: cleared when full) is less garbage, and the model's map
 * lookups by the same string reuse its hash.
 */
const ipv4Texts = new Map<number, string>();
const IPV4_TEXTS_KEPT = 65_536;

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  if (offset + 4 > bytes.length) return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
  const number = ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
  let text = ipv4Texts.get(number);
  if (text === undefined) {
    text = `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
    if (ipv4Texts.size >= IPV4_TEXTS_KEPT) ipv4Texts.clear();
    ipv4Texts.set(number, text);
  }
  return text;
}

/** RFC 5952 §4: lower case, no leading zeros, the longest (first) run of ≥ 2 zero groups as `::`. */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(readUint16(bytes, offset + 2 * i));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  // RFC 5952 §5: IPv4-mapped addresses keep the dotted quad.
  if (bestStart === 0 && bestLength === 5 && groups[5] === 0xffff) {
    return `::ffff:${formatIPv4(bytes, offset + 12)}`;
  }
  const hex = (g: number) => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  const head = groups.slice(0, bestStart).map(hex).join(':');
  const tail = groups.slice(bestStart + bestLength).map(hex).join(':');
  return `${head}::${tail}`;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** MAC texts by the 48-bit number: a capture has few MACs, and every frame has two (bounded: cleared when full). */
const macTexts = new Map<number, string>();
const MAC_TEXTS_KEPT = 4096;

export function formatMac(bytes: Uint8Array, offset = 0): string {
  if (offset + 6 > bytes.length) throw new RangeError(`a MAC address needs 6 bytes at offset ${offset}`);
  const high = (bytes[offset]! << 16) | (bytes[offset + 1]! << 8) | bytes[offset + 2]!;
  const low = (bytes[offset + 3]! << 16) | (bytes[offset + 4]! << 8) | bytes[offset + 5]!;
  const number = high * 0x1000000 + low;
  let text = macTexts.get(number);
  if (text === undefined) {
    text = `${HEX_BYTES[bytes[offset]!]}:${HEX_BYTES[bytes[offset + 1]!]}:${HEX_BYTES[bytes[offset + 2]!]}:`
      + `${HEX_BYTES[bytes[offset + 3]!]}:${HEX_BYTES[bytes[offset + 4]!]}:${HEX_BYTES[bytes[offset + 5]!]}`;
    if (macTexts.size >= MAC_TEXTS_KEPT) macTexts.clear();
    macTexts.set(number, text);
  }
  return text;
}

/** Parses a dotted quad into 4 bytes; null when it is not one. */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    bytes[i] = Number(part);
  }
  return bytes;
}

/** Parses any RFC 4291 §2.2 text form (including `::` and a trailing dotted quad) into 16 bytes. */
export function parseIPv6(text: string): Uint8Array | null {
  let work = text;
  const tailBytes: number[] = [];
  const lastColon = work.lastIndexOf(':');
  if (work.includes('.', lastColon)) {
    const v4 = parseIPv4(work.slice(lastColon + 1));
    if (!v4) return null;
    tailBytes.push(...v4);
    work = work.slice(0, lastColon + 1) + '0:0';
  }
  const halves = work.split('::');
  if (halves.length > 2) return null;
  const toGroups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = groups[i]!;
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    const value = parseInt(g, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  }
  if (tailBytes.length) bytes.set(tailBytes, 12);
  return bytes;
}

/**
 * The model and its snapshots ask about (and sort) the same few addresses over and over: their
 * parsed bytes are kept (a bounded cache). The bytes are shared: read them, never write.
 */
const parsed = new Map<string, Uint8Array | null>();
const PARSED_CACHE_SIZE = 65_536;

export function parsedAddress(text: string): Uint8Array | null {
  let bytes = parsed.get(text);
  if (bytes === undefined) {
    if (parsed.size >= PARSED_CACHE_SIZE) parsed.clear();
    bytes = text.includes(':') ? parseIPv6(text) : parseIPv4(text);
    parsed.set(text, bytes);
  }
  return bytes;
}

/**
 * Numeric order of two address texts, IPv4 before IPv6. The elections use it (lowest querier,
 * RFC 3376 §6.6.2; highest DR, RFC 7761 §4.3.2); text that is no address (a prefix, say) sorts
 * last, by text, so sorting never fails.
 */
/**
 * An address as the analyzer writes it: IPv6 in RFC 5952 form (lower case, longest zero run as
 * ::), a group range's address part likewise; anything else unchanged. User input (REST, socket
 * subscriptions) goes through it so `FF3E:0::8000:1` finds ff3e::8000:1.
 */
export function canonicalAddress(text: string): string {
  const [address, length] = text.split('/') as [string, string | undefined];
  const ipv6 = address.includes(':') ? parseIPv6(address) : null;
  const canonical = ipv6 === null ? address : formatIPv6(ipv6);
  return length === undefined ? canonical : `${canonical}/${length}`;
}

export function compareAddresses(a: string, b: string): number {
  if (a === b) return 0;
  const left = parsedAddress(a);
  const right = parsedAddress(b);
  if (!left || !right) return left ? -1 : right ? 1 : a.localeCompare(b);
  if (left.length !== right.length) return left.length - right.length;
  for (let i = 0; i < left.length; i++) if (left[i] !== right[i]) return left[i]! - right[i]!;
  return 0;
}

/** Whether `address` lies in `prefix` ("10.0.1.1/24" style). */
export function prefixContainsAddress(prefix: string, address: string): boolean {
  const slash = prefix.indexOf('/');
  if (slash < 0) return false;
  const left = parsedAddress(prefix.slice(0, slash));
  const right = parsedAddress(address);
  const length = Number(prefix.slice(slash + 1));
  if (!left || !right || left.length !== right.length || !Number.isInteger(length)) return false;
  for (let bit = 0; bit < length; bit++) {
    const mask = 0x80 >> (bit & 7);
    if ((left[bit >> 3]! & mask) !== (right[bit >> 3]! & mask)) return false;
  }
  return true;
}
