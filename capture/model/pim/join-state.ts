/**
 * Downstream Join/Prune state on each link, RFC 7761 §4.5, as the Join/Prune messages show it.
 *
 * A downstream router sends a Join/Prune to ALL-PIM-ROUTERS naming its upstream neighbor; that
 * upstream router holds per-link state for each entry. Rows here are one per (link, downstream
 * router, upstream, entry), so each downstream router's own part stays visible:
 *
 *   Join(*,G) / Join(S,G)        row → join, Expiry Timer = the message's Holdtime (0xffff: forever)
 *   Prune(*,G) / Prune(S,G)      row → prune-pending for J/P_Override_Interval (§4.3.3, lan-prune-delay.ts),
 *                                then pruned: the entry's Join rows end with it (the upstream's state
 *                                goes to NoInfo, §4.5.2, §4.5.3); a pruned row is kept for the Prune's Holdtime
 *   Join for an entry with a     the Prune is overridden (§4.5.2 "Receive Join" in Prune-Pending state)
 *     prune-pending row
 *   Prune(S,G,rpt)               prune-pending, then pruned until its Holdtime (§4.5.4)
 *   Join(S,G,rpt)                (S,G,rpt) Prune state → NoInfo (§4.5.4)
 *   Join(*,G) in a message       every (S,G,rpt) Prune state of G toward that upstream that the same
 *                                message does not prune again ends at the end of the message (§4.5.4,
 *                                Prune-Pending-Tmp / Pruned-Tmp)
 * The (*,G) entry's source address is the RP (§4.9.5.1); it is kept as `rp` and reported to RP
 * knowledge. When the upstream router's neighbor state ends (§4.3.1), the state it held ends with it.
 */
import { compareAddresses, compareSources, familyOf, groupText } from './address-order.js';
import { prunePendingTime } from './lan-prune-delay.js';
import type { NeighborTable } from './neighbors.js';
import type { RpKnowledge } from './rp.js';
import { finiteOrNull, holdtimeExpiry, TimerQueue } from './timer-queue.js';
import type {
  Expiring, JoinEndReason, JoinEntryDetail, JoinEntryType, JoinSnapshot, JoinState, ObservedPim, PimChange, PimOptions,
} from './types.js';
import type { JoinPruneSource, PimJoinPrune } from '../../protocols/pim.js';

interface JoinEntry {
  key: string;
  link: string;
  upstream: string;
  type: JoinEntryType;
  source: string | null;
  group: string;
  /** (*,G): the RP the latest Join named. */
  rp: string | null;
  rows: Map<string, JoinRow>;
}

interface JoinRow {
  entry: JoinEntry;
  from: string;
  /** 'none' only between the row's creation and the message that created it setting its state. */
  state: JoinState | 'none';
  holdtime: number;
  since: number;
  /** Expiry Timer (Infinity: forever). */
  expiresAt: number;
  /** Prune-Pending Timer expiry; Infinity when not prune-pending. */
  pruneEffectiveAt: number;
  /** Next timer: min(expiresAt, pruneEffectiveAt). */
  deadline: number;
}

/** Where one source entry of a message lands. */
interface EntryAddress {
  link: string;
  from: string;
  upstream: string;
  group: string;
}

export class JoinPruneState implements Expiring {
  /** The snapshot until the state changes (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts). */
  private latest?: JoinSnapshot[] | undefined;
  private readonly entries = new Map<string, JoinEntry>();
  /** (S,G,rpt) entries by (link, upstream, G), for the end-of-message rule of §4.5.4. */
  private readonly rptEntriesByGroup = new Map<string, Set<JoinEntry>>();
  private readonly timers = new TimerQueue<JoinRow>();
  private rowCount = 0;

  constructor(
    private readonly options: PimOptions,
    private readonly neighbors: NeighborTable,
    private readonly rps: RpKnowledge,
  ) {}

