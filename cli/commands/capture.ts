/**
 * `mcast capture --iface IF [--iface LINK=IF ...] [--filter BPF] [--duration S] [--write FILE.pcapng] [--json]
 *   [--db FILE] [--serve [--port P] [--host H]]`:
 * live capture through the same run as `mcast analyze` (pipeline/): the live source (its clock
 * moves packet time on once a second) with the sinks the options ask for — the store (--db, or a
 * temporary one behind --serve), the live hub the dashboard listens to (--serve), a pcapng file
 * (--write), and with --json a JSON line per change. Findings (capture/findings/) are told as they open
 * and close: pushed to the dashboard, a JSON line each with --json, else errors and warnings on stderr.
 *
 * Output: a summary at the end (text, or with --json one JSON object per line: `started`, every
 * `change` and `finding` as it happens, a `status` each second, and the `summary` with the final snapshot), and
 * warnings on stderr when the capture falls behind (pipeline/live-source.ts says what can be seen).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../capture/input-error.js';
import { DEFAULT_FILTER, EpochClock, LiveCaptureError, parseInterfaceSpec, type InterfaceSpec } from '../../capture/sources/live-capture.js';
import { LiveSource, type LiveTick } from '../../pipeline/live-source.js';
import { AnalysisRun, type RunEnd, type Sink } from '../../pipeline/run.js';
import type { FindingListener } from '../../capture/findings/tracker.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import { liveSink } from '../../pipeline/sinks/live-sink.js';
import { PcapngSink } from '../../pipeline/sinks/pcapng-sink.js';
import { ProbeSink } from '../../pipeline/sinks/probe-sink.js';
import { NatsPublisher } from '../../pipeline/probe/nats.js';
import { StoreSink } from '../../pipeline/sinks/store-sink.js';
import { LiveHub } from '../../server/live/hub.js';
import type { SqlStore } from '../../store/sql-store.js';
import { openStore } from '../open-store.js';
import { buildSummary, formatSummary, LAG_WARNING_MS, type CaptureSummary } from '../output/capture-summary.js';
import { escapeControl } from '../output/escape.js';
import { startServer, type ListenOptions, type RunningServer } from './serve.js';

export interface CaptureOptions extends ListenOptions {
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
  /** Publish as a probe (--publish URL --probe NAME) for mcast collect. */
  publish: { url: string; probe: string } | null;
}

/** Text mode prints a status line this often (ticks); --json prints one every tick. */
const TEXT_STATUS_EVERY = 10;
/** A burst of frames read in one go that fills this share of libpcap's ring is buffer pressure. */
export const BUFFER_PRESSURE_SHARE = 0.5;
const WARNING_REPEAT_SECONDS = 10;

export function parseInterfaces(texts: readonly string[]): InterfaceSpec[] {
  if (texts.length === 0) throw new InputError('capture needs at least one --iface IF (or --iface LINK=IF); `mcast interfaces` lists them', 'usage');
  const specs = texts.map((text) => parseInterfaceSpec(text) ?? (() => { throw new InputError(`--iface ${text}: expected IF or LINK=IF`, 'usage'); })());
  const links = new Set<string>();
  for (const spec of specs) {
    if (links.has(spec.link)) throw new InputError(`--iface: link name ${spec.link} used twice`, 'usage');
    links.add(spec.link);
  }
  return specs;
}

