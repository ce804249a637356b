/**
 * Register state per (S,G), RFC 7761 §4.4: the DR that registers (the Register's IP source), the RP
 * (its IP destination), and the DR's register state machine (§4.4.1) as the wire shows it:
 *
 *   data Register                  JOIN (registering)
 *   Register-Stop (RP → DR)        JOIN or JOIN-PENDING → PRUNE (suppressed), see below; in PRUNE it
 *                                  changes nothing (§4.4.1); a wildcard source (all zeros)
 *                                  stops every source of G registered by that DR (§4.9.4)
 *   Null-Register                  JOIN-PENDING (probing) for Register_Probe_Time
 *   probe unanswered               JOIN again (the Register-Stop Timer expired in JOIN-PENDING)
 *   no probe by the end of the     the DR's register state is gone: in PRUNE it must probe when its
 *     suppression                  Register-Stop Timer expires, so silence means the (S,G) left it
 *                                  (its Keepalive Timer ran out, the source having stopped)
 *   Keepalive_Period of silence    while registering, the (S,G) register state is gone
 * §4.4.1: the DR's Register-Stop Timer is rand(0.5, 1.5) × Register_Suppression_Time − Register_Probe_Time,
 * then it probes: its Null-Register comes at most 1.5 × Register_Suppression_Time after the Register-Stop,
 * the end of the suppression for the observer. Register_Suppression_Time is the default (60 s) until the
 * wire shows it: each first Null-Register after a Register-Stop gives one draw of the random interval
 * (the time between them plus Register_Probe_Time); their mean estimates the DR's Register_Suppression_Time
 * and the end becomes max(1.5 × mean, longest draw) after the Register-Stop.
 */
import { compareAddresses, isUnspecifiedAddress } from './address-order.js';
import type { RpKnowledge } from './rp.js';
import { TimerQueue } from './timer-queue.js';
import type { Expiring, ObservedPim, PimChange, PimOptions, RegisterDetail, RegisterSnapshot, RegisterState } from './types.js';
import type { PimRegister, PimRegisterStop } from '../../protocols/pim.js';

interface RegisterRow {
  key: string;
  source: string;
  group: string;
  dr: string;
  rp: string;
  state: RegisterState;
  since: number;
  lastRegisterAt: number | null;
  lastNullRegisterAt: number | null;
  registerStopAt: number | null;
  suppressedUntil: number | null;
  lastActivityAt: number;
  /**
   * Suppression or probe end; while registering, a Keepalive check that is not moved by every data
   * Register (one per data packet): when it fires before lastActivityAt + Keepalive_Period, it is queued again.
   */
  deadline: number;
}

/** The random suppression intervals one DR has shown, Register-Stop to Null-Register plus the probe time. */
interface SuppressionDraws {
  total: number;
  count: number;
  longest: number;
}

/** §4.4.1: the Register-Stop Timer is drawn from (0.5, 1.5) × Register_Suppression_Time. */
const SUPPRESSION_RANDOM_MAX = 1.5;

export class RegisterTracker implements Expiring {
  /** The snapshot until the state changes (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts). */
  private latest?: RegisterSnapshot[] | undefined;
  private readonly rows = new Map<string, RegisterRow>();
  private readonly timers = new TimerQueue<RegisterRow>();
  private readonly drawsByDr = new Map<string, SuppressionDraws>();

  constructor(private readonly options: PimOptions, private readonly rps: RpKnowledge) {}

  onRegister(event: ObservedPim, message: PimRegister, out: PimChange[]): void {
    this.latest = undefined;
    const { time } = event;
    const initialState: RegisterState = message.nullRegister ? 'probing' : 'registering';
    const row = this.rowFor(message.innerSource, message.innerGroup, event.src, event.dst, initialState, time, out);
    if (!row) return;
    row.dr = event.src;
    row.rp = event.dst;
    row.lastActivityAt = time;
    if (message.nullRegister) {
      // The first Null-Register after a Register-Stop shows how long this DR's Register-Stop Timer ran.
      const firstProbeAfterStop = row.registerStopAt !== null
        && (row.lastNullRegisterAt === null || row.lastNullRegisterAt < row.registerStopAt);
      const noDataSinceStop = row.lastRegisterAt === null || row.lastRegisterAt < row.registerStopAt!;
      if (firstProbeAfterStop && noDataSinceStop) this.recordDraw(row.dr, time - row.registerStopAt! + this.options.registerProbeTime);
      row.lastNullRegisterAt = time;
      // §4.4.1: the DR sends a Null-Register on entering JOIN-PENDING, for Register_Probe_Time.
      if (row.state !== 'probing') {
        row.state = 'probing';
        row.since = time;
        out.push({ time, ...registerScope(row), kind: 'register-probe', detail: registerDetail(row) });
      }
      this.timers.schedule(row, time + this.options.registerProbeTime);
    } else {
      row.lastRegisterAt = time;
      if (row.state !== 'registering') {
        row.state = 'registering';
        row.since = time;
        out.push({ time, ...registerScope(row), kind: 'register-resumed', detail: { ...registerDetail(row), reason: 'data-register' } });
        this.timers.schedule(row, time + this.options.keepalivePeriod);
      } else if (row.deadline === Infinity) {
        this.timers.schedule(row, time + this.options.keepalivePeriod);
      }
    }
    this.rps.learnFromRegister(event.dst, message.innerGroup, time, out);
  }

