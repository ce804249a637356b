/**
 * PIM Bootstrap (type 4) and Candidate-RP-Advertisement (type 8), RFC 5059 §4.1 and §4.2.
 *
 *   Bootstrap  header (4, N = No-Forward in the flags byte) | fragment tag (2) | hash mask len (1) |
 *              BSR priority (1) | BSR address: Encoded-Unicast | group entries until the end:
 *                Encoded-Group | RP count (1) | fragment RP count (1) | reserved (2) |
 *                fragment RP count × (Encoded-Unicast RP | holdtime (2) | priority (1) | reserved (1))
 *   C-RP-Adv   header (4) | prefix count (1) | priority (1) | holdtime (2) | RP address: Encoded-Unicast |
 *              prefix count × Encoded-Group (0 prefixes: the RP serves every group, §4.2)
 *
 * RP count is the group's total over all fragments; fragment RP count is the number in this one.
 */
import { ok, truncated, type ChecksumStatus, type Decoded } from '../../decode-error.js';
import { readUint16 } from '../../bytes.js';
import {
  decodeEncodedGroup, decodeEncodedUnicast, encodedGroupOrSourceLength, encodedUnicastLength,
  type EncodedGroup, type EncodedUnicast,
} from './pim-encoded-address.js';
import { PIM_FLAGS_OFFSET, PIM_HEADER_LENGTH } from './pim-header.js';
import { trailingBytes } from './pim-length.js';

export interface BootstrapRp {
  address: EncodedUnicast;
  holdtime: number;
  priority: number;
}

export interface BootstrapGroup {
  group: EncodedGroup;
  rpCount: number;
  fragmentRpCount: number;
  rps: BootstrapRp[];
}

export interface PimBootstrap {
  kind: 'pim.bootstrap';
  checksum: ChecksumStatus;
  /** N: the message must not be forwarded (RFC 5059 §3.2, §4.1). */
  noForward: boolean;
  fragmentTag: number;
  hashMaskLength: number;
  bsrPriority: number;
  bsrAddress: EncodedUnicast;
  groups: BootstrapGroup[];
}

export interface PimCandidateRpAdvertisement {
  kind: 'pim.c-rp-adv';
  checksum: ChecksumStatus;
  prefixCount: number;
  priority: number;
  holdtime: number;
  rpAddress: EncodedUnicast;
  groups: EncodedGroup[];
  /** Bytes after the last group prefix (a note: the message is whole without them). */
  trailingBytes: number;
}

const NO_FORWARD_FLAG = 0x80;
/** Fragment tag (2), hash mask length (1), BSR priority (1). */
const BOOTSTRAP_FIXED_LENGTH = 4;
/** RP count (1), fragment RP count (1), reserved (2) after each group's Encoded-Group. */
const GROUP_COUNTS_LENGTH = 4;
/** Holdtime (2), priority (1), reserved (1) after each RP's Encoded-Unicast. */
const RP_FIELDS_LENGTH = 4;
/** Prefix count (1), priority (1), holdtime (2). */
const CANDIDATE_RP_FIXED_LENGTH = 4;

export function decodeBootstrap(bytes: Uint8Array, checksum: ChecksumStatus): Decoded<PimBootstrap> {
  let offset = PIM_HEADER_LENGTH;
  if (bytes.length - offset < BOOTSTRAP_FIXED_LENGTH) {
    return truncated('pim', offset, BOOTSTRAP_FIXED_LENGTH, bytes.length - offset, 'Bootstrap fragment tag, hash mask length and BSR priority');
  }
  const fragmentTag = readUint16(bytes, offset);
  const hashMaskLength = bytes[offset + 2]!;
  const bsrPriority = bytes[offset + 3]!;
  offset += BOOTSTRAP_FIXED_LENGTH;
  const bsrAddress = decodeEncodedUnicast(bytes, offset, 'BSR address');
  if (!bsrAddress.ok) return bsrAddress;
  offset += encodedUnicastLength(bsrAddress.value.family);

  const groups: BootstrapGroup[] = [];
  while (offset < bytes.length) {
    const group = decodeEncodedGroup(bytes, offset, 'Bootstrap group');
    if (!group.ok) return group;
    offset += encodedGroupOrSourceLength(group.value.family);
    if (bytes.length - offset < GROUP_COUNTS_LENGTH) {
      return truncated('pim', offset, GROUP_COUNTS_LENGTH, bytes.length - offset, 'Bootstrap group RP counts');
    }
    const rpCount = bytes[offset]!;
    const fragmentRpCount = bytes[offset + 1]!;
    offset += GROUP_COUNTS_LENGTH;
    const rps: BootstrapRp[] = [];
    for (let index = 0; index < fragmentRpCount; index++) {
      const address = decodeEncodedUnicast(bytes, offset, 'Bootstrap RP address');
      if (!address.ok) return address;
      offset += encodedUnicastLength(address.value.family);
      if (bytes.length - offset < RP_FIELDS_LENGTH) {
        return truncated('pim', offset, RP_FIELDS_LENGTH, bytes.length - offset, 'Bootstrap RP holdtime and priority');
      }
      rps.push({ address: address.value, holdtime: readUint16(bytes, offset), priority: bytes[offset + 2]! });
      offset += RP_FIELDS_LENGTH;
    }
    groups.push({ group: group.value, rpCount, fragmentRpCount, rps });
  }
  return ok({
    kind: 'pim.bootstrap',
    checksum,
    noForward: (bytes[PIM_FLAGS_OFFSET]! & NO_FORWARD_FLAG) !== 0,
    fragmentTag,
    hashMaskLength,
    bsrPriority,
    bsrAddress: bsrAddress.value,
    groups,
  });
}

export function decodeCandidateRpAdvertisement(bytes: Uint8Array, checksum: ChecksumStatus): Decoded<PimCandidateRpAdvertisement> {
  let offset = PIM_HEADER_LENGTH;
  if (bytes.length - offset < CANDIDATE_RP_FIXED_LENGTH) {
    return truncated('pim', offset, CANDIDATE_RP_FIXED_LENGTH, bytes.length - offset, 'C-RP-Adv prefix count, priority and holdtime');
  }
  const prefixCount = bytes[offset]!;
  const priority = bytes[offset + 1]!;
  const holdtime = readUint16(bytes, offset + 2);
  offset += CANDIDATE_RP_FIXED_LENGTH;
  const rpAddress = decodeEncodedUnicast(bytes, offset, 'C-RP-Adv RP address');
  if (!rpAddress.ok) return rpAddress;
  offset += encodedUnicastLength(rpAddress.value.family);
  const groups: EncodedGroup[] = [];
  for (let index = 0; index < prefixCount; index++) {
    const group = decodeEncodedGroup(bytes, offset, 'C-RP-Adv group prefix');
    if (!group.ok) return group;
    groups.push(group.value);
    offset += encodedGroupOrSourceLength(group.value.family);
  }
  return ok({ kind: 'pim.c-rp-adv', checksum, prefixCount, priority, holdtime, rpAddress: rpAddress.value, groups, trailingBytes: trailingBytes(bytes, offset) });
}
