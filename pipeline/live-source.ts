/**
 * Live interfaces as a run's source. cap (capture/sources/live-capture.ts) delivers each frame
 * stamped on arrival by one EpochClock, and the same clock moves the run's packet time on once a
 * second: membership and PIM timers expire while a link is silent, and a frame is never older
 * than the last tick.
 *
 * It also watches for the signs of falling behind that can be seen (what libpcap's own ring
 * drops cannot, cap does not expose pcap_stats): event-loop lag, bursts of frames read at once
 * that fill a large part of libpcap's ring, and the kernel's receive counters per interface.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { counterDelta, kernelDrops, readInterfaceCounters, type InterfaceCounters } from '../capture/sources/interface-counters.js';
import { EpochClock, estimateRing, LiveCapture, type InterfaceSpec, type RingEstimate } from '../capture/sources/live-capture.js';
import type { Frame } from '../capture/frame.js';
import type { AnalysisRun } from './run.js';

export const TICK_INTERVAL_MS = 1000;

export interface LiveLink {
  link: string;
  device: string;
  /** LINKTYPE_* of its frames. */
  linkType: number;
  ring: RingEstimate;
}

export interface LinkCounters {
  link: string;
  device: string;
  frames: number;
  /** Kernel counters since the capture started (null when the interface has no /sys statistics). */
  kernel: InterfaceCounters | null;
  kernelDrops: number | null;
}

/** What one tick saw. */
export interface LiveTick {
  now: number;
  /** Event-loop delay over the last interval (p99, ms). */
  lagMs: number;
  /** The largest burst of frames read at once in the interval, as a share of the smallest ring. */
  ringShare: number;
}

export interface LiveSourceOptions {
  filter: string;
  /** libpcap's ring, bytes per interface. */
  bufferSize: number;
  clock: EpochClock;
}

/** Event-loop lag and read bursts: the signs that the capture is falling behind. */
export class CaptureHealth {
  maxLagMs = 0;
  maxBurstFrames = 0;
  private burstFrames = 0;
  private intervalBurstFrames = 0;
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly endBurst = () => {
    if (this.burstFrames > this.maxBurstFrames) this.maxBurstFrames = this.burstFrames;
    if (this.burstFrames > this.intervalBurstFrames) this.intervalBurstFrames = this.burstFrames;
    this.burstFrames = 0;
  };

  /** `ringSlots`: the frames the smallest ring holds (live-capture.ts, estimateRing). */
  constructor(private readonly ringSlots: number) {
    this.histogram.enable();
  }

  /**
   * cap reads every frame waiting in the ring in one go (one libuv poll callback), so the frames
   * counted before the next turn of the event loop are what had piled up in the ring.
   */
  onFrame(): void {
    if (this.burstFrames++ === 0) setImmediate(this.endBurst);
  }

  /** The interval's lag (p99, ms) and largest burst's share of the ring; resets the interval. */
  sample(): { lagMs: number; ringShare: number } {
    const lagMs = this.histogram.percentile(99) / 1e6;
    this.histogram.reset();
    if (lagMs > this.maxLagMs) this.maxLagMs = lagMs;
    const ringShare = this.intervalBurstFrames / Math.max(1, this.ringSlots);
    this.intervalBurstFrames = 0;
    return { lagMs, ringShare };
  }

  stop(): void {
    this.histogram.disable();
  }
}

export class LiveSource {
  readonly links: LiveLink[];
  readonly health: CaptureHealth;
  readonly started: number;
  private run: AnalysisRun | null = null;
  /** Frames that arrived before `attach` (the sinks that need `links` are made in between). */
  private readonly early: { frame: Frame; index: number }[] = [];
  private ticker: NodeJS.Timeout | null = null;

  private constructor(
    private readonly specs: readonly InterfaceSpec[], private readonly capture: LiveCapture, private readonly clock: EpochClock,
    rings: RingEstimate[], private readonly firstCounters: (InterfaceCounters | null)[],
  ) {
    this.links = capture.interfaces.map(({ link, device, linkType }, index) => ({ link, device, linkType, ring: rings[index]! }));
    this.health = new CaptureHealth(Math.min(...rings.map((ring) => ring.slots)));
    this.started = clock.now();
  }

  /** Opens every interface or none (a LiveCaptureError says why); frames reach a run once one is `attach`ed. */
  static async open(specs: readonly InterfaceSpec[], options: LiveSourceOptions): Promise<LiveSource> {
    const rings = specs.map((spec) => estimateRing(spec.device, options.bufferSize));
    const firstCounters = await Promise.all(specs.map((spec) => readInterfaceCounters(spec.device)));
    // cap delivers frames only from later turns of the event loop: `source` is set before any of them.
    let source: LiveSource | null = null;
    const capture = new LiveCapture(specs, { filter: options.filter, bufferSize: options.bufferSize, clock: options.clock }, (frame, index) => {
      source!.health.onFrame();
      if (source!.run !== null) source!.run.frame(frame, index);
      else source!.early.push({ frame, index });
    });
    source = new LiveSource(specs, capture, options.clock, rings, firstCounters);
    return source;
  }

  /** Frames and ticks go to `run` from now on, and `onTick` hears each tick after the run has advanced. */
  attach(run: AnalysisRun, onTick: (tick: LiveTick) => void): void {
    this.run = run;
    for (const { frame, index } of this.early.splice(0)) run.frame(frame, index);
    this.ticker = setInterval(() => {
      const now = this.clock.now();
      run.advance(now);
      onTick({ now, ...this.health.sample() });
    }, TICK_INTERVAL_MS);
  }

  now(): number {
    return this.clock.now();
  }

  /** Frames per link and the kernel's counters since the start. */
  async counters(): Promise<LinkCounters[]> {
    const last = await Promise.all(this.specs.map((spec) => readInterfaceCounters(spec.device)));
    return this.capture.interfaces.map((entry, index) => {
      const before = this.firstCounters[index] ?? null;
      const after = last[index] ?? null;
      const kernel = before !== null && after !== null ? counterDelta(after, before) : null;
      return { link: entry.link, device: entry.device, frames: entry.frames, kernel, kernelDrops: kernel === null ? null : kernelDrops(kernel) };
    });
  }

  /** Stops capturing; the run's time moves on to the end. Returns the end time. */
  close(): number {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.capture.close();
    this.health.stop();
    const ended = this.clock.now();
    this.run?.advance(ended);
    return ended;
  }
}
