/**
 * PIM encoded addresses (RFC 7761 §4.9.1), shared by every PIMv2 message that names an address.
 *
 *   Encoded-Unicast  family (1) | encoding (1) | address                          6 (IPv4) / 18 (IPv6) bytes
 *   Encoded-Group    family (1) | encoding (1) | B.....Z (1) | mask len (1) | group     8 / 20 bytes
 *   Encoded-Source   family (1) | encoding (1) | .....SWR (1) | mask len (1) | source   8 / 20 bytes
 *
 * Address families are IANA "Address Family Numbers": 1 IPv4, 2 IPv6. The only encoding type
 * decoded is 0 (native); type 1 (RFC 5384 join attributes) and any other are `unsupported`.
 * A mask length beyond the address size, or an Encoded-Source with W set and R clear ("If the WC
 * bit is 1, the RPT bit MUST be 1"), is `bad-value`.
 */
import { fail, ok, truncated, type Decoded } from '../../decode-error.js';
import { formatIPv4, formatIPv6 } from '../../ip/address-format.js';

export type AddressFamily = 4 | 6;

export interface EncodedUnicast {
  family: AddressFamily;
  address: string;
}

/** RFC 7761 §4.9.1 Encoded-Group; RFC 5015 adds B, RFC 7761 keeps Z (admin scope zone). */
export interface EncodedGroup {
  family: AddressFamily;
  address: string;
  maskLength: number;
  /** B: the group range uses Bidirectional PIM (RFC 5015). */
  bidirectional: boolean;
  /** Z: the range is an admin scope zone; used by the Bootstrap mechanism only (RFC 5059 §4.1). */
  adminScopeZone: boolean;
}

/** What a Join/Prune source entry names, from its W and R bits (RFC 7761 §4.9.5.1). */
export type SourceEntryType = '*,G' | 'S,G,rpt' | 'S,G';

/** RFC 7761 §4.9.1 Encoded-Source, with the S (sparse), W (wildcard) and R (RPT) bits. */
export interface EncodedSource {
  family: AddressFamily;
  address: string;
  maskLength: number;
  sparse: boolean;
  wildcard: boolean;
  rpt: boolean;
  /** W=1 R=1 → (*,G); W=0 R=1 → (S,G,rpt); W=0 R=0 → (S,G). */
  entryType: SourceEntryType;
}

const FAMILY_IPV4 = 1;
const FAMILY_IPV6 = 2;
const ENCODING_NATIVE = 0;

/** Family + encoding bytes before a unicast address; group and source add flags + mask length. */
const UNICAST_PREFIX = 2;
const GROUP_OR_SOURCE_PREFIX = 4;

const GROUP_FLAG_BIDIRECTIONAL = 0x80;
const GROUP_FLAG_ADMIN_SCOPE_ZONE = 0x01;
const SOURCE_FLAG_SPARSE = 0x04;
const SOURCE_FLAG_WILDCARD = 0x02;
const SOURCE_FLAG_RPT = 0x01;

function addressLength(family: AddressFamily): number {
  return family === 4 ? 4 : 16;
}

export function encodedUnicastLength(family: AddressFamily): number {
  return UNICAST_PREFIX + addressLength(family);
}

/** Encoded-Group and Encoded-Source have the same length. */
export function encodedGroupOrSourceLength(family: AddressFamily): number {
  return GROUP_OR_SOURCE_PREFIX + addressLength(family);
}

/**
 * Reads the family and encoding bytes at `offset` and checks that the whole encoded address
 * (`prefixLength` bytes, then the address) fits: the family, or the error that stops decoding.
 * (A bare number rather than a Decoded wrapper: this runs for every address of every message.)
 */
function readFamily(bytes: Uint8Array, offset: number, prefixLength: number, what: string): AddressFamily | Decoded<never> {
  if (bytes.length < offset + 2) return truncated('pim', offset, 2, Math.max(0, bytes.length - offset), what);
  const familyCode = bytes[offset]!;
  const encoding = bytes[offset + 1]!;
  if (familyCode !== FAMILY_IPV4 && familyCode !== FAMILY_IPV6) {
    return fail('pim', 'unsupported', offset, `${what}: address family ${familyCode} (only 1 IPv4, 2 IPv6)`);
  }
  if (encoding !== ENCODING_NATIVE) {
    return fail('pim', 'unsupported', offset + 1, `${what}: encoding type ${encoding} (only 0, native)`);
  }
  const family: AddressFamily = familyCode === FAMILY_IPV4 ? 4 : 6;
  const needed = prefixLength + addressLength(family);
  if (bytes.length < offset + needed) return truncated('pim', offset, needed, bytes.length - offset, what);
  return family;
}

function formatAddress(bytes: Uint8Array, offset: number, family: AddressFamily): string {
  return family === 4 ? formatIPv4(bytes, offset) : formatIPv6(bytes, offset);
}

/** The mask length must fit the address (RFC 7761 §4.9.1: 32 for IPv4, 128 for IPv6 at most). */
function maskLengthError(maskLength: number, family: AddressFamily, offset: number, what: string): Decoded<never> | null {
  const limit = addressLength(family) * 8;
  if (maskLength <= limit) return null;
  return fail('pim', 'bad-value', offset, `${what}: mask length ${maskLength} exceeds ${limit}`);
}

export function decodeEncodedUnicast(bytes: Uint8Array, offset: number, what: string): Decoded<EncodedUnicast> {
  const family = readFamily(bytes, offset, UNICAST_PREFIX, what);
  if (typeof family !== 'number') return family;
  return ok({ family, address: formatAddress(bytes, offset + UNICAST_PREFIX, family) });
}

export function decodeEncodedGroup(bytes: Uint8Array, offset: number, what: string): Decoded<EncodedGroup> {
  const family = readFamily(bytes, offset, GROUP_OR_SOURCE_PREFIX, what);
  if (typeof family !== 'number') return family;
  const flags = bytes[offset + 2]!;
  const maskLength = bytes[offset + 3]!;
  const badMask = maskLengthError(maskLength, family, offset + 3, what);
  if (badMask) return badMask;
  return ok({
    family,
    address: formatAddress(bytes, offset + GROUP_OR_SOURCE_PREFIX, family),
    maskLength,
    bidirectional: (flags & GROUP_FLAG_BIDIRECTIONAL) !== 0,
    adminScopeZone: (flags & GROUP_FLAG_ADMIN_SCOPE_ZONE) !== 0,
  });
}

export function decodeEncodedSource(bytes: Uint8Array, offset: number, what: string): Decoded<EncodedSource> {
  const family = readFamily(bytes, offset, GROUP_OR_SOURCE_PREFIX, what);
  if (typeof family !== 'number') return family;
  const flags = bytes[offset + 2]!;
  const maskLength = bytes[offset + 3]!;
  const badMask = maskLengthError(maskLength, family, offset + 3, what);
  if (badMask) return badMask;
  const wildcard = (flags & SOURCE_FLAG_WILDCARD) !== 0;
  const rpt = (flags & SOURCE_FLAG_RPT) !== 0;
  // §4.9.1: "If the WC bit is 1, the RPT bit MUST be 1."
  if (wildcard && !rpt) return fail('pim', 'bad-value', offset + 2, `${what}: W bit set without R (RFC 7761 §4.9.1)`);
  return ok({
    family,
    address: formatAddress(bytes, offset + GROUP_OR_SOURCE_PREFIX, family),
    maskLength,
    sparse: (flags & SOURCE_FLAG_SPARSE) !== 0,
    wildcard,
    rpt,
    entryType: wildcard ? '*,G' : rpt ? 'S,G,rpt' : 'S,G',
  });
}
