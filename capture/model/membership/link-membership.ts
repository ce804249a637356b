/**
 * The membership state a querier router holds for one link and one address family — IGMP on IPv4,
 * MLD on IPv6, one engine (RFC 3376 §6, RFC 3810 §7) — rebuilt by a passive observer from the messages
 * it sees. Entry points take observations in packet-time order:
 *   onReport / onLeave  host messages        → group-record-actions.ts, compatibility.ts, explicit-tracking.ts
 *   onQuery             router messages      → querier.ts (election), timers.ts (parameters), §6.6.1 timer updates
 *   advance(now)        timers up to `now`   → §6.3 source timers, §6.5 group timer, §7.3.2 compatibility timers,
 *                                              Other Querier Present timer, reporter expiry
 * Every entry point first expires what ran out before its time, and returns the change records it made,
 * each stamped with the exact time it happened (an expiry carries its own expiry time).
 */
import {
  expireOlderHosts, generationOf, hearOlderHost, leaveIgnored, NEWEST_GENERATION, NO_SOURCES, sourcesInMode, versionOf,
} from './compatibility.js';
import { ChangeLog } from './changes.js';
import { forgetExcludeReporters, forgetRequestedSource, trackRecord } from './explicit-tracking.js';
import { GROUP_RECORD_ACTIONS, type RowContext } from './group-record-actions.js';
import { GroupState, lowerGroupTimer, lowerSourceTimer, SourceDelta } from './group-state.js';
import { compareAddresses, QuerierElection } from './querier.js';
import { LinkParameters, RFC_DEFAULTS } from './timers.js';
import type {
  AddressFamily, GroupRemovalReason, GroupSnapshot, IgnoredSsmRequest, LinkMembershipSnapshot, MembershipChange, MembershipLimits,
  MembershipOptions, MembershipProtocol, ObservedGroupRecord, ObservedLeave, ObservedQuery, ObservedReport,
} from './types.js';
import type { GroupRecordType } from '../../message-kinds.js';
import { isSsmGroup } from '../../addresses.js';

export const DEFAULT_LIMITS: Readonly<MembershipLimits> = { maxGroups: 65536, maxSourcesPerGroup: 1024 };

const EMPTY_SOURCE_SET: ReadonlySet<string> = new Set();

export class LinkMembership {
  readonly protocol: MembershipProtocol;
  private readonly limits: MembershipLimits;
  private readonly parameters: LinkParameters;
  private readonly election: QuerierElection;
  private readonly groups = new Map<string, GroupState>();
  private readonly log: ChangeLog;
  private readonly rowContext: RowContext;
  /** Lower bound of the earliest running timer on the link. */
  private nextDueAt = Infinity;
  /** The latest time processed: observations that arrive out of order are taken at this time. */
  private clock = -Infinity;
  private operatingGeneration = NEWEST_GENERATION;
  /** RFC 4604 §3.1, §3.5: what was ignored for SSM groups, by `group|reporter`. */
  private readonly ignoredSsm = new Map<string, IgnoredSsmRequest>();
  /**
   * Each group's snapshot until the group changes, and the sorted list of them (caches: a checkpoint
   * leaves them out, pipeline/checkpoint.ts): a snapshot rebuilds only the groups touched since the last.
   */
  private groupSnapshots?: Map<string, GroupSnapshot>;
  private sortedGroups?: GroupSnapshot[] | undefined;

  constructor(readonly link: string, readonly family: AddressFamily, options: Partial<MembershipOptions> = {}) {
    this.protocol = family === 4 ? 'igmp' : 'mld';
    const settings: MembershipOptions = { ...RFC_DEFAULTS, ...DEFAULT_LIMITS, ...options };
    this.limits = { maxGroups: settings.maxGroups, maxSourcesPerGroup: settings.maxSourcesPerGroup };
    this.parameters = new LinkParameters(settings);
    this.election = new QuerierElection();
    this.log = new ChangeLog(link, family);
    this.rowContext = {
      now: 0, groupMembershipInterval: 0,
      maxSourcesPerGroup: settings.maxSourcesPerGroup, delta: new SourceDelta(),
    };
  }

