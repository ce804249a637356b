/**
 * PIM routers and RPs (RFC 7761, RFC 5059):
 *   pim.neighbor-lost       a neighbor's holdtime ran out with no goodbye (Hello holdtime 0), §4.3.2; until it is heard again
 *   pim.neighbor-restarted  a neighbor's Generation ID changed: it restarted and lost its state, §4.3.1
 *   pim.dr-changed          the link's DR changed, §4.3.2
 *   pim.hello-mismatch      a neighbor's holdtime shorter than its own Hello interval (it expires between Hellos,
 *                           §4.11: holdtime 3.5 × interval), or neighbors disagreeing on the T bit, §4.3.3
 *   pim.assert-flapping     the Assert winner of one (S,G) on a link changing again and again, §4.6
 *   pim.no-rp               (*,G) Joins or Registers for a group the BSR maps to no RP, §4.7, RFC 5059 §3
 *   pim.join-to-non-rp      (*,G) Joins towards an address the BSR does not name RP of the group, §4.5.6
 *   pim.register-not-stopped a DR registering a source for longer than an RP takes to answer, no Register-Stop taking
 *                           effect (§4.4.2: the RP stops Registers at once without receivers, else once native data arrives)
 */
import { prefixContainsAddress } from '../ip/address-format.js';
import type { PimChange } from '../model/pim/types.js';
import type { PimHello } from '../protocols/pim/pim-hello.js';
import type { NetworkSnapshot, RpState } from '../../shapes/snapshot.js';
import type { RouterNames } from './forwarding.js';
import { conditionKey, type Condition, type FindingsTracker } from './tracker.js';

/** Winner changes within this window that make an Assert flap. */
const FLAP_WINDOW = 60;
const FLAP_CHANGES = 3;
/**
 * A DR that held the link for less than a Hello period (RFC 7761 §4.11: 30 s) was the election
 * settling as the routers came up, not a change.
 */
const DR_SETTLE = 30;
/** Seconds routers may take to follow a new RP-Set: a Bootstrap's flooding and the triggered Joins (RFC 5059 §3.3, §3.6). */
const RP_SET_SETTLE = 5;
/**
 * Seconds of registering after which the Register-Stop is overdue: an RP answers the first Register
 * (no receivers) or its first native packet after joining the source (a Join's travel and an SPT
 * hop or two) within a few seconds.
 */
const REGISTER_STOP_DUE = 15;
/** A DR that sent no Register for this long is no longer registering (its data stopped). */
const REGISTERING_RECENTLY = 5;

export class PimFindings {
  /** `link|address` → the times of its two latest Hellos, its holdtime, its T bit. */
  private readonly hellos = new Map<string, { link: string; address: string; previousAt: number | null; lastAt: number; holdtime: number | null; tBit: boolean | null }>();
  /** `link|source|group` → times the Assert winner changed. */
  private readonly winnerChanges = new Map<string, number[]>();
  /** link → since when its DR has been DR. */
  private readonly drSince = new Map<string, number>();

  constructor(private readonly tracker: FindingsTracker) {}

  onHello(time: number, link: string, address: string, hello: PimHello): void {
    const key = `${link}|${address}`;
    const seen = this.hellos.get(key);
    if (hello.holdtime === 0) {
      this.hellos.delete(key);
      return;
    }
    this.hellos.set(key, {
      link, address, previousAt: seen?.lastAt ?? null, lastAt: time, holdtime: hello.holdtime,
      tBit: hello.lanPruneDelay === null ? null : hello.lanPruneDelay.trackingSupport,
    });
  }

