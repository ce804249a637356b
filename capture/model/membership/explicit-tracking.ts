/**
 * Explicit tracking of reporters: per-host state that RFC 3376/3810 routers do not need but may keep (the
 * "explicit tracking" option discussed in RFC 6636). Per group: which hosts reported, when last, their
 * latest record, and their own filter (mode and sources) as their records show it:
 *   IS_IN(B) / TO_IN(B) → INCLUDE(B)      IS_EX(B) / TO_EX(B) → EXCLUDE(B)
 *   ALLOW(B): INCLUDE(S) → INCLUDE(S+B), EXCLUDE(S) → EXCLUDE(S-B)
 *   BLOCK(B): INCLUDE(S) → INCLUDE(S-B), EXCLUDE(S) → EXCLUDE(S+B)
 * A host left when its filter becomes INCLUDE({}) (TO_IN({}), IS_IN({}), a BLOCK of all its sources, a v2
 * Leave / MLDv1 Done translated to TO_IN({})). A reporter is also forgotten when its state can no longer
 * exist in the router: its last requested source timed out, the group timer expired on an EXCLUDE host,
 * the group was removed, or it sent nothing for a Group Membership Interval.
 */
import type { GroupRecordType } from '../../message-kinds.js';
import type { GroupState, ReporterState } from './group-state.js';

export type TrackingOutcome = 'added' | 'updated' | 'left' | 'unknown';

/** Applies one record (already translated for the group's compatibility mode) to its reporter's entry. */
export function trackRecord(
  group: GroupState, reporter: string, type: GroupRecordType, sources: readonly string[],
  version: number, now: number, groupMembershipInterval: number,
): TrackingOutcome {
  let entry = group.reporters.get(reporter);
  if (entry === undefined) {
    // A BLOCK from a host never heard says nothing of what it still wants.
    if (type === 'BLOCK' || (sources.length === 0 && (type === 'IS_IN' || type === 'TO_IN' || type === 'ALLOW'))) return 'unknown';
    entry = {
      lastReportAt: now, expiresAt: now, version, mode: 'INCLUDE', sources: new Set(),
      lastRecordType: type, lastRecordSources: sources,
    };
    group.reporters.set(reporter, entry);
    applyToFilter(entry, type, sources);
    refresh(entry, group, type, sources, version, now, groupMembershipInterval);
    return 'added';
  }
  applyToFilter(entry, type, sources);
  if (entry.mode === 'INCLUDE' && entry.sources.size === 0) {
    group.reporters.delete(reporter);
    return 'left';
  }
  refresh(entry, group, type, sources, version, now, groupMembershipInterval);
  return 'updated';
}

function applyToFilter(entry: ReporterState, type: GroupRecordType, sources: readonly string[]): void {
  const filter = entry.sources;
  switch (type) {
    case 'IS_IN': case 'TO_IN': case 'IS_EX': case 'TO_EX':
      entry.mode = type === 'IS_IN' || type === 'TO_IN' ? 'INCLUDE' : 'EXCLUDE';
      filter.clear();
      for (const source of sources) filter.add(source);
      return;
    case 'ALLOW':
      for (const source of sources) {
        if (entry.mode === 'INCLUDE') filter.add(source);
        else filter.delete(source);
      }
      return;
    case 'BLOCK':
      for (const source of sources) {
        if (entry.mode === 'INCLUDE') filter.delete(source);
        else filter.add(source);
      }
  }
}

function refresh(
  entry: ReporterState, group: GroupState, type: GroupRecordType, sources: readonly string[],
  version: number, now: number, groupMembershipInterval: number,
): void {
  entry.lastReportAt = now;
  entry.expiresAt = now + groupMembershipInterval;
  entry.version = version;
  entry.lastRecordType = type;
  entry.lastRecordSources = sources;
  group.noteTimer(entry.expiresAt);
}

/** A requested source timed out: INCLUDE hosts no longer want it. Returns the hosts left with nothing. */
export function forgetRequestedSource(group: GroupState, source: string): string[] {
  const emptied: string[] = [];
  for (const [reporter, entry] of group.reporters) {
    if (entry.mode === 'INCLUDE' && entry.sources.delete(source) && entry.sources.size === 0) {
      group.reporters.delete(reporter);
      emptied.push(reporter);
    }
  }
  return emptied;
}

/** RFC 3376 §6.5: the group timer expired, so no EXCLUDE host is left. Returns them. */
export function forgetExcludeReporters(group: GroupState): string[] {
  const gone: string[] = [];
  for (const [reporter, entry] of group.reporters) {
    if (entry.mode === 'EXCLUDE') {
      group.reporters.delete(reporter);
      gone.push(reporter);
    }
  }
  return gone;
}
