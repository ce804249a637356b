/**
 * The probe and collector ends of the network-wide view (pipeline/probe/, pipeline/collector.ts):
 *
 *   mcast analyze FILE... --publish nats://HOST:PORT --probe NAME [--speed X]   replays capture files as a probe
 *   mcast collect --nats nats://HOST:PORT [--db FILE] [--serve ...] [--probes A,B] [--lateness S] [--name NAME] [--json]
 *
 * The collector runs until every probe named by --probes has ended (or, without it, until SIGINT
 * or SIGTERM), then prints what it took from whom and, with --db, stores the analysis as
 * `mcast analyze --db` does, as the capture `collector:NAME`. With a store, the collector commits a
 * checkpoint of its whole state (pipeline/checkpoint.ts) with the rows it writes, about once a
 * second, and acknowledges the stream up to it: one started again under the same name — after a
 * crash, a SIGKILL or a stop — resumes from that checkpoint and the stream position it holds,
 * nothing lost or counted twice. A stop (SIGINT, SIGTERM) leaves the capture `stopped`, its last
 * seconds (records held for ordering, the open seconds' counters) to the run that resumes it; a
 * capture complete (every --probes probe ended) is analyzed afresh from the stream's start.
 * --serve: the dashboard over that store, with the changes, findings and rates live as the records come.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../capture/input-error.js';
import type { Topology } from '../../capture/model/topology.js';
import { Collector } from '../../pipeline/collector.js';
import { inputsOf, runFiles } from '../../pipeline/file-source.js';
import { NatsPublisher, RecordStream } from '../../pipeline/probe/nats.js';
import { CHECKPOINT_FORMAT, CheckpointError, restoreCheckpoint, takeCheckpoint } from '../../pipeline/checkpoint.js';
import { readCheckpoint, TakenOverError, type CaptureWriter } from '../../store/capture-writer.js';
import { isProbeName } from '../../pipeline/probe/records.js';
import { AnalysisRun, type Sink } from '../../pipeline/run.js';
import { ProbeSink } from '../../pipeline/sinks/probe-sink.js';
import { StoreSink } from '../../pipeline/sinks/store-sink.js';
import { findingPublisher, liveSink } from '../../pipeline/sinks/live-sink.js';
import { LiveHub } from '../../server/live/hub.js';
import { startServer, type ListenOptions, type RunningServer } from './serve.js';
import { openStore } from '../open-store.js';
import { escapeControl } from '../output/escape.js';
import { isoTime } from '../output/snapshot-text.js';
import { warnProblem } from './analyze.js';

/** Records between two waits for the store. */
const DRAIN_EVERY = 1000;
/** Wall-clock milliseconds between two checkpoints (at least: see `checkpoint`), each committed with the rows pending. */
const CHECKPOINT_MS = 1000;
/** Pending rows that make a checkpoint due whatever its cost (they wait in memory until one). */
const CHECKPOINT_ROWS = 500_000;
/** The share of the collector's time checkpoints may take: a state that takes long to checkpoint is checkpointed less often. */
const CHECKPOINT_SHARE = 0.1;
/** A collector's writer commits only with checkpoints. */
const CHECKPOINTED_WRITES = { flushRows: Infinity, flushMs: Infinity };

export function parseProbeName(option: string, text: string): string {
  if (!isProbeName(text)) throw new InputError(`${option} must be 1 to 64 letters, digits, '-' or '_', not '${text}'`, 'usage');
  return text;
}

