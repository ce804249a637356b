/**
 * Branches of a tree that outlive their reason, from the downstream join state (RFC 7761 §4.5):
 *   tree.dead-end      a router keeps refreshing a Join upstream although none of its other links
 *                      has a member or a downstream Join for it: the branch carries data to nowhere
 *                      (§4.5.7: JoinDesired(S,G) is false with an empty olist, so it should Prune)
 *   tree.prune-ignored the upstream router goes on forwarding onto a link after the only downstream
 *                      state there was pruned and the prune override passed (§4.5.3: Pruned state
 *                      takes the link out of the olist)
 * Only the links in the capture can be seen: a router's interest on a link nobody captured is
 * invisible, so a dead end is told as "on the links captured".
 */
import type { JoinState, NetworkSnapshot } from '../../shapes/snapshot.js';
import type { RouterNames } from './forwarding.js';
import type { Condition } from './tracker.js';

/** Seconds forwarding may go on after the Prune took effect: the data in flight and a forwarding-state update. */
const PRUNE_GRACE = 5;
/**
 * Seconds a refreshed Join without interest must last before it is a dead end: interest that moves
 * (a route change, a switch to the source tree) leaves Joins that the next triggered Prune ends.
 */
const DEAD_END_SETTLE = 20;

const joinKey = (join: JoinState) => `${join.link}|${join.from}|${join.upstream}|${join.type}|${join.source ?? '*'}|${join.group}`;

export class BranchFindings {
  /** Join rows with no downstream interest: since when, the expiry then, and whether it was refreshed since. */
  private readonly idle = new Map<string, { since: number; expiresAt: number | null; refreshed: boolean }>();
  /** Pruned rows: since when each was seen pruned. */
  private readonly prunedSince = new Map<string, number>();

  evaluate(at: number, snapshot: NetworkSnapshot, routers: RouterNames): Condition[] {
    return [...this.deadEnds(at, snapshot, routers), ...this.ignoredPrunes(at, snapshot, routers)];
  }

  private deadEnds(at: number, snapshot: NetworkSnapshot, routers: RouterNames): Condition[] {
    const conditions: Condition[] = [];
    const seen = new Set<string>();
    for (const join of snapshot.joins) {
      if (join.state !== 'join' || join.type === 'S,G,rpt') continue;
      const routerId = routers.of(join.from);
      const router = snapshot.routers.find((entry) => entry.id === routerId);
      if (!router) continue;
      const otherLinks = new Set(router.interfaces.map((entry) => entry.link).filter((link) => link !== join.link));
      if (otherLinks.size === 0) continue; // a router seen on this link only: where its interest lies cannot be seen
      const ownAddresses = new Set(router.interfaces.flatMap((entry) => entry.addresses));
      const source = join.source;
      const members = snapshot.memberships.some((membership) => otherLinks.has(membership.link) && membership.group === join.group
        && (source === null || (membership.mode === 'EXCLUDE' ? !membership.excluded.includes(source) : membership.sources.includes(source))));
      const downstream = snapshot.joins.some((other) => otherLinks.has(other.link) && other.group === join.group && ownAddresses.has(other.upstream)
        && other.state !== 'pruned' && other.type !== 'S,G,rpt' && (other.type === '*,G' || other.source === join.source));
      const key = joinKey(join);
      if (members || downstream) {
        this.idle.delete(key);
        continue;
      }
      seen.add(key);
      const idle = this.idle.get(key);
      if (!idle) {
        this.idle.set(key, { since: at, expiresAt: join.expiresAt, refreshed: false });
        continue;
      }
      // A Join refreshed after the interest went: the router still wants it (an unrefreshed one merely ages out).
      if (join.expiresAt !== null && idle.expiresAt !== null && join.expiresAt > idle.expiresAt + 1) idle.refreshed = true;
      idle.expiresAt = join.expiresAt;
      if (!idle.refreshed) continue;
      const flow = join.source === null ? `(*, ${join.group})` : `(${join.source}, ${join.group})`;
      conditions.push({
        kind: 'tree.dead-end', severity: 'warning', link: join.link, group: join.group, source: join.source, router: routerId,
        detail: { joinedTo: join.upstream, type: join.type, linksCaptured: [...otherLinks].sort() },
        explanation: `${routers.name(join.from)} keeps joining ${flow} towards ${join.upstream} on ${join.link}, yet none of its other links in the capture`
          + ` (${[...otherLinks].sort().join(', ') || 'none'}) has a member or a downstream Join: the branch carries data to nowhere.`,
        rule: 'RFC 7761 §4.5.7',
        since: idle.since,
        holdsFor: DEAD_END_SETTLE,
      });
    }
    for (const key of [...this.idle.keys()]) if (!seen.has(key)) this.idle.delete(key);
    return conditions;
  }

  private ignoredPrunes(at: number, snapshot: NetworkSnapshot, routers: RouterNames): Condition[] {
    const conditions: Condition[] = [];
    const seen = new Set<string>();
    const sameRouter = (a: string, b: string) => a === b || (routers.of(a) ?? a) === (routers.of(b) ?? b);
    for (const prune of snapshot.joins) {
      if (prune.state !== 'pruned' || prune.source === null) continue;
      const key = joinKey(prune);
      seen.add(key);
      const since = this.prunedSince.get(key) ?? at;
      this.prunedSince.set(key, since);
      if (at - since < PRUNE_GRACE) continue;
      // Anyone else on the link still wanting it from that router keeps the link in its olist.
      const stillWanted = snapshot.joins.some((other) => other !== prune && other.link === prune.link && other.group === prune.group
        && sameRouter(other.upstream, prune.upstream) && other.state !== 'pruned'
        && (other.type === 'S,G' ? other.source === prune.source : other.type === '*,G' && prune.type === 'S,G'))
        || snapshot.memberships.some((membership) => membership.link === prune.link && membership.group === prune.group);
      if (stillWanted) continue;
      const flow = snapshot.flows.find((entry) => entry.link === prune.link && entry.source === prune.source && entry.group === prune.group);
      if (!flow || !flow.forwarders.some((forwarder) => sameRouter(forwarder, prune.upstream))) continue;
      conditions.push({
        kind: 'tree.prune-ignored', severity: 'error', link: prune.link, group: prune.group, source: prune.source, router: routers.of(prune.upstream) ?? prune.upstream,
        detail: { prunedBy: prune.from, upstream: prune.upstream, type: prune.type, prunedSince: since, pps: flow.pps },
        explanation: `${prune.from} pruned (${prune.source}, ${prune.group}${prune.type === 'S,G,rpt' ? ', rpt' : ''}) from ${routers.name(prune.upstream)} on ${prune.link},`
          + ` nobody else there wants it, and ${routers.name(prune.upstream)} still forwards it (${flow.pps} packets/s).`,
        rule: 'RFC 7761 §4.5.3',
        since: since + PRUNE_GRACE,
      });
    }
    for (const key of [...this.prunedSince.keys()]) if (!seen.has(key)) this.prunedSince.delete(key);
    return conditions;
  }
}
