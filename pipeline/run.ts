/**
 * One analysis run: frames from a source (capture files, a live capture, an upload) go through
 * the decoders into the NetworkAnalyzer, and everything the run sees goes out to its sinks (the
 * store, the live hub, printers, a pcapng writer, counters). `mcast analyze`, `mcast capture`,
 * uploads and the demo are the same run with other sources and sinks.
 *
 * The run owns packet time. Before time moves on (to a frame's time, or to a live tick's), the
 * sinks are told (`beforeTime`) while the analyzer still holds the state as of its own time; a
 * silence is stepped through second by second (for its first MAX_SILENCE_STEPS seconds), so the
 * timers that run out in it are seen, and synced, within a second of when they did.
 */
import { decodeFrame, hasBadChecksum, type FrameResult, type Packet } from '../capture/decode.js';
import { frameTime, type Frame } from '../capture/frame.js';
import type { FlowChange } from '../capture/model/flows.js';
import { NetworkAnalyzer, type LinkActivity, type ProbeFlowState } from '../capture/model/network-analyzer.js';
import type { SecondCounts } from './probe/records.js';
import type { TimelineEntry } from '../capture/model/timeline.js';
import type { Topology } from '../capture/model/topology.js';

/**
 * Seconds of a silence stepped through one by one: longer than every protocol timer (the longest
 * defaults are 260 s for membership, 210 s for Join/Prune state).
 */
export const MAX_SILENCE_STEPS = 3600;

/** Why a run ended: it read all its input (or reached --duration), or it was stopped (a signal). */
export type RunEnd = 'complete' | 'stopped';

/** Where a run's output goes. Every method is optional: a sink takes what it needs. */
export interface Sink {
  /** A frame as the source read it, before decoding (`input`: its interface or file index). */
  frame?(frame: Frame, input: number): void;
  /** Packet time is about to move on to `time`; the analyzer still holds the state as of `analyzer.time`. */
  beforeTime?(time: number, analyzer: NetworkAnalyzer): void;
  /** A decoded frame (or its decode error), after the analyzer took it. */
  decoded?(result: FrameResult): void;
  /** A packet a probe decoded (a collector's run): a control message, or a data packet of the data-path sample. */
  received?(packet: Packet): void;
  /** Frames and data a probe counted on `link`, per second (a collector's run). */
  counted?(link: string, counts: readonly SecondCounts[], seen: LinkActivity | null): void;
  /** A state change, as the analyzer tells it. */
  change?(entry: TimelineEntry): void;
  /** Resolves when the sink can take more (the store waits for its database); sources await it now and then. */
  drain?(): Promise<void>;
  /** The run is over: write what is left. */
  finish?(end: RunEnd, analyzer: NetworkAnalyzer): Promise<void> | void;
}

export interface RunOptions {
  topology: Topology | null;
  sinks: Sink[];
  /** false: decode only, for sinks that count (`mcast stats`); the analyzer sees nothing. */
  analyze: boolean;
  /** `probes`: a collector's run, fed the probes' records (probePacket, probeFlowChanges, probeFlowState) instead of frames. */
  flowsFrom: 'packets' | 'probes';
}

export class AnalysisRun {
  readonly analyzer: NetworkAnalyzer;
  /** Frames, decode errors and IGMP/MLD/PIM messages seen. */
  frames = 0;
  decodeErrors = 0;
  messages = 0;
  private readonly sinks: Sink[];
  private readonly timeSinks: Sink[];
  private readonly decodedSinks: Sink[];
  private readonly frameSinks: Sink[];
  private readonly receivedSinks: Sink[];
  private readonly countedSinks: Sink[];
  private readonly analyze: boolean;

  constructor(options: Partial<RunOptions> = {}) {
    this.sinks = options.sinks ?? [];
    this.analyze = options.analyze ?? true;
    this.frameSinks = this.sinks.filter((sink) => sink.frame !== undefined);
    this.timeSinks = this.sinks.filter((sink) => sink.beforeTime !== undefined);
    this.decodedSinks = this.sinks.filter((sink) => sink.decoded !== undefined);
    this.receivedSinks = this.sinks.filter((sink) => sink.received !== undefined);
    this.countedSinks = this.sinks.filter((sink) => sink.counted !== undefined);
    const changeSinks = this.sinks.filter((sink) => sink.change !== undefined);
    this.analyzer = new NetworkAnalyzer({
      topology: options.topology ?? null,
      flowsFrom: options.flowsFrom ?? 'packets',
      onChange: changeSinks.length === 0 ? null : (entry) => {
        for (const sink of changeSinks) sink.change!(entry);
      },
    });
  }

  /** One frame from the source: decoded, analyzed, and handed to the sinks. */
  frame(frame: Frame, input = 0): FrameResult {
    for (const sink of this.frameSinks) sink.frame!(frame, input);
    if (this.analyze) this.stepTo(frameTime(frame));
    const result = decodeFrame(frame);
    this.frames++;
    if (!result.ok || hasBadChecksum(result.packet.message)) this.decodeErrors++;
    else if (isControl(result.packet.message.kind)) this.messages++;
    if (this.analyze) this.analyzer.onFrame(result);
    for (const sink of this.decodedSinks) sink.decoded!(result);
    return result;
  }

  /** A probe's packet (a collector's run, in packet-time order with the probes' other records). */
  probePacket(packet: Packet): void {
    this.stepTo(packet.time);
    if (isControl(packet.message.kind) && !hasBadChecksum(packet.message)) this.messages++;
    this.analyzer.onFrame({ ok: true, packet });
    for (const sink of this.receivedSinks) sink.received!(packet);
  }

  /** A probe's flow changes, each at its time. */
  probeFlowChanges(changes: readonly FlowChange[]): void {
    for (const change of changes) {
      this.stepTo(change.time);
      this.analyzer.onProbeFlowChanges([change]);
    }
  }

  /** What a probe counted on `link` by `time` (a whole second, or its last frame's time at its end). */
  probeFlowState(time: number, link: string, state: ProbeFlowState, counts: readonly SecondCounts[]): void {
    this.stepTo(time);
    this.analyzer.onProbeFlowState(time, state);
    for (const count of counts) {
      this.frames += count.frames;
      this.decodeErrors += count.decodeErrors;
    }
    const seen = state.links.find((entry) => entry.link === link) ?? null;
    for (const sink of this.countedSinks) sink.counted!(link, counts, seen);
  }

  /** Packet time moves on without frames (a quiet live capture, the end of `--at`): timers run. */
  advance(now: number): void {
    this.stepTo(now);
    this.analyzer.advance(now);
  }

  /** Waits until every sink can take more. */
  async drain(): Promise<void> {
    for (const sink of this.sinks) await sink.drain?.();
  }

  async finish(end: RunEnd = 'complete'): Promise<void> {
    for (const sink of this.sinks) await sink.finish?.(end, this.analyzer);
  }

  private stepTo(time: number): void {
    if (this.timeSinks.length === 0) return;
    const from = this.analyzer.time;
    if (Number.isFinite(from)) {
      const last = Math.min(time, Math.floor(from) + MAX_SILENCE_STEPS);
      for (let second = Math.floor(from) + 1; second < last; second++) {
        this.tellTime(second);
        this.analyzer.advance(second);
      }
    }
    this.tellTime(time);
  }

  private tellTime(time: number): void {
    for (const sink of this.timeSinks) sink.beforeTime!(time, this.analyzer);
  }
}

const isControl = (kind: string) => kind.startsWith('igmp.') || kind.startsWith('mld.') || kind.startsWith('pim.');
