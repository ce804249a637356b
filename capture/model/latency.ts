/**
 * Join and leave latency per link, group and host, from what the link shows:
 *   join:  a host's first report for a group (it became a reporter) → the first data packet of the
 *          group on that link (a forwarder starting there), when the group's data flowed somewhere in
 *          the network at the time (else the wait is for the source, not the network). When the data
 *          already flows on the link, the host gets it at once: latency 0, marked so.
 *   leave: the host's Leave (IGMPv2 Leave, MLDv1 Done, a TO_IN({}) or BLOCK record, RFC 3376 §6.4.2 /
 *          RFC 3810 §7.4) → the last data packet of the group on the link, when the router ended
 *          the membership (the Last Member Query exchange) and the data stopped. A Leave after which
 *          the group stays (other members answered the query) has no leave latency.
 * Driven by the membership and flow changes, on packet time; link-local groups are left out.
 */
import type { FlowChange } from './flows.js';
import { isRoutable } from './trees.js';
import type { MembershipChange } from './membership/types.js';

/** Seconds a Leave may wait for its group to be removed on the link (Last Member Query Time, generously). */
const LEAVE_TO_REMOVAL = 30;
/** Seconds a removed group's data may take to stop (a Prune's travel upstream and the data in flight). */
const REMOVAL_TO_STOP = 60;
/** Measurements kept per link (the newest). */
const KEPT_PER_LINK = 50;

export interface Latency {
  link: string;
  group: string;
  host: string;
  kind: 'join' | 'leave';
  /** The report or Leave. */
  requestedAt: number;
  /** The first (join) or last (leave) data packet of the group on the link. */
  dataAt: number;
  seconds: number;
  /** Join: the data already flowed on the link when the host joined. */
  alreadyFlowing: boolean;
}

interface PendingLeave { link: string; group: string; host: string; time: number; removedAt: number | null }

export class LatencyTracker {
  private readonly pendingJoins = new Map<string, { host: string; time: number }[]>();
  private readonly pendingLeaves: PendingLeave[] = [];
  /** `link|group` → sources whose forwarder is active there. */
  private readonly flowing = new Map<string, Set<string>>();
  /** group → the links it flows on. */
  private readonly flowingOn = new Map<string, Set<string>>();
  private readonly measured = new Map<string, Latency[]>();
  /** The snapshot until the next measurement (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts). */
  private latest?: Latency[] | undefined;

  onMembershipChange(change: MembershipChange): void {
    if (change.group === null || !isRoutable(change.group)) return; // link-wide changes (querier, version), link-local groups
    const key = `${change.link}|${change.group}`;
    if (change.kind === 'reporter-added') {
      const host = change.detail.reporter;
      const group = change.group;
      if ((this.flowing.get(key)?.size ?? 0) > 0) this.record({ link: change.link, group, host, kind: 'join', requestedAt: change.time, dataAt: change.time, seconds: 0, alreadyFlowing: true });
      else if ((this.flowingOn.get(group)?.size ?? 0) > 0) this.pendingJoins.set(key, [...(this.pendingJoins.get(key) ?? []).filter((entry) => entry.host !== host), { host, time: change.time }]);
    } else if (change.kind === 'reporter-removed') {
      const left = (this.pendingJoins.get(key) ?? []).filter((entry) => entry.host !== change.detail.reporter);
      if (left.length > 0) this.pendingJoins.set(key, left);
      else this.pendingJoins.delete(key);
    } else if (change.kind === 'group-removed') {
      this.pendingJoins.delete(key);
      for (const leave of this.pendingLeaves) if (leave.link === change.link && leave.group === change.group && leave.removedAt === null) leave.removedAt = change.time;
    }
  }

  /** A host's Leave (or TO_IN({})) for a group on a link. */
  onLeave(time: number, link: string, group: string, host: string): void {
    if (!isRoutable(group)) return;
    this.expire(time);
    this.pendingLeaves.push({ link, group, host, time, removedAt: null });
  }

  onFlowChange(change: FlowChange): void {
    const key = `${change.link}|${change.group}`;
    if (change.kind === 'forwarder-started') {
      const sources = this.flowing.get(key) ?? new Set<string>();
      this.flowing.set(key, sources.add(change.source));
      this.flowingOn.set(change.group, (this.flowingOn.get(change.group) ?? new Set()).add(change.link));
      for (const join of this.pendingJoins.get(key) ?? []) {
        // Data that began before the report (told a moment later) was not the report's doing.
        const already = change.time <= join.time;
        this.record({ link: change.link, group: change.group, host: join.host, kind: 'join', requestedAt: join.time, dataAt: change.time, seconds: already ? 0 : change.time - join.time, alreadyFlowing: already });
      }
      this.pendingJoins.delete(key);
    } else if (change.kind === 'forwarder-stopped') {
      const sources = this.flowing.get(key);
      sources?.delete(change.source);
      if (sources !== undefined && sources.size > 0) return; // another source still flows there
      this.flowing.delete(key);
      const links = this.flowingOn.get(change.group);
      links?.delete(change.link);
      if (links?.size === 0) this.flowingOn.delete(change.group);
      this.expire(change.time);
      for (let index = this.pendingLeaves.length - 1; index >= 0; index--) {
        const leave = this.pendingLeaves[index]!;
        if (leave.link !== change.link || leave.group !== change.group || leave.removedAt === null) continue;
        this.pendingLeaves.splice(index, 1);
        const last = change.detail.lastSeen;
        this.record({ link: leave.link, group: leave.group, host: leave.host, kind: 'leave', requestedAt: leave.time, dataAt: last, seconds: Math.max(0, last - leave.time), alreadyFlowing: false });
      }
    }
  }

  /** The latest measurement per link, group, host and kind (the same list until the next measurement). */
  snapshot(): Latency[] {
    return this.latest ??= this.latestMeasurements();
  }

  private latestMeasurements(): Latency[] {
    const latest = new Map<string, Latency>();
    for (const list of this.measured.values()) for (const entry of list) latest.set(`${entry.link}|${entry.group}|${entry.host}|${entry.kind}`, entry);
    return [...latest.values()].sort((a, b) => a.link.localeCompare(b.link) || a.group.localeCompare(b.group) || a.host.localeCompare(b.host) || a.kind.localeCompare(b.kind));
  }

  private record(latency: Latency): void {
    this.latest = undefined;
    latency.seconds = Math.round(latency.seconds * 1e6) / 1e6;
    const list = this.measured.get(latency.link) ?? [];
    list.push(latency);
    if (list.length > KEPT_PER_LINK) list.shift();
    this.measured.set(latency.link, list);
  }

  /** Leaves whose group stayed (others answered), or whose data never stopped in time, measure nothing. */
  private expire(now: number): void {
    for (let index = this.pendingLeaves.length - 1; index >= 0; index--) {
      const leave = this.pendingLeaves[index]!;
      const stale = leave.removedAt === null ? now - leave.time > LEAVE_TO_REMOVAL : now - leave.removedAt > REMOVAL_TO_STOP;
      if (stale) this.pendingLeaves.splice(index, 1);
    }
  }
}
