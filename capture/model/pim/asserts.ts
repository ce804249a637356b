/**
 * Assert winners on each link, RFC 7761 §4.6, followed from the Assert messages on the wire.
 *
 * One state per (link, S, G), or (link, *, G) for an Assert whose source is the wildcard address.
 *   an Assert better than the winner's (§4.6.3 metric order)  the sender becomes the winner
 *   the winner's own Assert                                   refreshes the Assert Timer (Assert_Time, 180 s)
 *   the winner's AssertCancel (infinite metric, §4.6.1)       the winner gives up: no winner
 *   Assert Timer expiry                                       the state ends
 *   the winner's Neighbor Liveness Timer expires, or its      the losers go back to NoInfo (§4.6.1, §4.6.2
 *     Generation ID changes                                   "Current Winner's GenID Changes or NLT Expires")
 * Routers do not always follow the RFC (FRR, for one, has its own timing): only the wire is trusted,
 * so an inferior Assert from a loser is noted by nothing, and no Assert is assumed to be sent.
 */
import { compareAddresses, compareSources, isUnspecifiedAddress } from './address-order.js';
import { TimerQueue } from './timer-queue.js';
import type { AssertDetail, AssertSnapshot, Expiring, ObservedPim, PimChange, PimOptions } from './types.js';
import type { PimAssert } from '../../protocols/pim.js';

/** RFC 7761 §4.6.3 assert_metric. */
export interface AssertMetric {
  rpt: boolean;
  metricPreference: number;
  metric: number;
  address: string;
}

interface AssertEntry {
  key: string;
  link: string;
  source: string | null;
  group: string;
  winner: AssertMetric;
  since: number;
  /** Assert Timer expiry. */
  deadline: number;
}

/**
 * RFC 7761 §4.6.3: `a` beats `b` when its RPT bit is clear and b's set, then on lower metric
 * preference, then lower metric, then higher address.
 */
export function isBetterAssert(a: AssertMetric, b: AssertMetric): boolean {
  if (a.rpt !== b.rpt) return !a.rpt;
  if (a.metricPreference !== b.metricPreference) return a.metricPreference < b.metricPreference;
  if (a.metric !== b.metric) return a.metric < b.metric;
  return compareAddresses(a.address, b.address) > 0;
}

export class AssertState implements Expiring {
  /** The snapshot until the state changes (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts). */
  private latest?: AssertSnapshot[] | undefined;
  private readonly entries = new Map<string, AssertEntry>();
  private readonly timers = new TimerQueue<AssertEntry>();

  constructor(private readonly options: PimOptions) {}

  onAssert(event: ObservedPim, message: PimAssert, out: PimChange[]): void {
    this.latest = undefined;
    const { time, link } = event;
    const source = isUnspecifiedAddress(message.source.address) ? null : message.source.address;
    const group = message.group.address;
    const key = `${link}\u0000${source ?? ''}\u0000${group}`;
    const entry = this.entries.get(key);
    const sender: AssertMetric = {
      rpt: message.rpt, metricPreference: message.metricPreference, metric: message.metric, address: event.src,
    };

    if (entry && entry.winner.address === event.src) {
      if (message.isCancel) {
        // §4.6.1, §4.6.2: an AssertCancel from the winner ends the Assert state.
        this.entries.delete(key);
        entry.deadline = Infinity;
        out.push({ time, link, group, source, kind: 'assert-cancel', detail: assertDetail(entry) });
        return;
      }
      // The winner's periodic Assert restarts the Assert Timer with its current metric.
      entry.winner = sender;
      this.timers.schedule(entry, time + this.options.assertTime);
      return;
    }
    // An AssertCancel from anyone but the winner changes nothing.
    if (message.isCancel) return;
    if (entry) {
      // §4.6.1 "Receive Preferred Assert": a better Assert takes over; an inferior one changes nothing.
      if (!isBetterAssert(sender, entry.winner)) return;
      const previous = entry.winner.address;
      entry.winner = sender;
      entry.since = time;
      this.timers.schedule(entry, time + this.options.assertTime);
      out.push({ time, link, group, source, kind: 'assert-winner', detail: { ...assertDetail(entry), previous } });
      return;
    }
    if (this.entries.size >= this.options.maxAsserts) {
      out.push({
        time, link, group, source, kind: 'limit-exceeded',
        detail: { limit: 'maxAsserts', max: this.options.maxAsserts, dropped: `assert (${source ?? '*'},${group}) from ${event.src}` },
      });
      return;
    }
    const created: AssertEntry = { key, link, source, group, winner: sender, since: time, deadline: Infinity };
    this.entries.set(key, created);
    this.timers.schedule(created, time + this.options.assertTime);
    out.push({ time, link, group, source, kind: 'assert-winner', detail: { ...assertDetail(created), previous: null } });
  }

  /** §4.6.1, §4.6.2: the winner's neighbor state ended or restarted; its Assert states on the link end. */
  onWinnerLost(link: string, address: string, reason: 'winner-neighbor-down' | 'winner-restarted', time: number, out: PimChange[]): void {
    this.latest = undefined;
    for (const entry of this.entries.values()) {
      if (entry.link !== link || entry.winner.address !== address) continue;
      this.entries.delete(entry.key);
      entry.deadline = Infinity;
      out.push({ time, link, group: entry.group, source: entry.source, kind: 'assert-expired', detail: { ...assertDetail(entry), reason } });
    }
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  /** §4.6.1, §4.6.2: the Assert Timer expired. */
  expireAt(at: number, out: PimChange[]): void {
    this.latest = undefined;
    for (let entry = this.timers.takeDue(at); entry; entry = this.timers.takeDue(at)) {
      this.entries.delete(entry.key);
      out.push({ time: at, link: entry.link, group: entry.group, source: entry.source, kind: 'assert-expired', detail: { ...assertDetail(entry), reason: 'assert-timer' } });
    }
  }

  snapshot(): AssertSnapshot[] {
    return this.latest ??= this.build();
  }

  private build(): AssertSnapshot[] {
    return [...this.entries.values()]
      .map((entry) => ({ link: entry.link, ...assertDetail(entry), since: entry.since, expiresAt: entry.deadline }))
      .sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : 0)
        || compareAddresses(a.group, b.group)
        || compareSources(a.source, b.source));
  }
}

function assertDetail(entry: AssertEntry): AssertDetail {
  const { rpt, metricPreference, metric, address } = entry.winner;
  return { source: entry.source, group: entry.group, winner: address, rpt, metricPreference, metric };
}
