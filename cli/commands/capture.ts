/**
 * `mcast capture --iface IF [--iface LINK=IF ...] [--filter BPF] [--duration S] [--write FILE.pcapng] [--json]
 *   [--db FILE] [--serve [--port P] [--host H]]`:
 * live capture through the same decoders and state machines as `mcast analyze`.
 *
 * Time: each frame is stamped on arrival by one monotonic clock anchored to the epoch, and the same
 * clock advances the analyzer once a second, so membership and PIM timers expire while the link is
 * silent, and a frame is never older than the last advance.
 * Loss: the kernel's receive counters per interface (interface-counters.ts), RTP/MPEG-TS gaps per
 * flow, and warnings when the capture falls behind: event-loop lag, and bursts of frames read at
 * once that fill a large part of libpcap's ring (what libpcap drops itself cannot be seen).
 * Output: a summary at the end (text, or with --json one JSON object per line: `started`, every
 * `change` as it happens, a `status` each second, and the `summary` with the final snapshot).
 * --db writes the live analysis into the SQLite store through the store's own feed (facts,
 * changes, messages, per-second counters), closed as `complete` after --duration or `stopped` on a
 * signal; --serve runs the dashboard in-process over that store (a temporary one without --db) and
 * publishes every change and, once a second, the flow rates to its live hub.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { decodeFrame, type FrameResult } from '../../capture/decode.js';
import type { Frame } from '../../capture/frame.js';
import { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { TimelineEntry, TimelineListener } from '../../capture/model/timeline.js';
import { counterDelta, kernelDrops, readInterfaceCounters, type InterfaceCounters } from '../../capture/sources/interface-counters.js';
import {
  DEFAULT_FILTER, EpochClock, estimateRing, LiveCapture, LiveCaptureError, parseInterfaceSpec, type InterfaceSpec, type LiveFrameHandler,
} from '../../capture/sources/live-capture.js';
import { PcapngWriter } from '../../capture/sources/pcapng-writer.js';
import { CliError } from '../../capture/input-error.js';
import { countersOf, LiveHub } from '../../server/live/hub.js';
import { StoreFeed } from '../../pipeline/analyze-into-store.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { formatTable } from './format-table.js';
import { startServer, type RunningServer } from './serve.js';

export interface CaptureOptions {
  interfaces: string[];
  filter: string | null;
  duration: number | null;
  write: string | null;
  json: boolean;
  bufferSize: number;
  /** SQLite store to write the live analysis into (as `mcast analyze --db` does for files). */
  db: string | null;
  /** Serve the dashboard, API and live events over that store while capturing. */
  serve: boolean;
  port: number;
  host: string;
}

export const ADVANCE_INTERVAL_MS = 1000;
/** Text mode prints a status line this often; --json prints one every advance. */
const TEXT_STATUS_EVERY = 10;
/** Event-loop delay (p99 over one interval) above which the capture is said to fall behind. */
export const LAG_WARNING_MS = 250;
/** A burst of frames read in one go that fills this share of libpcap's ring is buffer pressure. */
export const BUFFER_PRESSURE_SHARE = 0.5;
const WARNING_REPEAT_SECONDS = 10;

export interface LinkInfo {
  link: string;
  device: string;
  linkType: number;
}

export interface LinkCounters {
  link: string;
  device: string;
  frames: number;
  /** Kernel counters over the capture (null when the interface has no /sys statistics). */
  kernel: InterfaceCounters | null;
  kernelDrops: number | null;
}

/**
 * Where decoded frames go: the analyzer alone, or the store's feed (server/store/analyze-into-store.ts,
 * StoreFeed), which runs its own analyzer and writes what it finds.
 */
export interface AnalysisFeed {
  readonly analyzer: NetworkAnalyzer;
  onFrame(result: FrameResult): void;
  /** Time moves on without frames: timers run. */
  tick(now: number): void;
}

export function analyzerFeed(onChange: TimelineListener | null): AnalysisFeed {
  const analyzer = new NetworkAnalyzer({ onChange });
  return { analyzer, onFrame: (result) => analyzer.onFrame(result), tick: (now) => analyzer.advance(now) };
}

/**
 * One live run's analysis, independent of where frames come from (cap, or a test): frames in,
 * an advance once a second, a snapshot and counts out. Every frame also goes to the pcapng writer.
 */
export class LiveAnalysis {
  readonly analyzer: NetworkAnalyzer;
  frames = 0;
  decodeErrors = 0;
  /** IGMP, MLD and PIM messages. */
  messages = 0;
  readonly framesPerLink: number[];

  constructor(readonly links: readonly LinkInfo[], private readonly writer: PcapngWriter | null, private readonly feed: AnalysisFeed) {
    this.analyzer = feed.analyzer;
    this.framesPerLink = links.map(() => 0);
  }