export async function publishFiles(paths: string[], options: { url: string; probe: string; topology: Topology | null; json: boolean; speed: number | null }): Promise<void> {
  const publisher = await NatsPublisher.open(options.url, options.probe);
  const sink = new ProbeSink(options.probe, publisher);
  const run = new AnalysisRun({ topology: options.topology, sinks: [sink] });
  const result = await runFiles(inputsOf(paths), run, { speed: options.speed });
  for (const problem of result.problems) warnProblem(problem);
  await run.finish();
  const summary = { probe: options.probe, url: options.url, frames: run.frames, records: sink.records, ...publisher.counts };
  process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n`
    : `probe ${summary.probe}: ${summary.frames} frames, ${summary.published} of ${summary.records} records published to ${escapeControl(options.url)}`
      + `${summary.dropped > 0 ? `, ${summary.dropped} dropped (queue full)` : ''}${summary.retries > 0 ? `, ${summary.retries} retries` : ''}\n`);
}

/** A clock offset in words: `0.012 s ahead of` / `0.3 s behind`. */
function formatOffset(seconds: number): string {
  return `${Math.abs(seconds).toFixed(3)} s ${seconds >= 0 ? 'ahead of' : 'behind'}`;
}

export interface CollectOptions extends Partial<ListenOptions> {
  /** Serve the dashboard, API and live events over the collector's store (a temporary one without --db). */
  serve: boolean;
  nats: string;
  db: string | null;
  probes: string[] | null;
  lateness: number;
  /** The collector's name: its capture in the store is `collector:NAME`. */
  name: string;
  json: boolean;
}

export async function collectCommand(options: CollectOptions): Promise<void> {
  const temporaryDir = options.db === null && options.serve ? await mkdtemp(join(tmpdir(), 'mcast-collect-')) : null;
  const path = options.db ?? (temporaryDir === null ? null : join(temporaryDir, 'collector.sqlite'));
  const store = path === null ? null : await openStore(path);
  let server: RunningServer | null = null;
  let stream: RecordStream | null = null;
  let writer: CaptureWriter | null = null;
  try {
    const fingerprint = `collector:${options.name}`;
    const saved = store === null ? null : await readCheckpoint(store.db, fingerprint);
    const resume = saved !== null && saved.status !== 'complete' && saved.format === CHECKPOINT_FORMAT ? saved : null;
    if (saved !== null && saved.format !== CHECKPOINT_FORMAT) {
      process.stderr.write(`mcast: the checkpoint of ${fingerprint} was written by another mcast (${escapeControl(saved.format)}): analyzing the stream from its start\n`);
    }
    const sinks: Sink[] = [];
    const hub = options.serve ? new LiveHub() : null;
    const onFinding = hub ? (captureId: number) => findingPublisher(hub, captureId) : undefined;
    const storeSink = store === null ? null
      : resume !== null ? StoreSink.forCheckpoint(store, resume.captureId, onFinding, CHECKPOINTED_WRITES)
        : await StoreSink.begin(store, { source: fingerprint, fingerprint }, onFinding, CHECKPOINTED_WRITES);
    if (storeSink) sinks.push(storeSink);
    writer = storeSink?.writer ?? null;
    if (hub && storeSink) sinks.push(liveSink(hub, { captureId: storeSink.captureId, counters: true }));
    if (resume === null) await storeSink?.writer.claim();
    const run = new AnalysisRun({ flowsFrom: 'probes', sinks });
    const collectorOptions = { lateness: options.lateness, expectedProbes: options.probes };
    const collector = new Collector(run, collectorOptions);
    stream = await RecordStream.open(options.nats, `mcast-collect-${options.name}`, resume?.position ?? 0);
    const consumer = stream;
    const root = { run, collector, storeSink, consumed: consumer.counts };
    if (resume !== null) {
      try {
        restoreCheckpoint(root, resume.state);
      } catch (error) {
        if (!(error instanceof CheckpointError)) throw error;
        throw new InputError(`cannot resume ${fingerprint} from its checkpoint (${error.message}); collect under another --name, or delete capture ${resume.captureId}`);
      }
      collector.reconfigure(collectorOptions);
      await storeSink!.writer.resumeCapture();
      process.stderr.write(`mcast: resuming capture ${resume.captureId} from stream position ${resume.position}`
        + `${resume.packetTime === null ? '' : ` (packet time ${isoTime(resume.packetTime)})`}\n`);
    }
    if (hub && storeSink) {
      server = await startServer(store!, { port: options.port ?? 8080, host: options.host ?? '127.0.0.1', allowHosts: options.allowHosts, allowOrigins: options.allowOrigins, hub });
      process.stderr.write(`mcast: collecting from ${escapeControl(options.nats)}, dashboard at ${server.url} (Ctrl-C to stop)\n`);
    }
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => { stop = resolve; });
    let signalled = false;
    const onSignal = () => { signalled = true; stop(); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);

    const checkpoints = storeSink === null ? null : new Checkpoints(storeSink.writer, consumer, () => takeCheckpoint(root), run);
    // Records may stop coming for a while (probes quiet, or waited for): what is pending is committed meanwhile.
    const ticking = checkpoints === null ? null : setInterval(() => {
      if (checkpoints.due()) void checkpoints.take().catch(() => stop());
    }, CHECKPOINT_MS / 4);
    let taken = 0;
    await consumer.read(async (record, storedAt) => {
      collector.take(record, storedAt);
      if (++taken % DRAIN_EVERY === 0) await run.drain();
      if (checkpoints?.due()) await checkpoints.take();
      if (options.probes !== null && collector.allEnded) stop();
    }, stopped).finally(() => {
      if (ticking !== null) clearInterval(ticking);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    await checkpoints?.settled();
    const consumed = consumer.counts;
    if (signalled && storeSink !== null) {
      // Stopped, not finished: the state is committed to go on from (the records still held for ordering, the open seconds).
      await checkpoints!.take();
      storeSink.record = await storeSink.writer.suspend();
    } else {
      await collector.finish(signalled ? 'stopped' : 'complete');
      consumer.acknowledger()();
    }
    const snapshot = run.analyzer.snapshot();
    const summary = {
      resumedFrom: resume?.position ?? null,
      records: collector.records, late: collector.late, unreadable: consumed.unreadable, lastError: consumed.lastError,
      probes: [...collector.probes].map(([name, progress]) => ({
        name, records: progress.records, ended: progress.ended, until: Number.isFinite(progress.watermark) ? progress.watermark : null, clockOffset: progress.clockOffset,
      })),
      /** Seconds from a probe's tick to its second reaching the store and dashboard. */
      delay: collector.delayPercentiles(),
      /** Checkpoints taken by this process: how many, the latest one's size, the longest and total time taking them (ms). */
      checkpoints: checkpoints?.stats() ?? null,
      maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      frames: run.frames, messages: run.messages, links: snapshot.links.length, flows: snapshot.flows.length, routers: snapshot.routers.length,
      capture: storeSink?.record ?? null,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return;
    }
    const lines = [
      `collected ${summary.records} records (${summary.late} late, ${summary.unreadable} unreadable) from ${summary.probes.length} probes: `
        + `${summary.frames} frames, ${summary.messages} messages, ${summary.links} links, ${summary.flows} flows, ${summary.routers} routers`,
      ...summary.probes.map((probe) => `  ${probe.name}: ${probe.records} records, ${probe.ended ? 'ended' : 'running'}${probe.until === null ? '' : ` at ${isoTime(probe.until)}`}`
        + `${probe.clockOffset === null ? '' : `, clock ${formatOffset(probe.clockOffset)} the server's`}`),
    ];
    if (summary.delay !== null) lines.push(`  delay from a probe's second to the store and dashboard: median ${summary.delay.p50.toFixed(3)} s, 99th percentile ${summary.delay.p99.toFixed(3)} s`);
    if (summary.lastError !== null) lines.push(`  last unreadable record: ${escapeControl(summary.lastError)}`);
    if (summary.capture && options.db !== null) lines.push(`stored capture ${summary.capture.id} in ${escapeControl(options.db)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } catch (error) {
    if (error instanceof TakenOverError) throw new InputError(`${error.message}; its checkpoint and store are the later collector's`);
    throw error;
  } finally {
    await writer?.release().catch(() => undefined);
    await stream?.close();
    await server?.close();
    await store?.close();
    if (temporaryDir !== null) await rm(temporaryDir, { recursive: true, force: true });
  }
}