  /** A Membership / Listener Report of any version. */
  onReport(report: ObservedReport): readonly MembershipChange[] {
    if (report.family !== this.family || !Number.isFinite(report.time)) return [];
    const now = this.enter(report.time);
    const generation = generationOf(this.protocol, report.version);
    for (const record of report.records) {
      const older = generation === 1 || generation === 2;
      // RFC 4604 §3.1, §3.5: "any source" requests (older reports, EXCLUDE-mode records) for an SSM group are ignored.
      if (isSsmGroup(record.group) && (older || record.type === 'IS_EX' || record.type === 'TO_EX')) {
        this.ignoreSsmRequest(record.group, report.reporter, report.version, older ? 'IS_EX' : record.type, now);
      } else if (older) {
        this.applyOlderReport(record.group, generation, report.reporter, report.version, now);
      } else {
        this.applyRecord(record, report.reporter, report.version, now);
      }
    }
    return this.log.take();
  }

  /** An IGMPv2 Leave Group or MLDv1 Done. */
  onLeave(leave: ObservedLeave): readonly MembershipChange[] {
    if (leave.family !== this.family || !Number.isFinite(leave.time)) return [];
    const now = this.enter(leave.time);
    const group = this.groups.get(leave.group);
    // RFC 3376 §7.3.2: Leaves are ignored in IGMPv1 mode; otherwise a Leave / Done is TO_IN({}) (RFC 3810 §8.3.2).
    // RFC 4604 §3.7: an older host's Leave / Done for an SSM group is ignored like its reports.
    if (group !== undefined && !leaveIgnored(this.generationFor(group)) && !isSsmGroup(leave.group)) {
      this.applyTranslated(group, false, group.compatibility, 'TO_IN', NO_SOURCES, leave.reporter, leave.version, now);
    }
    return this.log.take();
  }

  /** A Query of any version, from any router on the link. */
  onQuery(query: ObservedQuery): readonly MembershipChange[] {
    if (query.family !== this.family || !Number.isFinite(query.time)) return [];
    const now = this.enter(query.time);
    const previous = this.election.current?.address ?? null;
    const outcome = this.election.hear(query.querier, query.version, now);
    const querier = this.election.current;
    if (outcome !== 'outranked' && outcome !== 'no-address' && querier !== null) {
      // RFC 3376 §4.1.6/§4.1.7, RFC 3810 §5.1.8/§5.1.9: take the querier's QRV and QQI (and its Max Resp times).
      this.parameters.adoptQuery(query);
      // RFC 3376 §6.6.2: other routers stay silent for the Other Querier Present Interval after its query.
      querier.otherQuerierExpiresAt = now + this.parameters.otherQuerierPresentInterval;
      if (querier.otherQuerierExpiresAt < this.nextDueAt) this.nextDueAt = querier.otherQuerierExpiresAt;
      if (outcome !== 'refreshed') this.log.add(now, 'querier-changed', null, { from: previous, to: querier.address, reason: outcome });
      this.updateOperatingVersion(now);
    }
    // RFC 3376 §6.6.1, RFC 3810 §7.6.1, RFC 2236 §3: a group(-and-source)-specific query with S clear lowers
    // the queried timers to LMQT (LMQC times its Max Resp), never raising them.
    if (!query.suppressRouterSide && query.group !== null) {
      const group = this.groups.get(query.group);
      if (group !== undefined) {
        this.touch(group);
        const deadline = now + this.parameters.lastMemberQueryTime;
        if (query.sources.length === 0) lowerGroupTimer(group, deadline);
        else for (const source of query.sources) lowerSourceTimer(group, source, deadline);
        if (group.nextDueAt < this.nextDueAt) this.nextDueAt = group.nextDueAt;
      }
    }
    return this.log.take();
  }

  /** No timer of this link's runs out before this time (a lower bound: advance before it changes nothing). */
  get nextTimerAt(): number {
    return this.nextDueAt;
  }

  /** Expires every timer that ran out up to `now`, in time order; each change carries its expiry time. */
  advance(now: number): readonly MembershipChange[] {
    if (Number.isFinite(now) && now > this.clock) {
      this.expire(now);
      this.clock = now;
    }
    return this.log.take();
  }

