/**
 * Many probes' records (pipeline/probe/records.ts) into one analysis run, in packet-time order.
 *
 * Each probe's records come in its own order, and probes run at their own pace. A record is held
 * until every probe still running has passed its time (its watermark: the latest whole second it
 * ticked, or its end: all it saw before then has been published) — or until it is `lateness` seconds of packet time older than
 * the newest record, so a stalled probe holds the others back by a bounded amount. A record older
 * than what was already released is late: counted, and applied at once (never dropped).
 * Within one moment a probe's state at a whole second goes before that second's packets, as in
 * the probe's own run (pipeline/run.ts tells sinks the second before its frames).
 *
 * Measured on the way, from the probes' ticks (their wall clock when they published): each
 * probe's clock offset against the stream's server (the largest wall − stored-at seen: the tick
 * cannot have been stored before it was sent), and how long after a tick's publication the state
 * of its second was released to the sinks — the store and the dashboard (delay).
 */
import TinyQueue from 'tinyqueue';
import type { AnalysisRun, RunEnd } from './run.js';
import type { Packet } from '../capture/decode.js';
import type { FlowChange } from '../capture/model/flows.js';
import type { ProbeRecord } from './probe/records.js';

export interface CollectorOptions {
  /** Seconds of packet time a record may trail the newest one and still be put in order. */
  lateness: number;
  /** Probes to wait for before releasing anything (null: whoever publishes). */
  expectedProbes: readonly string[] | null;
}

export const DEFAULT_LATENESS = 10;

interface ProbeProgress {
  watermark: number;
  ended: boolean;
  records: number;
  /** Seconds the probe's clock is ahead of the stream server's (an estimate, see the header); null before its first tick. */
  clockOffset: number | null;
}

/** Delays kept for the percentiles (the latest). */
const DELAYS_KEPT = 10_000;

/** A record held for its turn (data, not a closure: a checkpoint of the collector holds it, pipeline/checkpoint.ts). */
type Held =
  | { rank: 0; second: Extract<ProbeRecord, { type: 'second' }> }
  | { rank: 1; packet: Packet }
  | { rank: 2; change: FlowChange };

/** rank 0: a probe's state at a second, 1: a packet, 2: a flow change (told by the packet that made it). */
type Pending = Held & { time: number; seq: number };

const earlier = (a: Pending, b: Pending) => a.time - b.time || a.rank - b.rank || a.seq - b.seq;

export class Collector {
  readonly probes = new Map<string, ProbeProgress>();
  /** Records taken, and those applied late (older than what was already released). */
  records = 0;
  late = 0;
  private readonly queue = new TinyQueue<Pending>([], earlier);
  private options: CollectorOptions = { lateness: DEFAULT_LATENESS, expectedProbes: null };
  private seq = 0;
  private newest = -Infinity;
  private released = -Infinity;
  /** Ticks taken and not yet released: their second and publication wall time. */
  private readonly ticks: { time: number; wall: number }[] = [];
  /** Seconds from a tick's publication to the release of its second, the latest DELAYS_KEPT. */
  readonly delays: number[] = [];

  constructor(private readonly run: AnalysisRun, options: Partial<CollectorOptions> = {}, private readonly wallClock = () => Date.now() / 1000) {
    this.reconfigure(options);
  }

  /** Options given anew (a collector restarted from a checkpoint takes its command line's, not the checkpoint's). */
  reconfigure(options: Partial<CollectorOptions>): void {
    this.options = { ...this.options, ...options };
    for (const probe of this.options.expectedProbes ?? []) this.progressOf(probe);
  }

  /** Whether every expected probe (or, with none expected, every probe seen) has ended. */
  get allEnded(): boolean {
    return this.probes.size > 0 && [...this.probes.values()].every((probe) => probe.ended);
  }

  /** The earliest time some running probe may still send: nothing before it will come. */
  get watermark(): number {
    let watermark = Infinity;
    for (const probe of this.probes.values()) if (!probe.ended) watermark = Math.min(watermark, probe.watermark);
    return watermark;
  }

  /** A record, and when the stream stored it (epoch seconds; null when not from a stream). */
  take(record: ProbeRecord, storedAt: number | null = null): void {
    this.records++;
    const progress = this.progressOf(record.probe);
    progress.records++;
    switch (record.type) {
      case 'packet':
        this.hold(record.packet.time, { rank: 1, packet: record.packet });
        // Not a watermark: the flow changes its data made come with the next second.
        this.newest = Math.max(this.newest, record.packet.time);
        break;
      case 'second':
        for (const change of record.changes) this.hold(change.time, { rank: 2, change });
        this.hold(record.time, { rank: 0, second: record });
        // Not a watermark either: the probe's other links' seconds, with their earlier changes, follow until its tick.
        this.newest = Math.max(this.newest, record.time);
        break;
      case 'tick':
        this.advanceProbe(progress, record.time);
        if (storedAt !== null) progress.clockOffset = Math.max(progress.clockOffset ?? -Infinity, record.wall - storedAt);
        this.ticks.push({ time: record.time, wall: record.wall });
        break;
      case 'end':
        this.advanceProbe(progress, record.time);
        progress.ended = true;
        break;
    }
    this.release(Math.max(this.watermark, this.newest - this.options.lateness));
  }

  /** Applies everything held and ends the run. */
  async finish(end: RunEnd): Promise<void> {
    this.release(Infinity);
    await this.run.finish(end);
  }

  private hold(time: number, held: Held): void {
    if (time < this.released) {
      this.late++;
      this.apply(held);
      return;
    }
    this.queue.push({ ...held, time, seq: this.seq++ });
  }

  private apply(held: Held): void {
    switch (held.rank) {
      case 0: this.run.probeFlowState(held.second.time, held.second.link, held.second.state, held.second.counts); break;
      case 1: this.run.probePacket(held.packet); break;
      case 2: this.run.probeFlowChanges([held.change]); break;
    }
  }

  private advanceProbe(progress: ProbeProgress, time: number): void {
    if (time > progress.watermark) progress.watermark = time;
    if (time > this.newest) this.newest = time;
  }

  private release(upTo: number): void {
    while (this.queue.length > 0 && this.queue.peek()!.time <= upTo) {
      const next = this.queue.pop()!;
      this.released = Math.max(this.released, next.time);
      this.apply(next);
    }
    if (this.ticks.length === 0 || !Number.isFinite(upTo)) return;
    const now = this.wallClock();
    let kept = 0;
    for (const tick of this.ticks) {
      if (tick.time <= upTo) this.delays.push(now - tick.wall);
      else this.ticks[kept++] = tick;
    }
    this.ticks.length = kept;
    if (this.delays.length > DELAYS_KEPT) this.delays.splice(0, this.delays.length - DELAYS_KEPT);
  }

  /** Percentiles of the delays (seconds), or null before any. */
  delayPercentiles(): { p50: number; p99: number; max: number } | null {
    if (this.delays.length === 0) return null;
    const sorted = [...this.delays].sort((a, b) => a - b);
    const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
  }

  private progressOf(probe: string): ProbeProgress {
    let progress = this.probes.get(probe);
    if (!progress) {
      progress = { watermark: -Infinity, ended: false, records: 0, clockOffset: null };
      this.probes.set(probe, progress);
    }
    return progress;
  }
}
