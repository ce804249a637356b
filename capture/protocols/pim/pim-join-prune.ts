/**
 * PIM Join/Prune (type 3, RFC 7761 §4.9.5), and Graft (6) / Graft-Ack (7), which share its
 * format (RFC 3973 §4.7.3, §4.7.4; their holdtime is ignored by receivers).
 *
 *   header (4) | upstream neighbor: Encoded-Unicast | reserved (1) | number of groups (1) |
 *   holdtime (2) | per group: Encoded-Group | joined count (2) | pruned count (2) |
 *                             joined Encoded-Sources | pruned Encoded-Sources
 *
 * Each source entry's W (wildcard) and R (RPT) bits say what it names (§4.9.5.1), kept as its
 * `entryType`: W=1 R=1 → (*,G), W=0 R=1 → (S,G,rpt), W=0 R=0 → (S,G); W=1 R=0 is a decode error
 * (see pim-encoded-address.ts).
 */
import { ok, truncated, type ChecksumStatus, type Decoded } from '../../decode-error.js';
import { readUint16 } from '../../bytes.js';
import {
  decodeEncodedGroup, decodeEncodedSource, decodeEncodedUnicast, encodedGroupOrSourceLength,
  encodedUnicastLength, type EncodedGroup, type EncodedSource, type EncodedUnicast, type SourceEntryType,
} from './pim-encoded-address.js';
import { PIM_HEADER_LENGTH } from './pim-header.js';
import { trailingBytes } from './pim-length.js';

export type JoinPruneKind = 'pim.join-prune' | 'pim.graft' | 'pim.graft-ack';

/** A joined or pruned source entry: the Encoded-Source, whose `entryType` says what it names. */
export type JoinPruneSource = EncodedSource;
export type JoinPruneEntryType = SourceEntryType;

export interface JoinPruneGroup {
  group: EncodedGroup;
  joinedSources: JoinPruneSource[];
  prunedSources: JoinPruneSource[];
}

interface JoinPruneBody {
  checksum: ChecksumStatus;
  /** Seconds the receiver keeps the state (RFC 7761 §4.9.5); 0xffff means "forever". */
  holdtime: number;
  groups: JoinPruneGroup[];
  /** Bytes after the last source (a note: the message is whole without them). */
  trailingBytes: number;
}

/** A Graft or Graft-Ack may come as a bare header (no upstream neighbor, no groups): it is whole, and says nothing more. */
export type PimJoinPrune =
  | (JoinPruneBody & { kind: 'pim.join-prune'; upstreamNeighbor: EncodedUnicast })
  | (JoinPruneBody & { kind: 'pim.graft' | 'pim.graft-ack'; upstreamNeighbor: EncodedUnicast | null });

/** Reserved (1), number of groups (1), holdtime (2) after the upstream neighbor. */
const GROUP_COUNT_FIELD = 1;
const HOLDTIME_FIELD = 2;
const FIXED_AFTER_NEIGHBOR = 4;
/** Joined and pruned source counts after each Encoded-Group. */
const SOURCE_COUNTS_LENGTH = 4;

export function decodeJoinPrune(bytes: Uint8Array, kind: JoinPruneKind, checksum: ChecksumStatus): Decoded<PimJoinPrune> {
  if (kind !== 'pim.join-prune' && bytes.length === PIM_HEADER_LENGTH) {
    return ok({ kind, checksum, upstreamNeighbor: null, holdtime: 0, groups: [], trailingBytes: 0 });
  }
  const neighbor = decodeEncodedUnicast(bytes, PIM_HEADER_LENGTH, 'upstream neighbor');
  if (!neighbor.ok) return neighbor;
  let offset = PIM_HEADER_LENGTH + encodedUnicastLength(neighbor.value.family);
  if (bytes.length - offset < FIXED_AFTER_NEIGHBOR) {
    return truncated('pim', offset, FIXED_AFTER_NEIGHBOR, bytes.length - offset, 'group count and holdtime');
  }
  const groupCount = bytes[offset + GROUP_COUNT_FIELD]!;
  const holdtime = readUint16(bytes, offset + HOLDTIME_FIELD);
  offset += FIXED_AFTER_NEIGHBOR;

  const groups: JoinPruneGroup[] = [];
  for (let index = 0; index < groupCount; index++) {
    const group = decodeEncodedGroup(bytes, offset, 'Join/Prune group');
    if (!group.ok) return group;
    offset += encodedGroupOrSourceLength(group.value.family);
    if (bytes.length - offset < SOURCE_COUNTS_LENGTH) {
      return truncated('pim', offset, SOURCE_COUNTS_LENGTH, bytes.length - offset, 'Join/Prune group source counts');
    }
    const joinedCount = readUint16(bytes, offset);
    const prunedCount = readUint16(bytes, offset + 2);
    offset += SOURCE_COUNTS_LENGTH;
    const joinedSources: JoinPruneSource[] = [];
    const afterJoined = decodeSources(bytes, offset, joinedCount, joinedSources, 'joined source');
    if (!afterJoined.ok) return afterJoined;
    const prunedSources: JoinPruneSource[] = [];
    const afterPruned = decodeSources(bytes, afterJoined.value, prunedCount, prunedSources, 'pruned source');
    if (!afterPruned.ok) return afterPruned;
    offset = afterPruned.value;
    groups.push({ group: group.value, joinedSources, prunedSources });
  }
  const body = { checksum, upstreamNeighbor: neighbor.value, holdtime, groups, trailingBytes: trailingBytes(bytes, offset) };
  return ok(kind === 'pim.join-prune' ? { kind, ...body } : { kind, ...body });
}

/** Decodes `count` Encoded-Sources from `offset` into `into`; the value is the offset after them. */
function decodeSources(bytes: Uint8Array, offset: number, count: number, into: JoinPruneSource[], what: string): Decoded<number> {
  for (let index = 0; index < count; index++) {
    const source = decodeEncodedSource(bytes, offset, what);
    if (!source.ok) return source;
    into.push(source.value);
    offset += encodedGroupOrSourceLength(source.value.family);
  }
  return ok(offset);
}