  /** The state at `now` (call `advance(now)` first). Sorted by address, JSON-friendly. */
  snapshot(now: number): LinkMembershipSnapshot {
    const cache = this.groupSnapshots ??= new Map();
    const groups = this.sortedGroups ??= [...this.groups.values()].map((group) => {
      let snapshot = cache.get(group.group);
      if (snapshot === undefined) cache.set(group.group, snapshot = this.groupSnapshot(group));
      return snapshot;
    }).sort((a, b) => compareAddresses(a.group, b.group));
    return {
      time: now,
      link: this.link,
      family: this.family,
      protocol: this.protocol,
      operatingVersion: versionOf(this.protocol, this.operatingGeneration),
      querier: this.election.snapshot(),
      parameters: this.parameters.snapshot(),
      groups,
      ignoredSsmRequests: [...this.ignoredSsm.values()].map((entry) => ({ ...entry })),
    };
  }

  /** The group's state is about to change: its cached snapshot goes. */
  private touch(group: GroupState): void {
    this.groupSnapshots?.delete(group.group);
    this.sortedGroups = undefined;
  }

  private ignoreSsmRequest(group: string, reporter: string, version: number, recordType: GroupRecordType, now: number): void {
    const key = `${group}|${reporter}`;
    const seen = this.ignoredSsm.get(key);
    if (seen) {
      Object.assign(seen, { version, recordType, lastSeen: now, count: seen.count + 1 });
      return;
    }
    this.ignoredSsm.set(key, { group, reporter, version, recordType, firstSeen: now, lastSeen: now, count: 1 });
    this.log.add(now, 'ssm-request-ignored', group, { reporter, version, recordType });
  }

  private enter(time: number): number {
    const now = Math.max(time, this.clock);
    this.expire(now);
    this.clock = now;
    return now;
  }

  /** RFC 3376 §7.3.1: groups are processed no newer than the querier's version. */
  private generationFor(group: GroupState): number {
    return Math.min(group.compatibility, this.operatingGeneration);
  }

  private updateOperatingVersion(time: number): void {
    const querier = this.election.current;
    const generation = querier === null ? NEWEST_GENERATION : generationOf(this.protocol, querier.version);
    if (generation === this.operatingGeneration) return;
    const from = versionOf(this.protocol, this.operatingGeneration);
    this.operatingGeneration = generation;
    this.log.add(time, 'version-changed', null, { scope: 'link', from, to: versionOf(this.protocol, generation) });
  }

  /** RFC 3376 §7.3.2, RFC 3810 §8.3.2: an IGMPv1/v2 or MLDv1 report restarts its timer and is IS_EX({}). */
  private applyOlderReport(address: string, generation: 1 | 2, reporter: string, version: number, now: number): void {
    const existing = this.groups.get(address);
    const group = existing ?? new GroupState(address);
    const previous = hearOlderHost(group, generation, now + this.parameters.olderVersionHostPresentInterval);
    this.applyTranslated(group, existing === undefined, previous, 'IS_EX', NO_SOURCES, reporter, version, now);
  }

  private applyRecord(record: ObservedGroupRecord, reporter: string, version: number, now: number): void {
    const existing = this.groups.get(record.group);
    const group = existing ?? new GroupState(record.group);
    const sources = sourcesInMode(record.type, record.sources, this.generationFor(group));
    if (sources === null) return;
    this.applyTranslated(group, existing === undefined, group.compatibility, record.type, sources, reporter, version, now);
  }

