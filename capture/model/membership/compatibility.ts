/**
 * Older-version interoperation on the router side.
 *
 * Versions are compared as generations, so one engine serves IGMP and MLD:
 *   generation 1 = IGMPv1 (RFC 1112): reports only, no Leave;
 *   generation 2 = IGMPv2 (RFC 2236) and MLDv1 (RFC 2710): reports and Leave/Done, no source filters;
 *   generation 3 = IGMPv3 (RFC 3376) and MLDv2 (RFC 3810): source-filter records.
 *
 * Host Compatibility Mode per group (RFC 3376 §7.3.2, RFC 3810 §8.3.2): an older report sets that
 * generation's Older Version Host Present timer (Older Version Host Present Interval); the mode is the
 * oldest generation whose timer runs, else 3. Older messages translate to records:
 *   v1/v2 report, MLDv1 report → IS_EX({})
 *   v2 Leave, MLDv1 Done       → TO_IN({})   (ignored in generation 1: IGMPv1 has no Leave)
 * and in generations 1 and 2 BLOCK records are ignored and TO_EX(x) is taken as TO_EX({}).
 *
 * The querier's version (RFC 3376 §7.3.1, RFC 3810 §8.3.1) bounds every group: a link whose querier runs
 * IGMPv2 processes groups in generation 2 at most.
 */
import type { GroupRecordType } from '../../message-kinds.js';
import type { GroupState } from './group-state.js';
import type { MembershipProtocol } from './types.js';

export const NEWEST_GENERATION = 3;

/** IGMP versions are generations; MLDv1 is IGMPv2's peer and MLDv2 IGMPv3's. */
export function generationOf(protocol: MembershipProtocol, version: number): number {
  const generation = protocol === 'igmp' ? version : version + 1;
  return Math.min(Math.max(generation, 1), NEWEST_GENERATION);
}

export function versionOf(protocol: MembershipProtocol, generation: number): number {
  return protocol === 'igmp' ? generation : generation - 1;
}

/** RFC 3376 §7.3.2 table: the oldest generation with a running Older Version Host Present timer. */
function hostCompatibilityOf(group: GroupState): number {
  if (group.olderHostPresentUntil[1] !== null) return 1;
  if (group.olderHostPresentUntil[2] !== null) return 2;
  return NEWEST_GENERATION;
}

/** An older report was heard: (re)start its Older Version Host Present timer. Returns the previous mode. */
export function hearOlderHost(group: GroupState, generation: 1 | 2, until: number): number {
  const previous = group.compatibility;
  group.olderHostPresentUntil[generation] = until;
  group.noteTimer(until);
  group.compatibility = hostCompatibilityOf(group);
  return previous;
}

/** Stops the Older Version Host Present timers that ran out at `time`. Returns the previous mode. */
export function expireOlderHosts(group: GroupState, time: number): number {
  const previous = group.compatibility;
  if (group.olderHostPresentUntil[1] === time) group.olderHostPresentUntil[1] = null;
  if (group.olderHostPresentUntil[2] === time) group.olderHostPresentUntil[2] = null;
  group.compatibility = hostCompatibilityOf(group);
  return previous;
}

export const NO_SOURCES: readonly string[] = [];

/**
 * RFC 3376 §7.3.2 / RFC 3810 §8.3.2: the source list a record is processed with in `generation`, or null
 * when the record is ignored (BLOCK in older modes; TO_EX loses its sources there).
 */
export function sourcesInMode(type: GroupRecordType, sources: readonly string[], generation: number): readonly string[] | null {
  if (generation >= NEWEST_GENERATION) return sources;
  if (type === 'BLOCK') return null;
  return type === 'TO_EX' ? NO_SOURCES : sources;
}

/** RFC 3376 §7.3.2: Leave messages are ignored in IGMPv1 Host Compatibility Mode. */
export function leaveIgnored(generation: number): boolean {
  return generation <= 1;
}