/** Writes a line to stdout; --json lines are single JSON objects. */
function emitJson(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
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

/** The store a live run writes into (--db, or a temporary one for --serve alone), and the hub its server listens to. */
interface LiveStore {
  store: SqlStore;
  sink: StoreSink;
  hub: LiveHub | null;
  /** Removed at the end (the temporary store behind --serve without --db). */
  temporaryDir: string | null;
}

/** How a live run tells its findings: to the dashboard's hub, and as JSON lines or stderr lines. */
function findingTeller(options: CaptureOptions, hub: LiveHub | null): (captureId: number | null) => FindingListener {
  return (captureId) => (time, change, finding) => {
    hub?.publishFinding({ captureId, time, change, finding });
    if (options.json) emitJson({ type: 'finding', time, change, captureId, finding });
    else if (change === 'opened' && finding.severity !== 'info') process.stderr.write(`mcast: ${finding.severity}: ${finding.kind}: ${escapeControl(finding.explanation)}\n`);
  };
}

async function openLiveStore(options: CaptureOptions, specs: readonly InterfaceSpec[]): Promise<LiveStore | null> {
  if (options.db === null && !options.serve) return null;
  const temporaryDir = options.db === null ? await mkdtemp(join(tmpdir(), 'mcast-capture-')) : null;
  const path = options.db ?? join(temporaryDir!, 'live.sqlite');
  let store: SqlStore;
  try {
    store = await openStore(path);
  } catch (error) {
    if (temporaryDir !== null) await rm(temporaryDir, { recursive: true, force: true });
    throw error;
  }
  const hub = options.serve ? new LiveHub() : null;
  // A live run is never the same input twice: its fingerprint names the run.
  const sink = await StoreSink.begin(store, { source: `live:${specs.map((spec) => spec.link).join(',')}`, fingerprint: `live:${hostname()}:${process.pid}:${Date.now()}` }, findingTeller(options, hub));
  return { store, sink, hub, temporaryDir };
}

async function closeLiveStore(live: LiveStore): Promise<void> {
  await live.store.close();
  if (live.temporaryDir !== null) await rm(live.temporaryDir, { recursive: true, force: true });
}

/** Warnings on stderr, each kind at most every WARNING_REPEAT_SECONDS. */
function warner(): (kind: string, message: string, now: number) => void {
  const lastWarning = new Map<string, number>();
  return (kind, message, now) => {
    if (now - (lastWarning.get(kind) ?? -Infinity) < WARNING_REPEAT_SECONDS) return;
    lastWarning.set(kind, now);
    process.stderr.write(`mcast: warning: ${escapeControl(message)}\n`);
  };
}

export async function captureCommand(options: CaptureOptions): Promise<CaptureSummary> {
  const specs = parseInterfaces(options.interfaces);
  const live = await openLiveStore(options, specs);

  let source: LiveSource;
  try {
    source = await LiveSource.open(specs, { filter: options.filter ?? DEFAULT_FILTER, bufferSize: options.bufferSize, clock: new EpochClock() });
  } catch (error) {
    if (live) {
      await live.sink.discard();
      await closeLiveStore(live);
    }
    if (error instanceof LiveCaptureError) throw new InputError(`cannot capture: ${error.message}`);
    throw error;
  }
  const sinks: Sink[] = [live ? live.sink : new FindingsSink(findingTeller(options, null)(null))];
  if (live?.hub) sinks.push(liveSink(live.hub, { captureId: live.sink.captureId, counters: true }));
  if (options.json) sinks.push({ change: (entry) => emitJson({ type: 'change', ...entry }) });
  const pcapng = options.write === null ? null : new PcapngSink(options.write, source.links);
  if (pcapng) sinks.push(pcapng);
  // A live probe never waits for the server: records queue (bounded) while it is away, and the rest are counted as dropped.
  let publisher: NatsPublisher | null = null;
  if (options.publish) {
    try {
      publisher = await NatsPublisher.open(options.publish.url, options.publish.probe, { waitForServer: true });
    } catch (error) {
      source.close();
      if (live) {
        await live.sink.discard();
        await closeLiveStore(live);
      }
      throw error;
    }
    sinks.push(new ProbeSink(options.publish.probe, publisher));
  }
  const run = new AnalysisRun({ sinks });

  let server: RunningServer | null = null;
  if (live?.hub) {
    try {
      server = await startServer(live.store, { ...options, hub: live.hub });
    } catch (error) {
      source.close();
      await live.sink.discard();
      await closeLiveStore(live);
      throw error;
    }
  }
  for (const { device, ring } of source.links) {
    if (ring.offloads?.length && ring.slotsWithoutOffloads > 2 * ring.slots) {
      const shown = escapeControl(device);
      process.stderr.write(`mcast: note: ${shown} has ${ring.offloads.join(', ')} on, so libpcap's ring holds only about ${ring.slots} frames; `
        + `\`ethtool -K ${shown} gro off gso off tso off\` lets it hold about ${ring.slotsWithoutOffloads}\n`);
    }
  }
  const where = source.links.map((link) => (link.link === link.device ? link.link : `${link.link}=${link.device}`)).join(', ');
  if (options.json) {
    emitJson({
      type: 'started', time: source.started,
      interfaces: source.links.map(({ link, device, linkType, ring }) => ({ link, device, linkType, ringFrames: ring.slots })),
      filter: options.filter ?? DEFAULT_FILTER, db: options.db, captureId: live?.sink.captureId ?? null, url: server?.url ?? null,
    });
  } else {
    process.stderr.write(`mcast: capturing on ${escapeControl(where)}${options.db ? ` into ${escapeControl(options.db)}` : ''}${server ? `, dashboard at ${server.url}` : ''} (Ctrl-C to stop)\n`);
  }

  const warn = warner();
  let ticks = 0;
  let tickRunning = false;
  let stopping = false;
  const onTick = async ({ now, lagMs, ringShare }: LiveTick) => {
    if (tickRunning) return;
    tickRunning = true;
    if (lagMs >= LAG_WARNING_MS) warn('lag', `the capture is falling behind: the event loop was ${Math.round(lagMs)} ms late`, now);
    if (ringShare >= BUFFER_PRESSURE_SHARE) warn('ring', `libpcap's buffer was about ${Math.round(ringShare * 100)} % full in one read: frames may be dropped unseen (a larger buffer helps)`, now);
    const counters = await source.counters();
    if (stopping) return; // the summary has the last word
    for (const link of counters) if (link.kernelDrops) warn(`drops-${link.link}`, `${link.device}: the kernel dropped ${link.kernelDrops} frames on receive so far`, now);
    if (options.json) emitJson({ type: 'status', time: now, frames: run.frames, messages: run.messages, lagMs: Math.round(lagMs), links: counters });
    else if (++ticks % TEXT_STATUS_EVERY === 0) {
      process.stderr.write(`mcast: ${new Date(now * 1000).toISOString()} ${run.frames} frames, ${run.messages} messages, ${run.analyzer.flows.snapshot(now).length} flows\n`);
    }
    tickRunning = false;
  };
  source.attach(run, (tick) => void onTick(tick));

  const { stopped, dispose } = stopSignal(options.duration);
  let end: RunEnd = 'stopped';
  let summary: CaptureSummary;
  try {
    const reason = pcapng ? await Promise.race([stopped, pcapng.failure]) : await stopped;
    if (reason === 'duration') end = 'complete';
  } finally {
    stopping = true;
    dispose();
    const ended = source.close();
    summary = buildSummary(run, { started: source.started, ended }, await source.counters(),
      { maxLagMs: source.health.maxLagMs, maxBurstFrames: source.health.maxBurstFrames }, options.write);
    try {
      await run.finish(end);
    } finally {
      await server?.close();
      if (live) await closeLiveStore(live);
    }
  }
  if (publisher) summary.published = { probe: options.publish!.probe, ...publisher.counts };
  if (options.json) emitJson(summary);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  return summary;
}