  /** Runs the §6.4 row for the record, tracks the reporter, and records what changed. */
  private applyTranslated(
    group: GroupState, isNew: boolean, previousCompatibility: number, type: GroupRecordType,
    sources: readonly string[], reporter: string, version: number, now: number,
  ): void {
    this.touch(group);
    const context = this.rowContext;
    const delta = context.delta;
    delta.reset();
    context.now = now;
    context.groupMembershipInterval = this.parameters.groupMembershipInterval;
    const modeBefore = group.mode;
    GROUP_RECORD_ACTIONS[group.mode][type](group, sources.length === 0 ? EMPTY_SOURCE_SET : new Set(sources), context);
    const tracking = trackRecord(group, reporter, type, sources, version, now, context.groupMembershipInterval);
    const address = group.group;
    if (isNew) {
      // RFC 3376 §6.4: INCLUDE({}) is no state.
      if (group.isEmpty) return;
      if (this.groups.size >= this.limits.maxGroups) {
        this.log.add(now, 'limit-exceeded', address, { limit: 'maxGroups', max: this.limits.maxGroups, dropped: [address] });
        return;
      }
      this.groups.set(address, group);
      this.log.add(now, 'group-added', address, {
        mode: group.mode, reporter, compatibilityVersion: versionOf(this.protocol, group.compatibility),
      });
    } else {
      if (group.mode !== modeBefore) this.log.add(now, 'mode-changed', address, { from: modeBefore, to: group.mode });
      if (group.compatibility !== previousCompatibility) {
        this.log.add(now, 'version-changed', address, {
          scope: 'group', from: versionOf(this.protocol, previousCompatibility), to: versionOf(this.protocol, group.compatibility),
        });
      }
    }
    if (delta.changed) this.logSources(now, address, delta);
    if (delta.dropped.length > 0) {
      this.log.add(now, 'limit-exceeded', address, { limit: 'maxSourcesPerGroup', max: this.limits.maxSourcesPerGroup, dropped: delta.dropped });
    }
    if (tracking === 'added') this.log.add(now, 'reporter-added', address, { reporter });
    else if (tracking === 'left') this.log.add(now, 'reporter-removed', address, { reporter, reason: 'left' });
    if (group.nextDueAt < this.nextDueAt) this.nextDueAt = group.nextDueAt;
  }

  private logSources(time: number, address: string, delta: SourceDelta): void {
    this.log.add(time, 'sources-changed', address, {
      added: delta.added, removed: delta.removed, excludedAdded: delta.excludedAdded, excludedRemoved: delta.excludedRemoved,
    });
  }

  private expire(now: number): void {
    if (now < this.nextDueAt) return;
    const firstChange = this.log.records.length;
    const silent = this.election.expireIfSilent(now);
    if (silent !== null) {
      const time = silent.otherQuerierExpiresAt;
      this.log.add(time, 'querier-changed', null, { from: silent.address, to: null, reason: 'other-querier-present-expired' });
      this.updateOperatingVersion(time);
    }
    let next = this.election.current?.otherQuerierExpiresAt ?? Infinity;
    for (const group of this.groups.values()) {
      if (group.nextDueAt <= now) {
        this.touch(group);
        if (this.expireGroup(group, now)) {
          this.groups.delete(group.group);
          continue;
        }
      }
      if (group.nextDueAt < next) next = group.nextDueAt;
    }
    this.nextDueAt = next;
    // Groups expire one after the other: put their records back in time order (the sort is stable).
    if (this.log.records.length - firstChange > 1) {
      const expired = this.log.records.splice(firstChange);
      expired.sort((a, b) => a.time - b.time);
      this.log.records.push(...expired);
    }
  }

  /** Expires the group's timers up to `now`, earliest first. True when the group record is gone. */
  private expireGroup(group: GroupState, now: number): boolean {
    for (;;) {
      const time = group.earliestTimer();
      if (!(time <= now)) {
        group.nextDueAt = time;
        return false;
      }
      if (this.expireGroupAt(group, time)) return true;
    }
  }

