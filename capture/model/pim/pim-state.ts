/**
 * The PIM-SM state of one capture, as a passive observer rebuilds it from the messages of every
 * link (RFC 7761, RFC 5059). One file per mechanism:
 *   neighbors.ts, dr-election.ts   Hello, neighbor liveness, DR (§4.3.1, §4.3.2)
 *   lan-prune-delay.ts             J/P_Override_Interval (§4.3.3)
 *   join-state.ts                  downstream Join/Prune state (§4.5)
 *   asserts.ts                     Assert winners (§4.6)
 *   rp.ts, rp-hash.ts              BSR, RP-set, C-RP-Adv, group-to-RP mapping (§4.7, RFC 5059)
 *   registers.ts                   Register / Register-Stop / Null-Register (§4.4)
 *   timer-queue.ts, address-order.ts, types.ts   packet-time timers, address order, the public types
 *
 * Time is packet time only. `onMessage` first runs every timer due by the message's time, then the
 * message; `advance(now)` runs the timers due by `now`, each at its own time, earliest first across
 * all mechanisms. PIM-DM messages (Graft, Graft-Ack, State Refresh) and unknown types change nothing.
 */
import { AssertState } from './asserts.js';
import { JoinPruneState } from './join-state.js';
import { NeighborTable } from './neighbors.js';
import { RegisterTracker } from './registers.js';
import { RpKnowledge } from './rp.js';
import type { Expiring, ObservedPim, PimChange, PimDefaults, PimLimits, PimOptions, PimSnapshot, RpMapping } from './types.js';

export const PIM_DEFAULTS: Readonly<PimDefaults> = {
  helloHoldtime: 105,
  propagationDelay: 0.5,
  overrideInterval: 2.5,
  assertTime: 180,
  registerSuppressionTime: 60,
  registerProbeTime: 5,
  keepalivePeriod: 210,
  bootstrapTimeout: 130,
  hashMaskLengthIPv4: 30,
  hashMaskLengthIPv6: 126,
};

const NO_CHANGES: readonly PimChange[] = Object.freeze([]);

export const PIM_LIMITS: Readonly<PimLimits> = {
  maxNeighborsPerLink: 1_000,
  maxJoinStates: 200_000,
  maxAsserts: 50_000,
  maxRps: 10_000,
  maxRegisters: 100_000,
};

export class PimState {
  readonly options: Readonly<PimOptions>;
  private readonly neighbors: NeighborTable;
  private readonly joins: JoinPruneState;
  private readonly asserts: AssertState;
  private readonly rps: RpKnowledge;
  private readonly registers: RegisterTracker;
  /** In tie order: at equal times neighbors expire first, so the other mechanisms see them gone. */
  private readonly mechanisms: readonly Expiring[];
  /** Changes made by `snapshot`'s catch-up, handed out by the next `advance` or `onMessage`. */
  private readonly pending: PimChange[] = [];

  constructor(options: Partial<PimOptions> = {}) {
    this.options = { ...PIM_DEFAULTS, ...PIM_LIMITS, ...options };
    this.neighbors = new NeighborTable(this.options);
    this.rps = new RpKnowledge(this.options);
    this.joins = new JoinPruneState(this.options, this.neighbors, this.rps);
    this.asserts = new AssertState(this.options);
    this.registers = new RegisterTracker(this.options, this.rps);
    this.mechanisms = [this.neighbors, this.joins, this.asserts, this.rps, this.registers];
  }

  onMessage(event: ObservedPim): PimChange[] {
    const out = this.expireDue(event.time);
    const { message } = event;
    switch (message.kind) {
      case 'pim.hello': {
        const first = out.length;
        this.neighbors.onHello(event, message, out);
        this.followNeighborChanges(out, first);
        break;
      }
      case 'pim.join-prune':
        this.joins.onJoinPrune(event, message, out);
        break;
      case 'pim.assert':
        this.asserts.onAssert(event, message, out);
        break;
      case 'pim.bootstrap':
        this.rps.onBootstrap(event, message, out);
        break;
      case 'pim.c-rp-adv':
        this.rps.onCandidateRpAdvertisement(event, message, out);
        break;
      case 'pim.register':
      case 'pim.null-register':
        this.registers.onRegister(event, message, out);
        break;
      case 'pim.register-stop':
        this.registers.onRegisterStop(event, message, out);
        break;
    }
    return out;
  }

  /** Runs every timer due by `now`, in time order; returns what changed. */
  advance(now: number): readonly PimChange[] {
    // Called before every frame: most calls find nothing due and share one empty list.
    if (this.nextTimerAt() > now) return NO_CHANGES;
    return this.expireDue(now);
  }

  /** No timer runs out before this time (changes waiting to be told: now). */
  nextTimerAt(): number {
    if (this.pending.length > 0) return -Infinity;
    let next = Infinity;
    for (const mechanism of this.mechanisms) next = Math.min(next, mechanism.nextDeadline());
    return next;
  }

  /** The pending changes and those of every timer due by `now`, in time order, in a new list. */
  private expireDue(now: number): PimChange[] {
    const out = this.pending.splice(0);
    for (;;) {
      let next: Expiring | null = null;
      let at = Infinity;
      for (const mechanism of this.mechanisms) {
        const deadline = mechanism.nextDeadline();
        if (deadline < at) {
          at = deadline;
          next = mechanism;
        }
      }
      if (next === null || at > now) return out;
      const first = out.length;
      next.expireAt(at, out);
      if (next === this.neighbors) this.followNeighborChanges(out, first);
    }
  }

  /** The state as of `now` (timers due by then are run; their changes come with the next call). */
  snapshot(now: number): PimSnapshot {
    this.pending.push(...this.expireDue(now));
    const { rps, bsrs } = this.rps.snapshot();
    return {
      time: now,
      links: this.neighbors.snapshot(),
      joins: this.joins.snapshot(),
      asserts: this.asserts.snapshot(),
      rps,
      bsrs,
      registers: this.registers.snapshot(),
    };
  }

  /** Addresses of the PIM neighbors of one family on `link` (Hellos seen, not yet expired). */
  neighborAddresses(link: string, family: 4 | 6): string[] {
    return [...(this.neighbors.neighborsOf(link, family)?.keys() ?? [])];
  }

  /** The RP `group` maps to by RFC 7761 §4.7.2, from what has been seen; null when unknown. */
  rpForGroup(group: string): RpMapping | null {
    return this.rps.rpForGroup(group);
  }

  /** Whether `address` is known (at `now`) as an RP of `group`, however it was learned. */
  isRpAddress(address: string, group: string, now: number): boolean {
    return this.rps.isRpFor(address, group, now);
  }

  /**
   * A router's neighbor state ended: the Join/Prune state it held as upstream ends (§4.3.1), and
   * as an Assert winner, ended or restarted, it loses its Assert states (§4.6.1, §4.6.2).
   */
  private followNeighborChanges(out: PimChange[], first: number): void {
    const end = out.length;
    for (let index = first; index < end; index++) {
      const change = out[index]!;
      if (change.kind === 'neighbor-down') {
        this.joins.onUpstreamLost(change.link!, change.detail.address, change.time, out);
        this.asserts.onWinnerLost(change.link!, change.detail.address, 'winner-neighbor-down', change.time, out);
      } else if (change.kind === 'neighbor-restart') {
        this.asserts.onWinnerLost(change.link!, change.detail.address, 'winner-restarted', change.time, out);
      }
    }
  }
}