  onFrame(frame: Frame, interfaceIndex: number): void {
    this.frames++;
    this.framesPerLink[interfaceIndex]!++;
    this.writer?.write({ interfaceId: interfaceIndex, seconds: frame.seconds, nanos: frame.nanos, data: frame.data, originalLength: frame.originalLength });
    const result = decodeFrame(frame);
    if (!result.ok) this.decodeErrors++;
    else if (isControl(result.packet.message.kind)) this.messages++;
    this.feed.onFrame(result);
  }

  advance(now: number): void {
    this.feed.tick(now);
  }

  snapshot(at: number): NetworkSnapshot {
    return this.analyzer.snapshot(at);
  }
}

const isControl = (kind: string) => kind.startsWith('igmp.') || kind.startsWith('mld.') || kind.startsWith('pim.');

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

export interface CaptureSummary {
  type: 'summary';
  started: number;
  ended: number;
  frames: number;
  messages: number;
  decodeErrors: number;
  flows: number;
  links: LinkCounters[];
  sequenceGaps: number;
  lostPackets: number;
  maxEventLoopLagMs: number;
  maxBurstFrames: number;
  written: string | null;
  snapshot: NetworkSnapshot;
}

export function parseInterfaces(texts: readonly string[]): InterfaceSpec[] {
  if (texts.length === 0) throw new CliError('capture needs at least one --iface IF (or --iface LINK=IF); `mcast interfaces` lists them');
  const specs = texts.map((text) => parseInterfaceSpec(text) ?? (() => { throw new CliError(`--iface ${text}: expected IF or LINK=IF`); })());
  const links = new Set<string>();
  for (const spec of specs) {
    if (links.has(spec.link)) throw new CliError(`--iface: link name ${spec.link} used twice`);
    links.add(spec.link);
  }
  return specs;
}

async function readAllCounters(specs: readonly InterfaceSpec[]): Promise<(InterfaceCounters | null)[]> {
  return Promise.all(specs.map((spec) => readInterfaceCounters(spec.device)));
}

function linkCounters(analysis: LiveAnalysis, first: readonly (InterfaceCounters | null)[], last: readonly (InterfaceCounters | null)[]): LinkCounters[] {
  return analysis.links.map((link, index) => {
    const before = first[index] ?? null;
    const after = last[index] ?? null;
    const kernel = before !== null && after !== null ? counterDelta(after, before) : null;
    return { link: link.link, device: link.device, frames: analysis.framesPerLink[index]!, kernel, kernelDrops: kernel === null ? null : kernelDrops(kernel) };
  });
}

export function buildSummary(analysis: LiveAnalysis, times: { started: number; ended: number }, links: LinkCounters[], health: { maxLagMs: number; maxBurstFrames: number }, written: string | null): CaptureSummary {
  const snapshot = analysis.snapshot(times.ended);
  const flowDetails = analysis.analyzer.flows.snapshot(times.ended);
  return {
    type: 'summary', started: times.started, ended: times.ended,
    frames: analysis.frames, messages: analysis.messages, decodeErrors: analysis.decodeErrors, flows: snapshot.flows.length, links,
    sequenceGaps: flowDetails.reduce((sum, flow) => sum + flow.sequenceGaps, 0),
    lostPackets: flowDetails.reduce((sum, flow) => sum + flow.lostPackets, 0),
    maxEventLoopLagMs: Math.round(health.maxLagMs), maxBurstFrames: health.maxBurstFrames, written, snapshot,
  };
}

export function formatSummary(summary: CaptureSummary): string {
  const seconds = (summary.ended - summary.started).toFixed(1);
  const lines = [
    `captured ${seconds} s: ${summary.frames} frames, ${summary.messages} IGMP/MLD/PIM messages, ${summary.decodeErrors} decode errors, ${summary.flows} flows`,
    '',
    formatTable(['link', 'device', 'frames', 'kernel rx', 'dropped', 'missed', 'fifo'], summary.links.map((link) => [
      link.link, link.device, link.frames, link.kernel?.rxPackets ?? '-', link.kernel?.rxDropped ?? '-', link.kernel?.rxMissed ?? '-', link.kernel?.rxFifoErrors ?? '-',
    ])),
    `(kernel counters over the capture count every frame on the interface, not only those the filter keeps; drops inside libpcap's buffer are not visible)`,
    '',
    'membership at the end',
    summary.snapshot.memberships.length === 0 ? '  (none)' : formatTable(['link', 'group', 'mode', 'sources', 'reporters', 'ver'], summary.snapshot.memberships.map((m) => [
      m.link, m.group, m.mode, m.sources.join(' ') || '-', m.reporters.join(' ') || '-', m.version,
    ])),
    '',
    'flows',
    summary.snapshot.flows.length === 0 ? '  (none)' : formatTable(['link', 'source', 'group', 'packets', 'pps', 'format', 'gaps', 'lost'], summary.snapshot.flows.map((f) => [
      f.link, f.source, f.group, f.packets, f.pps, f.payloadFormat ?? '-', f.sequenceGaps ?? '-', f.lostPackets ?? '-',
    ])),
  ];
  if (summary.maxEventLoopLagMs >= LAG_WARNING_MS) lines.push('', `the capture fell behind: event-loop lag up to ${summary.maxEventLoopLagMs} ms`);
  if (summary.written !== null) lines.push('', `written to ${summary.written}`);
  return lines.join('\n');
}

