/**
 * Many probes' records (pipeline/probe/records.ts) into one analysis run, in packet-time order.
 *
 * Each probe's records come in its own order, and probes run at their own pace. A record is held
 * until every probe still running has passed its time (its watermark: the latest whole second it
 * told, by a tick or a second, or its end: all it saw before then has been published) — or until it is `lateness` seconds of packet time older than
 * the newest record, so a stalled probe holds the others back by a bounded amount. A record older
 * than what was already released is late: counted, and applied at once (never dropped).
 * Within one moment a probe's state at a whole second goes before that second's packets, as in
 * the probe's own run (pipeline/run.ts tells sinks the second before its frames).
 */
import TinyQueue from 'tinyqueue';
import type { AnalysisRun, RunEnd } from './run.js';
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
}

interface Pending {
  time: number;
  /** 0: a probe's state at a second, 1: a packet, 2: a flow change (told by the packet that made it). */
  rank: number;
  seq: number;
  apply: () => void;
}

const earlier = (a: Pending, b: Pending) => a.time - b.time || a.rank - b.rank || a.seq - b.seq;

export class Collector {
  readonly probes = new Map<string, ProbeProgress>();
  /** Records taken, and those applied late (older than what was already released). */
  records = 0;
  late = 0;
  private readonly queue = new TinyQueue<Pending>([], earlier);
  private readonly options: CollectorOptions;
  private seq = 0;
  private newest = -Infinity;
  private released = -Infinity;

  constructor(private readonly run: AnalysisRun, options: Partial<CollectorOptions> = {}) {
    this.options = { lateness: DEFAULT_LATENESS, expectedProbes: null, ...options };
    for (const probe of this.options.expectedProbes ?? []) this.probes.set(probe, { watermark: -Infinity, ended: false, records: 0 });
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

  take(record: ProbeRecord): void {
    this.records++;
    const progress = this.progressOf(record.probe);
    progress.records++;
    const run = this.run;
    switch (record.type) {
      case 'packet':
        this.hold(record.packet.time, 1, () => run.probePacket(record.packet));
        // Not a watermark: the flow changes its data made come with the next second.
        this.newest = Math.max(this.newest, record.packet.time);
        break;
      case 'second':
        for (const change of record.changes) this.hold(change.time, 2, () => run.probeFlowChanges([change]));
        this.hold(record.time, 0, () => run.probeFlowState(record.time, record.link, record.state, record.counts));
        this.advanceProbe(progress, record.time);
        break;
      case 'tick':
        this.advanceProbe(progress, record.time);
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

  private hold(time: number, rank: number, apply: () => void): void {
    if (time < this.released) {
      this.late++;
      apply();
      return;
    }
    this.queue.push({ time, rank, seq: this.seq++, apply });
  }

  private advanceProbe(progress: ProbeProgress, time: number): void {
    if (time > progress.watermark) progress.watermark = time;
    if (time > this.newest) this.newest = time;
  }

  private release(upTo: number): void {
    while (this.queue.length > 0 && this.queue.peek()!.time <= upTo) {
      const next = this.queue.pop()!;
      this.released = Math.max(this.released, next.time);
      next.apply();
    }
  }

  private progressOf(probe: string): ProbeProgress {
    let progress = this.probes.get(probe);
    if (!progress) {
      progress = { watermark: -Infinity, ended: false, records: 0 };
      this.probes.set(probe, progress);
    }
    return progress;
  }
}