  onJoinPrune(event: ObservedPim, message: Extract<PimJoinPrune, { kind: 'pim.join-prune' }>, out: PimChange[]): void {
    this.latest = undefined;
    const upstream = message.upstreamNeighbor.address;
    const expiresAt = holdtimeExpiry(event.time, message.holdtime);
    for (const entry of message.groups) {
      const { address, maskLength, family } = entry.group;
      const where: EntryAddress = { link: event.link, from: event.src, upstream, group: groupText(address, maskLength, family) };
      let starGJoined = false;
      for (const source of entry.joinedSources) {
        if (source.entryType === 'S,G,rpt') {
          this.receiveJoinSGRpt(where, source.address, event.time, out);
        } else {
          this.receiveJoin(where, source, message.holdtime, event.time, expiresAt, out);
          starGJoined ||= source.entryType === '*,G';
        }
      }
      for (const source of entry.prunedSources) this.receivePrune(where, source, message.holdtime, event.time, expiresAt, out);
      if (starGJoined) this.endOfMessageRptPrunes(where, entry.prunedSources, event.time, out);
    }
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  expireAt(at: number, out: PimChange[]): void {
    this.latest = undefined;
    for (let row = this.timers.takeDue(at); row; row = this.timers.takeDue(at)) {
      // §4.5.2-§4.5.4: the Prune-Pending Timer expired without a Join overriding the Prune.
      if (row.state === 'prune-pending' && row.pruneEffectiveAt <= at) {
        this.pruneTakesEffect(row, at, out);
        if (row.expiresAt > at) continue;
      }
      // §4.5: the Expiry Timer expired; the row's state ends.
      this.endRow(row, at, 'holdtime-expired', out);
    }
  }

  /** The upstream router `upstream` left `link` (goodbye or Neighbor Liveness expiry): its state is gone. */
  onUpstreamLost(link: string, upstream: string, time: number, out: PimChange[]): void {
    this.latest = undefined;
    for (const entry of this.entries.values()) {
      if (entry.link !== link || entry.upstream !== upstream) continue;
      for (const row of entry.rows.values()) this.endRow(row, time, 'upstream-down', out);
    }
  }

  snapshot(): JoinSnapshot[] {
    return this.latest ??= this.build();
  }

  private build(): JoinSnapshot[] {
    const rows: JoinSnapshot[] = [];
    for (const entry of this.entries.values()) {
      for (const row of entry.rows.values()) {
        if (row.state === 'none') continue;
        rows.push({
          link: entry.link, ...rowDetail(row), rp: entry.rp, state: row.state, holdtime: row.holdtime, since: row.since,
          pruneEffectiveAt: finiteOrNull(row.pruneEffectiveAt), expiresAt: finiteOrNull(row.expiresAt),
        });
      }
    }
    return rows.sort(compareJoinRows);
  }

  /** §4.5.2 (*,G), §4.5.3 (S,G): Receive Join. */
  private receiveJoin(where: EntryAddress, source: JoinPruneSource, holdtime: number, time: number, expiresAt: number, out: PimChange[]): void {
    const starG = source.entryType === '*,G';
    const row = this.rowFor(where, source.entryType, starG ? null : source.address, time, out);
    if (!row) return;
    const entry = row.entry;
    // "Receive Join" in Prune-Pending state: the Prune-Pending Timer is cancelled, the Prune overridden.
    for (const other of entry.rows.values()) {
      if (other !== row && other.state === 'prune-pending') this.override(other, where.from, time, out);
    }
    const newlyJoined = row.state !== 'join';
    if (starG) entry.rp = source.address;
    row.holdtime = holdtime;
    row.expiresAt = expiresAt;
    row.pruneEffectiveAt = Infinity;
    if (newlyJoined) {
      row.state = 'join';
      row.since = time;
      out.push({ time, ...changeScope(row), kind: 'join', detail: { ...rowDetail(row), rp: entry.rp, holdtime } });
    }
    this.timers.schedule(row, expiresAt);
    if (starG) this.rps.learnFromJoin(source.address, where.group, time, expiresAt, out);
  }

  /** §4.5.2-§4.5.4: Receive Prune. */
  private receivePrune(where: EntryAddress, source: JoinPruneSource, holdtime: number, time: number, expiresAt: number, out: PimChange[]): void {
    const row = this.rowFor(where, source.entryType, source.entryType === '*,G' ? null : source.address, time, out);
    if (!row) return;
    if (source.entryType === '*,G') row.entry.rp = source.address;
    row.holdtime = holdtime;
    row.expiresAt = expiresAt;
    if (row.state === 'prune-pending') {
      // A repeated Prune leaves the Prune-Pending Timer running.
      this.timers.schedule(row, Math.min(row.pruneEffectiveAt, expiresAt));
      return;
    }
    if (row.state === 'pruned' || entryIsPruned(row.entry)) {
      // §4.5.4 Pruned state, "Receive Prune(S,G,rpt)": stays Pruned, Expiry Timer restarted; likewise
      // a Prune for an entry whose Prune already took effect has nothing left to wait for.
      if (row.state !== 'pruned') {
        row.state = 'pruned';
        row.since = time;
        out.push({ time, ...changeScope(row), kind: 'pruned', detail: { ...rowDetail(row), removedJoins: [] } });
      }
      row.pruneEffectiveAt = Infinity;
      this.timers.schedule(row, expiresAt);
      return;
    }
    const neighbors = this.neighbors.neighborsOf(where.link, familyOf(where.upstream));
    const wait = prunePendingTime(neighbors, where.from, where.upstream, this.options);
    row.state = 'prune-pending';
    row.since = time;
    row.pruneEffectiveAt = time + wait;
    out.push({ time, ...changeScope(row), kind: 'prune', detail: { ...rowDetail(row), holdtime, effectiveAt: row.pruneEffectiveAt } });
    if (wait === 0) this.pruneTakesEffect(row, time, out);
    else this.timers.schedule(row, Math.min(row.pruneEffectiveAt, expiresAt));
  }

  /** §4.5.4: Receive Join(S,G,rpt) → NoInfo: the (S,G,rpt) Prune state ends. */
  private receiveJoinSGRpt(where: EntryAddress, source: string, time: number, out: PimChange[]): void {
    const entry = this.entries.get(entryKey(where, 'S,G,rpt', source));
    if (!entry) return;
    for (const row of entry.rows.values()) this.override(row, where.from, time, out);
  }

  /**
   * §4.5.4: a Join(*,G) moves every (S,G,rpt) Prune state of G to Prune-Pending-Tmp / Pruned-Tmp;
   * the Prune(S,G,rpt) entries of the same message restore theirs, the rest go to NoInfo at the end.
   */
  private endOfMessageRptPrunes(where: EntryAddress, prunedSources: readonly JoinPruneSource[], time: number, out: PimChange[]): void {
    const entries = this.rptEntriesByGroup.get(groupKey(where));
    if (!entries) return;
    for (const entry of entries) {
      const prunedAgain = prunedSources.some((source) => source.entryType === 'S,G,rpt' && source.address === entry.source);
      if (prunedAgain) continue;
      for (const row of entry.rows.values()) this.override(row, where.from, time, out);
    }
  }

  /** The Prune-Pending Timer expired: the row is pruned and the entry's Join state ends (§4.5.2, §4.5.3). */
  private pruneTakesEffect(row: JoinRow, time: number, out: PimChange[]): void {
    row.state = 'pruned';
    row.since = time;
    row.pruneEffectiveAt = Infinity;
    const removedJoins: string[] = [];
    for (const other of row.entry.rows.values()) {
      if (other.state !== 'join') continue;
      removedJoins.push(other.from);
      this.deleteRow(other);
    }
    out.push({ time, ...changeScope(row), kind: 'pruned', detail: { ...rowDetail(row), removedJoins } });
    this.timers.schedule(row, row.expiresAt);
  }

  private endRow(row: JoinRow, time: number, reason: JoinEndReason, out: PimChange[]): void {
    this.deleteRow(row);
    const kind = row.state === 'join' ? 'join-expired' : 'prune-expired';
    out.push({ time, ...changeScope(row), kind, detail: { ...rowDetail(row), reason } });
  }

  private override(row: JoinRow, overriddenBy: string, time: number, out: PimChange[]): void {
    this.deleteRow(row);
    out.push({ time, ...changeScope(row), kind: 'prune-overridden', detail: { ...rowDetail(row), overriddenBy } });
  }

  /** The row of `where.from` for the entry, created (in no state yet) when new; null past the limit. */
  private rowFor(where: EntryAddress, type: JoinEntryType, source: string | null, time: number, out: PimChange[]): JoinRow | null {
    const key = entryKey(where, type, source);
    let entry = this.entries.get(key);
    const existing = entry?.rows.get(where.from);
    if (existing) return existing;
    if (this.rowCount >= this.options.maxJoinStates) {
      out.push({
        time, link: where.link, group: where.group, source, kind: 'limit-exceeded',
        detail: { limit: 'maxJoinStates', max: this.options.maxJoinStates, dropped: `(${source ?? '*'},${where.group}${type === 'S,G,rpt' ? ',rpt' : ''}) from ${where.from} to ${where.upstream}` },
      });
      return null;
    }
    if (!entry) {
      entry = { key, link: where.link, upstream: where.upstream, type, source, group: where.group, rp: null, rows: new Map() };
      this.entries.set(key, entry);
      if (type === 'S,G,rpt') {
        const indexKey = groupKey(where);
        let entries = this.rptEntriesByGroup.get(indexKey);
        if (!entries) {
          entries = new Set();
          this.rptEntriesByGroup.set(indexKey, entries);
        }
        entries.add(entry);
      }
    }
    const row: JoinRow = {
      entry, from: where.from, state: 'none', holdtime: 0, since: time, expiresAt: Infinity, pruneEffectiveAt: Infinity, deadline: Infinity,
    };
    entry.rows.set(where.from, row);
    this.rowCount++;
    return row;
  }

  private deleteRow(row: JoinRow): void {
    const entry = row.entry;
    if (entry.rows.get(row.from) !== row) return;
    entry.rows.delete(row.from);
    row.deadline = Infinity;
    this.rowCount--;
    if (entry.rows.size > 0) return;
    this.entries.delete(entry.key);
    if (entry.type !== 'S,G,rpt') return;
    const indexKey = groupKey(entry);
    const entries = this.rptEntriesByGroup.get(indexKey);
    entries?.delete(entry);
    if (entries?.size === 0) this.rptEntriesByGroup.delete(indexKey);
  }
}

/** No row of the entry is joined and one is pruned: the upstream already stopped forwarding. */
function entryIsPruned(entry: JoinEntry): boolean {
  let pruned = false;
  for (const row of entry.rows.values()) {
    if (row.state === 'join') return false;
    if (row.state === 'pruned') pruned = true;
  }
  return pruned;
}

function entryKey(where: { link: string; upstream: string; group: string }, type: JoinEntryType, source: string | null): string {
  return `${where.link}\u0000${where.upstream}\u0000${type}\u0000${source ?? ''}\u0000${where.group}`;
}

function groupKey(where: { link: string; upstream: string; group: string }): string {
  return `${where.link}\u0000${where.upstream}\u0000${where.group}`;
}

/** The link, group and source a change of this row concerns. */
function changeScope(row: JoinRow): { link: string; group: string; source: string | null } {
  return { link: row.entry.link, group: row.entry.group, source: row.entry.source };
}

function rowDetail(row: JoinRow): JoinEntryDetail {
  const { upstream, type, source, group } = row.entry;
  return { from: row.from, upstream, type, source, group };
}

const JOIN_TYPE_ORDER: Record<JoinEntryType, number> = { '*,G': 0, 'S,G': 1, 'S,G,rpt': 2 };

function compareJoinRows(a: JoinSnapshot, b: JoinSnapshot): number {
  return (a.link < b.link ? -1 : a.link > b.link ? 1 : 0)
    || compareAddresses(a.group, b.group)
    || compareSources(a.source, b.source)
    || JOIN_TYPE_ORDER[a.type] - JOIN_TYPE_ORDER[b.type]
    || compareAddresses(a.upstream, b.upstream)
    || compareAddresses(a.from, b.from);
}