/** Writes a line to stdout; --json lines are single JSON objects. */
function emitJson(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function openWriter(path: string, links: readonly LinkInfo[]): { writer: PcapngWriter; stream: WriteStream; failure: Promise<never> } {
  const stream = createWriteStream(path);
  const failure = new Promise<never>((_resolve, reject) => stream.once('error', (error) => reject(new CliError(`cannot write ${path}: ${error.message}`, 1))));
  failure.catch(() => undefined);
  return { writer: new PcapngWriter(stream, links.map((link) => ({ name: link.link, linkType: link.linkType, snaplen: 65535 }))), stream, failure };
}

/** Resolves on SIGINT, SIGTERM or after `duration` seconds; the returned function removes the handlers. */
function stopSignal(duration: number | null): { stopped: Promise<string>; dispose: () => void } {
  let dispose = () => {};
  const stopped = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => resolve(signal);
    const timer = duration === null ? null : setTimeout(() => resolve('duration'), duration * 1000);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    dispose = () => {
      if (timer !== null) clearTimeout(timer);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  });
  return { stopped, dispose };
}

/** The store a live run writes into (--db, or a temporary one for --serve alone) and the server over it. */
interface LiveStore {
  store: SqliteStore;
  feed: StoreFeed;
  hub: LiveHub | null;
  /** Removed at the end (the temporary store behind --serve without --db). */
  temporaryDir: string | null;
}

async function openLiveStore(options: CaptureOptions, specs: readonly InterfaceSpec[], onChange: TimelineListener | null): Promise<LiveStore | null> {
  if (options.db === null && !options.serve) return null;
  const temporaryDir = options.db === null ? await mkdtemp(join(tmpdir(), 'mcast-capture-')) : null;
  const path = options.db ?? join(temporaryDir!, 'live.sqlite');
  let store: SqliteStore;
  try {
    store = await SqliteStore.open(path);
  } catch (error) {
    if (temporaryDir !== null) await rm(temporaryDir, { recursive: true, force: true });
    throw new CliError(`cannot open database ${path}: ${(error as Error).message}`, 1);
  }
  const hub = options.serve ? new LiveHub() : null;
  const writer = store.writer();
  // A live run is never the same input twice: its fingerprint names the run.
  await writer.begin(`live:${specs.map((spec) => spec.link).join(',')}`, `live:${hostname()}:${process.pid}:${Date.now()}`);
  const feed = new StoreFeed(writer, {
    onChange: (entry) => {
      onChange?.(entry);
      hub?.publishEntry(entry, writer.captureId);
    },
  });
  return { store, feed, hub, temporaryDir };
}

async function closeLiveStore(live: LiveStore, status: 'complete' | 'stopped' | 'discard'): Promise<void> {
  try {
    if (status === 'discard') await live.feed.writer.discard();
    else await live.feed.finish(status);
  } finally {
    await live.store.close();
    if (live.temporaryDir !== null) await rm(live.temporaryDir, { recursive: true, force: true });
  }
}