  onChange(change: PimChange): void {
    if (change.link === null) return;
    if (change.kind === 'neighbor-down' && change.detail.reason === 'holdtime-expired') {
      this.tracker.raise(change.time, {
        kind: 'pim.neighbor-lost', severity: 'warning', link: change.link, group: null, source: null, router: change.detail.address,
        detail: { address: change.detail.address },
        explanation: `PIM neighbor ${change.detail.address} on ${change.link} stopped sending Hellos without a goodbye: its holdtime ran out, and the join state towards it is gone.`,
        rule: 'RFC 7761 §4.3.2',
      });
    } else if (change.kind === 'neighbor-up') {
      this.tracker.close(conditionKey({ kind: 'pim.neighbor-lost', link: change.link, group: null, source: null, router: change.detail.address }), change.time);
    } else if (change.kind === 'neighbor-restart') {
      this.tracker.moment(change.time, {
        kind: 'pim.neighbor-restarted', severity: 'info', link: change.link, group: null, source: null, router: change.detail.address,
        detail: { ...change.detail },
        explanation: `PIM neighbor ${change.detail.address} on ${change.link} restarted (Generation ID ${change.detail.previousGenerationId} → ${change.detail.generationId}): it lost its join state and rebuilds it.`,
        rule: 'RFC 7761 §4.3.1',
      });
    } else if (change.kind === 'dr-changed') {
      // A link whose last PIM router left has no DR: the routers' own goodbyes or neighbor-lost say why.
      const since = this.drSince.get(change.link);
      this.drSince.set(change.link, change.time);
      if (change.detail.from === null || change.detail.to === null || since === undefined || change.time - since < DR_SETTLE) return;
      this.tracker.moment(change.time, {
        kind: 'pim.dr-changed', severity: 'info', link: change.link, group: null, source: null, router: change.detail.to,
        detail: { ...change.detail },
        explanation: `The PIM DR of ${change.link} changed from ${change.detail.from} (DR for ${Math.round(change.time - since)} s) to ${change.detail.to}: the new DR registers the link's sources and joins for its members.`,
        rule: 'RFC 7761 §4.3.2',
      });
    } else if (change.kind === 'assert-winner' && change.detail.previous !== null && change.detail.previous !== change.detail.winner) {
      const key = `${change.link}|${change.detail.source ?? '*'}|${change.detail.group}`;
      this.winnerChanges.set(key, [...(this.winnerChanges.get(key) ?? []), change.time].filter((time) => time > change.time - FLAP_WINDOW));
    }
  }

  evaluate(at: number, snapshot: NetworkSnapshot, routers: RouterNames): Condition[] {
    return [...this.helloMismatches(at, snapshot), ...this.assertFlapping(at), ...this.rpProblems(snapshot), ...registersNotStopped(at, snapshot, routers)];
  }

  private helloMismatches(at: number, snapshot: NetworkSnapshot): Condition[] {
    const conditions: Condition[] = [];
    const byLink = new Map<string, Array<{ address: string; previousAt: number | null; lastAt: number; holdtime: number | null; tBit: boolean | null }>>();
    for (const hello of this.hellos.values()) {
      if (!snapshot.links.find((link) => link.name === hello.link)?.pimNeighbors.includes(hello.address)) continue;
      byLink.set(hello.link, [...(byLink.get(hello.link) ?? []), hello]);
    }
    for (const [link, neighbors] of byLink) {
      for (const neighbor of neighbors) {
        if (neighbor.previousAt === null || neighbor.holdtime === null || neighbor.holdtime === 0xffff) continue;
        const interval = neighbor.lastAt - neighbor.previousAt;
        if (neighbor.holdtime >= interval || at - neighbor.lastAt > neighbor.holdtime * 4) continue;
        conditions.push({
          kind: 'pim.hello-mismatch', severity: 'warning', link, group: null, source: null, router: neighbor.address,
          detail: { holdtime: neighbor.holdtime, helloInterval: Math.round(interval * 10) / 10 },
          explanation: `${neighbor.address} on ${link} announces a ${neighbor.holdtime} s holdtime but sends Hellos every ${Math.round(interval)} s: its neighbors drop it between Hellos.`,
          rule: 'RFC 7761 §4.3.1, §4.11',
        });
      }
      const tBits = new Set(neighbors.map((neighbor) => neighbor.tBit));
      if (tBits.size > 1) {
        conditions.push({
          kind: 'pim.hello-mismatch', severity: 'info', link, group: null, source: 'lan-prune-delay', router: null,
          detail: { neighbors: neighbors.map((neighbor) => ({ address: neighbor.address, tBit: neighbor.tBit })) },
          explanation: `The PIM neighbors on ${link} disagree on the LAN Prune Delay T bit, so Join suppression stays on for all of them.`,
          rule: 'RFC 7761 §4.3.3',
        });
      }
    }
    return conditions;
  }

  private assertFlapping(at: number): Condition[] {
    const conditions: Condition[] = [];
    for (const [key, times] of this.winnerChanges) {
      const recent = times.filter((time) => time > at - FLAP_WINDOW);
      if (recent.length < FLAP_CHANGES) continue;
      const [link, source, group] = key.split('|') as [string, string, string];
      conditions.push({
        kind: 'pim.assert-flapping', severity: 'warning', link, group, source: source === '*' ? null : source, router: null,
        detail: { winnerChanges: recent.length, window: FLAP_WINDOW },
        explanation: `The Assert winner for (${source}, ${group}) on ${link} changed ${recent.length} times in ${FLAP_WINDOW} s: the forwarders' metrics or routes keep changing, and data is duplicated or lost at each turn.`,
        rule: 'RFC 7761 §4.6',
      });
    }
    return conditions;
  }