  /**
   * Everything of the group that expires at `time`: compatibility timers, then source timers, then the
   * group timer (so a source whose timer ends with the group timer counts as stopped, RFC 3376 §6.5), then
   * reporters. True when the group record is gone.
   */
  private expireGroupAt(group: GroupState, time: number): boolean {
    const address = group.group;
    // RFC 3376 §7.3.2, RFC 3810 §8.3.2: an Older Version Host Present timer ran out; the mode moves up.
    if (group.olderHostPresentUntil[1] === time || group.olderHostPresentUntil[2] === time) {
      const previous = expireOlderHosts(group, time);
      if (previous !== group.compatibility) {
        this.log.add(time, 'version-changed', address, {
          scope: 'group', from: versionOf(this.protocol, previous), to: versionOf(this.protocol, group.compatibility),
        });
      }
    }
    // RFC 3376 §6.3, RFC 3810 §7.3: an expired source is deleted in INCLUDE mode, moved to Y in EXCLUDE mode.
    let delta: SourceDelta | null = null;
    let emptiedReporters: string[] = [];
    for (const [source, expiresAt] of group.sources) {
      if (expiresAt !== time) continue;
      delta ??= new SourceDelta();
      group.sources.delete(source);
      delta.removed.push(source);
      if (group.mode === 'EXCLUDE') {
        group.excluded.add(source);
        delta.excludedAdded.push(source);
      }
      emptiedReporters = emptiedReporters.concat(forgetRequestedSource(group, source));
    }
    if (delta !== null) {
      this.logSources(time, address, delta);
      const groupGone = group.mode === 'INCLUDE' && group.sources.size === 0;
      const reason = groupGone ? 'group-removed' : 'sources-expired';
      for (const reporter of emptiedReporters) this.log.add(time, 'reporter-removed', address, { reporter, reason });
      if (groupGone) {
        this.removeGroup(group, time, 'source-timers-expired');
        return true;
      }
    }
    // RFC 3376 §6.5, RFC 3810 §7.5: the group timer expired in EXCLUDE mode: back to INCLUDE with the
    // sources whose timers still run (X); Y is dropped. With no such source the record is deleted.
    if (group.groupTimer === time) {
      group.groupTimer = null;
      if (group.sources.size === 0) {
        this.removeGroup(group, time, 'group-timer-expired');
        return true;
      }
      const excludedRemoved = [...group.excluded];
      group.excluded.clear();
      group.mode = 'INCLUDE';
      this.log.add(time, 'mode-changed', address, { from: 'EXCLUDE', to: 'INCLUDE' });
      if (excludedRemoved.length > 0) this.log.add(time, 'sources-changed', address, { added: [], removed: [], excludedAdded: [], excludedRemoved });
      for (const reporter of forgetExcludeReporters(group)) this.log.add(time, 'reporter-removed', address, { reporter, reason: 'filter-mode-expired' });
    }
    for (const [reporter, entry] of group.reporters) {
      if (entry.expiresAt !== time) continue;
      group.reporters.delete(reporter);
      this.log.add(time, 'reporter-removed', address, { reporter, reason: 'report-expired' });
    }
    return false;
  }

  private removeGroup(group: GroupState, time: number, reason: GroupRemovalReason): void {
    for (const reporter of group.reporters.keys()) this.log.add(time, 'reporter-removed', group.group, { reporter, reason: 'group-removed' });
    group.reporters.clear();
    this.log.add(time, 'group-removed', group.group, { reason });
  }

  private groupSnapshot(group: GroupState): GroupSnapshot {
    const byAddress = (a: string, b: string) => compareAddresses(a, b);
    const sources = [...group.sources].map(([address, expiresAt]) => {
      const reporters: string[] = [];
      for (const [reporter, entry] of group.reporters) {
        if (entry.mode === 'INCLUDE' && entry.sources.has(address)) reporters.push(reporter);
      }
      return { address, expiresAt, reporters: reporters.sort(byAddress) };
    });
    const olderVersionHosts: { version: number; expiresAt: number }[] = [];
    group.olderHostPresentUntil.forEach((until, generation) => {
      if (until !== null) olderVersionHosts.push({ version: versionOf(this.protocol, generation), expiresAt: until });
    });
    const reporters = [...group.reporters].map(([address, entry]) => ({
      address,
      lastReportAt: entry.lastReportAt,
      expiresAt: entry.expiresAt,
      version: entry.version,
      mode: entry.mode,
      sources: [...entry.sources].sort(byAddress),
      lastRecord: { type: entry.lastRecordType, sources: [...entry.lastRecordSources].sort(byAddress) },
    }));
    return {
      group: group.group,
      mode: group.mode,
      sources: sources.sort((a, b) => byAddress(a.address, b.address)),
      excluded: [...group.excluded].sort(byAddress),
      expiresAt: group.groupTimer,
      compatibilityVersion: versionOf(this.protocol, group.compatibility),
      olderVersionHosts,
      reporters: reporters.sort((a, b) => byAddress(a.address, b.address)),
    };
  }
}
