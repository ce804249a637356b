/**
 * Router actions on reception of a group record (RFC 3376 §6.4, identical for MLDv2 in RFC 3810 §7.4):
 * one function per table row, named after the router's filter mode and the record type.
 *
 * Notation as in the RFC: INCLUDE (A) is the include list; EXCLUDE (X,Y) holds the requested list X
 * (source timers running) and the exclude list Y (source timers zero); the record carries the set B
 * (INCLUDE rows) or A (EXCLUDE rows). `+` union, `*` intersection, `-` difference. "(S)=T" sets the
 * source timers of S to T; "Delete (S)" removes those source records; GMI is the Group Membership
 * Interval, LMQT the Last Member Query Time.
 *
 * "Send Q(G)" and "Send Q(G,S)" are the querier's to do: their effect on the state (RFC 3376 §6.6.1:
 * lower the group timer / the queried sources' timers to LMQT) is applied when the query is seen on the
 * wire (link-membership.ts, onQuery), never simulated here. A querier that should have sent one and did
 * not leaves the timers where they were, as its routers would: that is the querier's fault to report.
 */
import type { GroupRecordType } from '../../message-kinds.js';
import {
  deleteSource, excludeSource, requestSource,
  type GroupState, type SourceDelta,
} from './group-state.js';
import type { FilterMode } from './types.js';

export interface RowContext {
  now: number;
  groupMembershipInterval: number;
  maxSourcesPerGroup: number;
  delta: SourceDelta;
}

export type GroupRecordAction = (group: GroupState, sources: ReadonlySet<string>, context: RowContext) => void;

/** (S)=T for every S in the record. */
function requestAll(group: GroupState, sources: ReadonlySet<string>, expiresAt: number, context: RowContext): void {
  for (const source of sources) requestSource(group, source, expiresAt, context.maxSourcesPerGroup, context.delta);
}

/** INCLUDE (A) + IS_EX/TO_EX (B) → EXCLUDE (A*B, B-A): (B-A)=0, Delete (A-B), Group Timer=GMI. */
function switchToExclude(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  for (const source of group.sources.keys()) if (!sources.has(source)) deleteSource(group, source, context.delta);
  group.mode = 'EXCLUDE';
  for (const source of sources) if (!group.sources.has(source)) excludeSource(group, source, context.maxSourcesPerGroup, context.delta);
  group.groupTimer = context.now + context.groupMembershipInterval;
  group.noteTimer(group.groupTimer);
}

/** RFC 3376 §6.4.1: INCLUDE (A), IS_IN (B) → INCLUDE (A+B); (B)=GMI. */
export function includeIsIn(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestAll(group, sources, context.now + context.groupMembershipInterval, context);
}

/** RFC 3376 §6.4.1: INCLUDE (A), IS_EX (B) → EXCLUDE (A*B, B-A); (B-A)=0, Delete (A-B), Group Timer=GMI. */
export function includeIsEx(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  switchToExclude(group, sources, context);
}

/** RFC 3376 §6.4.2: INCLUDE (A), ALLOW (B) → INCLUDE (A+B); (B)=GMI. */
export function includeAllow(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestAll(group, sources, context.now + context.groupMembershipInterval, context);
}

/** RFC 3376 §6.4.2: INCLUDE (A), BLOCK (B) → INCLUDE (A); Send Q(G,A*B). Nothing changes until that query is seen. */
export function includeBlock(): void {}

/** RFC 3376 §6.4.2: INCLUDE (A), TO_EX (B) → EXCLUDE (A*B, B-A); (B-A)=0, Delete (A-B), Send Q(G,A*B), Group Timer=GMI. */
export function includeToEx(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  switchToExclude(group, sources, context);
}

/** RFC 3376 §6.4.2: INCLUDE (A), TO_IN (B) → INCLUDE (A+B); (B)=GMI, Send Q(G,A-B). */
export function includeToIn(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestAll(group, sources, context.now + context.groupMembershipInterval, context);
}

/** RFC 3376 §6.4.1: EXCLUDE (X,Y), IS_IN (A) → EXCLUDE (X+A, Y-A); (A)=GMI. */
export function excludeIsIn(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestAll(group, sources, context.now + context.groupMembershipInterval, context);
}

/** RFC 3376 §6.4.1: EXCLUDE (X,Y), IS_EX (A) → EXCLUDE (A-Y, Y*A); (A-X-Y)=GMI, Delete (X-A), Delete (Y-A), Group Timer=GMI. */
export function excludeIsEx(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  deleteOutside(group, sources, context);
  const expiresAt = context.now + context.groupMembershipInterval;
  for (const source of sources) {
    if (!group.sources.has(source) && !group.excluded.has(source)) {
      requestSource(group, source, expiresAt, context.maxSourcesPerGroup, context.delta);
    }
  }
  group.groupTimer = expiresAt;
  group.noteTimer(expiresAt);
}

/** RFC 3376 §6.4.2: EXCLUDE (X,Y), ALLOW (A) → EXCLUDE (X+A, Y-A); (A)=GMI. */
export function excludeAllow(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestAll(group, sources, context.now + context.groupMembershipInterval, context);
}

/** RFC 3376 §6.4.2: EXCLUDE (X,Y), BLOCK (A) → EXCLUDE (X+(A-Y), Y); (A-X-Y)=Group Timer, Send Q(G,A-Y). */
export function excludeBlock(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestUnknownAtGroupTimer(group, sources, context);
}

/**
 * RFC 3376 §6.4.2: EXCLUDE (X,Y), TO_EX (A) → EXCLUDE (A-Y, Y*A); (A-X-Y)=Group Timer, Delete (X-A),
 * Delete (Y-A), Send Q(G,A-Y), Group Timer=GMI.
 */
export function excludeToEx(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  deleteOutside(group, sources, context);
  requestUnknownAtGroupTimer(group, sources, context);
  group.groupTimer = context.now + context.groupMembershipInterval;
  group.noteTimer(group.groupTimer);
}

/** RFC 3376 §6.4.2: EXCLUDE (X,Y), TO_IN (A) → EXCLUDE (X+A, Y-A); (A)=GMI, Send Q(G,X-A), Send Q(G). */
export function excludeToIn(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  requestAll(group, sources, context.now + context.groupMembershipInterval, context);
}

/** Delete (X-A), Delete (Y-A). */
function deleteOutside(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  for (const source of group.sources.keys()) if (!sources.has(source)) deleteSource(group, source, context.delta);
  for (const source of group.excluded) if (!sources.has(source)) deleteSource(group, source, context.delta);
}

/** (A-X-Y)=Group Timer: sources new to the record start with the group timer's current value. */
function requestUnknownAtGroupTimer(group: GroupState, sources: ReadonlySet<string>, context: RowContext): void {
  const expiresAt = group.groupTimer ?? context.now;
  for (const source of sources) {
    if (!group.sources.has(source) && !group.excluded.has(source)) {
      requestSource(group, source, expiresAt, context.maxSourcesPerGroup, context.delta);
    }
  }
}

/** The table, by the router's filter mode and the record type. */
export const GROUP_RECORD_ACTIONS: Readonly<Record<FilterMode, Readonly<Record<GroupRecordType, GroupRecordAction>>>> = {
  INCLUDE: { IS_IN: includeIsIn, IS_EX: includeIsEx, TO_IN: includeToIn, TO_EX: includeToEx, ALLOW: includeAllow, BLOCK: includeBlock },
  EXCLUDE: { IS_IN: excludeIsIn, IS_EX: excludeIsEx, TO_IN: excludeToIn, TO_EX: excludeToEx, ALLOW: excludeAllow, BLOCK: excludeBlock },
};