  private rpProblems(snapshot: NetworkSnapshot): Condition[] {
    const bsrMappings = snapshot.rps.filter((rp) => rp.learnedFrom === 'bsr');
    if (snapshot.bsrs.length === 0) return []; // static RPs: the wire cannot tell the configuration
    const conditions: Condition[] = [];
    const wanted = [
      ...snapshot.joins.filter((join) => join.type === '*,G' && join.state !== 'pruned').map((join) => ({ group: join.group, link: join.link, router: join.from, rp: join.rp, what: 'Join' })),
      ...snapshot.registers.map((register) => ({ group: register.group, link: null, router: register.dr, rp: register.rp, what: 'Register' })),
    ];
    for (const entry of wanted) {
      const mappings = bsrMappings.filter((rp) => prefixContainsAddress(rp.groupPrefix, entry.group));
      if (mappings.length === 0) {
        conditions.push({
          kind: 'pim.no-rp', severity: 'error', link: entry.link, group: entry.group, source: null, router: entry.router,
          detail: { what: entry.what, rp: entry.rp, bsr: snapshot.bsrs.map((bsr) => bsr.address) },
          explanation: `${entry.router} sends ${entry.what}s for ${entry.group}, but the BSR's RP-Set maps no RP to that group: there is no shared tree to join.`,
          rule: 'RFC 7761 §4.7, RFC 5059 §3',
          holdsFor: RP_SET_SETTLE,
        });
      } else if (entry.what === 'Join' && entry.rp !== null && !mappings.some((rp: RpState) => rp.rp === entry.rp)) {
        conditions.push({
          kind: 'pim.join-to-non-rp', severity: 'warning', link: entry.link, group: entry.group, source: null, router: entry.router,
          detail: { joinedRp: entry.rp, bsrRps: mappings.map((rp) => rp.rp) },
          explanation: `${entry.router} joins (*,${entry.group}) towards ${entry.rp}, which the BSR does not name RP of the group (${mappings.map((rp) => rp.rp).join(', ')}).`,
          rule: 'RFC 7761 §4.5.6, RFC 5059 §3',
          holdsFor: RP_SET_SETTLE,
        });
      }
    }
    return conditions;
  }
}

/** What the wire suggests when a DR keeps registering: the RP never answers, answers in vain, or never joins the source. */
export function registersNotStopped(at: number, snapshot: NetworkSnapshot, routers: RouterNames): Condition[] {
  const conditions: Condition[] = [];
  for (const register of snapshot.registers) {
    if (register.state !== 'registering' || register.since === null || register.lastRegisterAt === null) continue;
    if (at - register.since < REGISTER_STOP_DUE || at - register.lastRegisterAt > REGISTERING_RECENTLY) continue;
    const { source, group, dr, rp } = register;
    const receivers = snapshot.joins.some((join) => join.type === '*,G' && join.group === group && join.state === 'join');
    const sourceJoined = snapshot.joins.some((join) => join.type === 'S,G' && join.group === group && join.source === source && join.state === 'join');
    const rpSeen = routers.of(rp) !== null;
    let cause: string;
    let severity: 'error' | 'warning' = 'error';
    if (register.registerStopAt !== null && register.registerStopAt >= register.since) {
      cause = `a Register-Stop came from ${rp} at ${new Date(register.registerStopAt * 1000).toISOString()}, yet the DR goes on: it ignores it, or the Register-Stop names another DR or source`;
      severity = 'warning';
    } else if (receivers && !sourceJoined) {
      cause = `the RP has receivers on the shared tree but never joined (${source}, ${group}) towards the source, so the data never reaches it natively and it keeps decapsulating`;
      severity = 'warning';
    } else if (!rpSeen) {
      cause = `no PIM router with the address ${rp} is seen on any captured link: the RP is unreachable (Registers are unicast: check the route to it) or the address is no RP`;
    } else if (!receivers) {
      cause = `the RP has no receivers, and should then stop the Registers at once: ${routers.name(rp)} answers none, so it is not configured as RP for ${group}`;
    } else {
      cause = `the RP joined the source yet sends no Register-Stop: the native data may not reach it`;
    }
    conditions.push({
      kind: 'pim.register-not-stopped', severity, link: null, group, source, router: dr,
      detail: { rp, registeringSince: register.since, lastRegisterAt: register.lastRegisterAt, registerStopAt: register.registerStopAt, rpHasReceivers: receivers, sourceJoined, rpSeen },
      explanation: `${routers.name(dr)} has registered (${source}, ${group}) with ${rp} for ${Math.round(at - register.since)} s and no Register-Stop took effect: ${cause}.`,
      rule: 'RFC 7761 §4.4.2',
      since: register.since,
    });
  }
  return conditions;
}
