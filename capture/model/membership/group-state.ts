/**
 * One group record of a router (RFC 3376 §6.2, RFC 3810 §7.2): filter mode, group timer, source records
 * with their timers, plus the compatibility timers (RFC 3376 §7.3.2) and the reporters (explicit tracking).
 *
 * Source records follow the RFC's lists: in INCLUDE mode `sources` is the include list A; in EXCLUDE mode
 * `sources` is the requested list X (source timer > 0) and `excluded` the exclude list Y (source timer 0).
 * Every timer is an absolute packet time. `nextDueAt` is a lower bound of the earliest one, so that
 * expiry can skip the group until then.
 */
import type { GroupRecordType } from '../../message-kinds.js';
import type { FilterMode } from './types.js';

export interface ReporterState {
  lastReportAt: number;
  expiresAt: number;
  version: number;
  /** The host's own filter, as far as its records show it. */
  mode: FilterMode;
  sources: Set<string>;
  lastRecordType: GroupRecordType;
  lastRecordSources: readonly string[];
}

export class GroupState {
  mode: FilterMode = 'INCLUDE';
  /** INCLUDE: A; EXCLUDE: X. Source → source timer expiry. */
  readonly sources = new Map<string, number>();
  /** EXCLUDE: Y. */
  readonly excluded = new Set<string>();
  /** Group timer expiry; null in INCLUDE mode (RFC 3376 §6.2.1: not used there). */
  groupTimer: number | null = null;
  /** Older Version Host Present timers, indexed by generation (see compatibility.ts): [1] and [2]. */
  readonly olderHostPresentUntil: [null, number | null, number | null] = [null, null, null];
  /** Host Compatibility Mode as a generation, 3 = IGMPv3/MLDv2. */
  compatibility = 3;
  readonly reporters = new Map<string, ReporterState>();
  nextDueAt = Infinity;

  constructor(readonly group: string) {}

  /** A group record with INCLUDE({}) state is no state at all (RFC 3376 §6.4). */
  get isEmpty(): boolean {
    return this.mode === 'INCLUDE' && this.sources.size === 0;
  }

  noteTimer(expiresAt: number): void {
    if (expiresAt < this.nextDueAt) this.nextDueAt = expiresAt;
  }

  /** The earliest running timer of the record, Infinity when none. */
  earliestTimer(): number {
    let earliest = this.groupTimer ?? Infinity;
    for (const until of this.olderHostPresentUntil) if (until !== null && until < earliest) earliest = until;
    for (const expiresAt of this.sources.values()) if (expiresAt < earliest) earliest = expiresAt;
    for (const reporter of this.reporters.values()) if (reporter.expiresAt < earliest) earliest = reporter.expiresAt;
    return earliest;
  }
}

/**
 * The source-list changes one record or one expiry makes, for the `sources-changed` record. One instance
 * serves every record of a link: `reset()` renews only the lists that were handed over to a change record.
 */
export class SourceDelta {
  added: string[] = [];
  removed: string[] = [];
  excludedAdded: string[] = [];
  excludedRemoved: string[] = [];
  /** Sources not taken because the group reached maxSourcesPerGroup. */
  dropped: string[] = [];

  get changed(): boolean {
    return this.added.length + this.removed.length + this.excludedAdded.length + this.excludedRemoved.length > 0;
  }

  reset(): void {
    if (this.changed) {
      this.added = [];
      this.removed = [];
      this.excludedAdded = [];
      this.excludedRemoved = [];
    }
    if (this.dropped.length > 0) this.dropped = [];
  }
}

/** Puts `source` in the requested list (A or X) with timer `expiresAt`, taking it out of Y if there. */
export function requestSource(group: GroupState, source: string, expiresAt: number, maxSources: number, delta: SourceDelta): void {
  if (!group.sources.has(source)) {
    if (group.excluded.delete(source)) delta.excludedRemoved.push(source);
    else if (group.sources.size + group.excluded.size >= maxSources) {
      delta.dropped.push(source);
      return;
    }
    delta.added.push(source);
  }
  group.sources.set(source, expiresAt);
  group.noteTimer(expiresAt);
}

/** Puts `source` in the exclude list Y (source timer 0), taking it out of X if there. */
export function excludeSource(group: GroupState, source: string, maxSources: number, delta: SourceDelta): void {
  if (group.excluded.has(source)) return;
  if (group.sources.delete(source)) delta.removed.push(source);
  else if (group.sources.size + group.excluded.size >= maxSources) {
    delta.dropped.push(source);
    return;
  }
  group.excluded.add(source);
  delta.excludedAdded.push(source);
}

/** "Delete (S)": removes the source record from whichever list holds it. */
export function deleteSource(group: GroupState, source: string, delta: SourceDelta): void {
  if (group.sources.delete(source)) delta.removed.push(source);
  else if (group.excluded.delete(source)) delta.excludedRemoved.push(source);
}

/**
 * RFC 3376 §6.6.1 / §6.6.3.1, RFC 3810 §7.6.1: Q(G) sent or received with S clear lowers the group timer
 * to LMQT — only if it is larger (a later retransmission never pushes it out again).
 */
export function lowerGroupTimer(group: GroupState, deadline: number): void {
  if (group.groupTimer !== null && group.groupTimer > deadline) {
    group.groupTimer = deadline;
    group.noteTimer(deadline);
  }
}

/** RFC 3376 §6.6.1 / §6.6.3.2, RFC 3810 §7.6.1: Q(G,S) lowers the timer of each queried source above LMQT to LMQT. */
export function lowerSourceTimer(group: GroupState, source: string, deadline: number): void {
  const expiresAt = group.sources.get(source);
  if (expiresAt !== undefined && expiresAt > deadline) {
    group.sources.set(source, deadline);
    group.noteTimer(deadline);
  }
}