  /** A Register-Stop goes from the RP (IP source) to the DR (IP destination). */
  onRegisterStop(event: ObservedPim, message: PimRegisterStop, out: PimChange[]): void {
    this.latest = undefined;
    const group = message.group.address;
    const dr = event.dst;
    if (isUnspecifiedAddress(message.source.address)) {
      // §4.9.4: a wildcard source stops every source of G that this DR registers.
      for (const row of this.rows.values()) {
        if (row.group === group && row.dr === dr) this.registerStopReceived(row, event.time, out);
      }
      return;
    }
    const row = this.rowFor(message.source.address, group, dr, event.src, 'suppressed', event.time, out);
    if (row) this.registerStopReceived(row, event.time, out);
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  expireAt(at: number, out: PimChange[]): void {
    this.latest = undefined;
    for (let row = this.timers.takeDue(at); row; row = this.timers.takeDue(at)) {
      if (row.state === 'registering') {
        const keepaliveExpiry = row.lastActivityAt + this.options.keepalivePeriod;
        if (keepaliveExpiry > at) {
          this.timers.schedule(row, keepaliveExpiry);
          continue;
        }
        // No Register, Null-Register or Register-Stop for Keepalive_Period: the (S,G) state is gone.
        this.rows.delete(row.key);
        out.push({ time: at, ...registerScope(row), kind: 'register-expired', detail: { ...registerDetail(row), reason: 'keepalive-expired' } });
        continue;
      }
      if (row.state === 'suppressed') {
        // §4.4.1: a DR still in PRUNE would have probed by now; it no longer registers (S,G).
        this.rows.delete(row.key);
        out.push({ time: at, ...registerScope(row), kind: 'register-expired', detail: { ...registerDetail(row), reason: 'no-probe' } });
        continue;
      }
      // §4.4.1: the Register-Stop Timer expired in JOIN-PENDING without a Register-Stop: back to JOIN.
      row.state = 'registering';
      row.since = at;
      out.push({ time: at, ...registerScope(row), kind: 'register-resumed', detail: { ...registerDetail(row), reason: 'probe-unanswered' } });
      this.timers.schedule(row, Math.max(at, row.lastActivityAt + this.options.keepalivePeriod));
    }
  }

  snapshot(): RegisterSnapshot[] {
    return this.latest ??= this.build();
  }

  private build(): RegisterSnapshot[] {
    return [...this.rows.values()]
      .map((row): RegisterSnapshot => ({
        ...registerDetail(row), state: row.state, since: row.since, lastRegisterAt: row.lastRegisterAt,
        lastNullRegisterAt: row.lastNullRegisterAt, registerStopAt: row.registerStopAt, suppressedUntil: row.suppressedUntil,
        observedSuppressionTime: this.observedSuppressionTime(row.dr),
      }))
      .sort((a, b) => compareAddresses(a.group, b.group) || compareAddresses(a.source, b.source));
  }

  /** §4.4.1 "Register-Stop received": JOIN or JOIN-PENDING → PRUNE; nothing in PRUNE. */
  private registerStopReceived(row: RegisterRow, time: number, out: PimChange[]): void {
    row.lastActivityAt = time;
    if (row.state === 'suppressed' && row.suppressedUntil !== null) return;
    row.registerStopAt = time;
    row.state = 'suppressed';
    row.since = time;
    row.suppressedUntil = time + this.longestSuppression(row.dr);
    out.push({ time, ...registerScope(row), kind: 'register-stopped', detail: { ...registerDetail(row), suppressedUntil: row.suppressedUntil } });
    this.timers.schedule(row, row.suppressedUntil);
  }

  private recordDraw(dr: string, seconds: number): void {
    const draws = this.drawsByDr.get(dr);
    if (!draws) {
      this.drawsByDr.set(dr, { total: seconds, count: 1, longest: seconds });
      return;
    }
    draws.total += seconds;
    draws.count++;
    draws.longest = Math.max(draws.longest, seconds);
  }

  /** The DR's Register_Suppression_Time as the wire shows it (mean draw), null before any draw. */
  private observedSuppressionTime(dr: string): number | null {
    const draws = this.drawsByDr.get(dr);
    return draws ? draws.total / draws.count : null;
  }

  /** The latest a DR resumes registering after a Register-Stop without being stopped again. */
  private longestSuppression(dr: string): number {
    const draws = this.drawsByDr.get(dr);
    if (!draws) return SUPPRESSION_RANDOM_MAX * this.options.registerSuppressionTime;
    return Math.max(draws.longest, SUPPRESSION_RANDOM_MAX * (draws.total / draws.count));
  }

  private rowFor(source: string, group: string, dr: string, rp: string, state: RegisterState, time: number, out: PimChange[]): RegisterRow | null {
    const key = `${source}\u0000${group}`;
    const existing = this.rows.get(key);
    if (existing) return existing;
    if (this.rows.size >= this.options.maxRegisters) {
      out.push({
        time, link: null, group, source, kind: 'limit-exceeded',
        detail: { limit: 'maxRegisters', max: this.options.maxRegisters, dropped: `register (${source},${group}) from ${dr}` },
      });
      return null;
    }
    const row: RegisterRow = {
      key, source, group, dr, rp, state, since: time, lastRegisterAt: null, lastNullRegisterAt: null, registerStopAt: null,
      suppressedUntil: null, lastActivityAt: time, deadline: Infinity,
    };
    this.rows.set(key, row);
    out.push({ time, ...registerScope(row), kind: 'register-started', detail: registerDetail(row) });
    return row;
  }
}

/** Register state is domain-wide (no link) and about one (S,G). */
function registerScope(row: RegisterRow): { link: null; group: string; source: string } {
  return { link: null, group: row.group, source: row.source };
}

function registerDetail(row: RegisterRow): RegisterDetail {
  return { source: row.source, group: row.group, dr: row.dr, rp: row.rp };
}