/**
 * When a collector checkpoints (about every CHECKPOINT_MS, less often when taking one is slow,
 * sooner when CHECKPOINT_ROWS rows wait) and how: the state with the rows pending in one commit,
 * then the stream acknowledged up to it. A failed commit (the capture taken over) is kept and
 * thrown again by `take` and `settled`.
 */
class Checkpoints {
  private committing: Promise<void> | null = null;
  private failure: unknown = null;
  private nextAt = performance.now() + CHECKPOINT_MS;
  private taken = 0;
  private lastBytes = 0;
  private maxMs = 0;
  private totalMs = 0;

  constructor(private readonly writer: CaptureWriter, private readonly stream: RecordStream, private readonly state: () => Uint8Array, private readonly run: AnalysisRun) {}

  due(): boolean {
    return performance.now() >= this.nextAt || this.writer.pendingRowCount >= CHECKPOINT_ROWS;
  }

  take(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.committing !== null) return this.committing;
    let acknowledge = () => {};
    let took = 0;
    const committed = this.writer.commitCheckpoint(() => {
      const started = performance.now();
      acknowledge = this.stream.acknowledger();
      const state = this.state();
      took = performance.now() - started;
      this.taken++;
      this.lastBytes = state.length;
      this.maxMs = Math.max(this.maxMs, took);
      this.totalMs += took;
      const time = this.run.analyzer.time;
      return { position: this.stream.counts.position, packetTime: Number.isFinite(time) ? time : null, format: CHECKPOINT_FORMAT, state };
    });
    this.committing = committed.then(() => acknowledge(), (error: unknown) => {
      this.failure ??= error;
      throw error;
    }).finally(() => {
      this.committing = null;
      this.nextAt = performance.now() + Math.max(CHECKPOINT_MS, took / CHECKPOINT_SHARE);
    });
    return this.committing;
  }

  /** Waits for the commit under way; throws if any failed. */
  async settled(): Promise<void> {
    await this.committing?.catch(() => undefined);
    if (this.failure !== null) throw this.failure;
  }

  /** How many this process took, the latest one's size, the longest and total time taking them (ms). */
  stats() {
    return { taken: this.taken, lastBytes: this.lastBytes, maxMs: Math.round(this.maxMs), totalMs: Math.round(this.totalMs) };
  }
}