export async function captureCommand(options: CaptureOptions): Promise<CaptureSummary> {
  if (options.duration !== null && !(options.duration > 0)) throw new CliError('--duration takes a positive number of seconds');
  const specs = parseInterfaces(options.interfaces);
  const clock = new EpochClock();
  const rings = specs.map((spec) => estimateRing(spec.device, options.bufferSize));
  const health = new CaptureHealth(Math.min(...rings.map((ring) => ring.slots)));
  const onChange = options.json ? (entry: TimelineEntry) => emitJson({ type: 'change', ...entry }) : null;
  const live = await openLiveStore(options, specs, onChange);

  // cap delivers frames only from later turns of the event loop: `deliver` is set before any await.
  let deliver: LiveFrameHandler = () => {};
  let capture: LiveCapture;
  try {
    capture = new LiveCapture(specs, { filter: options.filter ?? DEFAULT_FILTER, bufferSize: options.bufferSize, clock }, (frame, index) => deliver(frame, index));
  } catch (error) {
    health.stop();
    if (live) await closeLiveStore(live, 'discard');
    if (error instanceof LiveCaptureError) throw new CliError(`cannot capture: ${error.message}`, 1);
    throw error;
  }
  const links: LinkInfo[] = capture.interfaces.map(({ link, device, linkType }) => ({ link, device, linkType }));
  const output = options.write === null ? null : openWriter(options.write, links);
  const analysis = new LiveAnalysis(links, output?.writer ?? null, live?.feed ?? analyzerFeed(onChange));
  deliver = (frame, index) => {
    health.onFrame();
    analysis.onFrame(frame, index);
  };
  const started = clock.now();

  let server: RunningServer | null = null;
  if (live?.hub) {
    try {
      server = await startServer(live.store, { port: options.port, host: options.host, hub: live.hub });
    } catch (error) {
      capture.close();
      health.stop();
      await closeLiveStore(live, 'discard');
      throw error;
    }
  }
  const firstCounters = await readAllCounters(specs);
  rings.forEach((ring, index) => {
    if (ring.offloads?.length && ring.slotsWithoutOffloads > 2 * ring.slots) {
      const device = specs[index]!.device;
      process.stderr.write(`mcast: note: ${device} has ${ring.offloads.join(', ')} on, so libpcap's ring holds only about ${ring.slots} frames; `
        + `\`ethtool -K ${device} gro off gso off tso off\` lets it hold about ${ring.slotsWithoutOffloads}\n`);
    }
  });
  const where = links.map((link) => (link.link === link.device ? link.link : `${link.link}=${link.device}`)).join(', ');
  if (options.json) {
    emitJson({
      type: 'started', time: started, interfaces: links.map((link, index) => ({ ...link, ringFrames: rings[index]!.slots })), filter: options.filter ?? DEFAULT_FILTER,
      db: options.db, captureId: live?.feed.writer.captureId ?? null, url: server?.url ?? null,
    });
  } else {
    process.stderr.write(`mcast: capturing on ${where}${options.db ? ` into ${options.db}` : ''}${server ? `, dashboard at ${server.url}` : ''} (Ctrl-C to stop)\n`);
  }

  const lastWarning = new Map<string, number>();
  const warn = (kind: string, message: string, now: number) => {
    if (now - (lastWarning.get(kind) ?? -Infinity) < WARNING_REPEAT_SECONDS) return;
    lastWarning.set(kind, now);
    process.stderr.write(`mcast: warning: ${message}\n`);
  };
  let ticks = 0;
  let tickRunning = false;
  let stopping = false;
  const tick = async () => {
    if (tickRunning) return;
    tickRunning = true;
    const now = clock.now();
    analysis.advance(now);
    if (live?.hub) live.hub.publishCounters(countersOf(now, analysis.snapshot(now).flows));
    const { lagMs, ringShare } = health.sample();
    if (lagMs >= LAG_WARNING_MS) warn('lag', `the capture is falling behind: the event loop was ${Math.round(lagMs)} ms late`, now);
    if (ringShare >= BUFFER_PRESSURE_SHARE) warn('ring', `libpcap's buffer was about ${Math.round(ringShare * 100)} % full in one read: frames may be dropped unseen (a larger buffer helps)`, now);
    const counters = linkCounters(analysis, firstCounters, await readAllCounters(specs));
    if (stopping) return; // the summary has the last word
    for (const link of counters) if (link.kernelDrops) warn(`drops-${link.link}`, `${link.device}: the kernel dropped ${link.kernelDrops} frames on receive so far`, now);
    if (options.json) emitJson({ type: 'status', time: now, frames: analysis.frames, messages: analysis.messages, lagMs: Math.round(lagMs), links: counters });
    else if (++ticks % TEXT_STATUS_EVERY === 0) {
      process.stderr.write(`mcast: ${new Date(now * 1000).toISOString()} ${analysis.frames} frames, ${analysis.messages} messages, ${analysis.analyzer.flows.snapshot(now).length} flows\n`);
    }
    tickRunning = false;
  };
  const ticker = setInterval(() => void tick(), ADVANCE_INTERVAL_MS);

  const { stopped, dispose } = stopSignal(options.duration);
  let reason: string;
  try {
    reason = output ? await Promise.race([stopped, output.failure]) : await stopped;
  } finally {
    stopping = true;
    dispose();
    clearInterval(ticker);
    capture.close();
    health.stop();
  }
  const ended = clock.now();
  analysis.advance(ended);
  const counters = linkCounters(analysis, firstCounters, await readAllCounters(specs));
  const summary = buildSummary(analysis, { started, ended }, counters, { maxLagMs: health.maxLagMs, maxBurstFrames: health.maxBurstFrames }, options.write);
  try {
    if (output) await Promise.race([output.writer.end(), output.failure]);
  } finally {
    await server?.close();
    if (live) await closeLiveStore(live, reason === 'duration' ? 'complete' : 'stopped');
  }
  if (options.json) emitJson(summary);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  return summary;
}
