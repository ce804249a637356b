/**
 * The probe and collector ends of the network-wide view (pipeline/probe/, pipeline/collector.ts):
 *
 *   mcast analyze FILE... --publish nats://HOST:PORT --probe NAME [--speed X]   replays capture files as a probe
 *   mcast collect --nats nats://HOST:PORT [--db FILE] [--serve ...] [--probes A,B] [--lateness S] [--name NAME] [--json]
 *
 * The collector runs until every probe named by --probes has ended (or, without it, until SIGINT
 * or SIGTERM), then prints what it took from whom and, with --db, stores the analysis as
 * `mcast analyze --db` does, as the capture `collector:NAME`: a collector started again under the
 * same name reads the stream from its start once more and rewrites that capture. --serve: the
 * dashboard over that store, with the changes, findings and rates live as the records come.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../capture/input-error.js';
import type { Topology } from '../../capture/model/topology.js';
import { Collector } from '../../pipeline/collector.js';
import { inputsOf, runFiles } from '../../pipeline/file-source.js';
import { consumeRecords, NatsPublisher } from '../../pipeline/probe/nats.js';
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
/** Wall-clock milliseconds between two writes of what is pending in the store. */
const FLUSH_MS = 1000;

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
  try {
    const sinks: Sink[] = [];
    const hub = options.serve ? new LiveHub() : null;
    const storeSink = store === null ? null
      : await StoreSink.begin(store, { source: `collector:${options.name}`, fingerprint: `collector:${options.name}` }, hub ? (captureId) => findingPublisher(hub, captureId) : undefined);
    if (storeSink) sinks.push(storeSink);
    if (hub && storeSink) {
      sinks.push(liveSink(hub, { captureId: storeSink.captureId, counters: true }));
      server = await startServer(store!, { port: options.port ?? 8080, host: options.host ?? '127.0.0.1', allowHosts: options.allowHosts, allowOrigins: options.allowOrigins, hub });
      process.stderr.write(`mcast: collecting from ${escapeControl(options.nats)}, dashboard at ${server.url} (Ctrl-C to stop)\n`);
    }
    const run = new AnalysisRun({ flowsFrom: 'probes', sinks });
    const collector = new Collector(run, { lateness: options.lateness, expectedProbes: options.probes });
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => { stop = resolve; });
    let signalled = false;
    const onSignal = () => { signalled = true; stop(); };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Records may stop coming for a while (probes quiet, or waited for): what is pending is written meanwhile.
    const flushing = storeSink === null ? null : setInterval(() => void storeSink.writer.flush().catch(() => undefined), FLUSH_MS);
    let taken = 0;
    const consumed = await consumeRecords(options.nats, async (record, storedAt) => {
      collector.take(record, storedAt);
      if (++taken % DRAIN_EVERY === 0) await run.drain();
      if (options.probes !== null && collector.allEnded) stop();
    }, stopped).finally(() => {
      if (flushing !== null) clearInterval(flushing);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    await collector.finish(signalled ? 'stopped' : 'complete');
    const snapshot = run.analyzer.snapshot();
    const summary = {
      records: collector.records, late: collector.late, unreadable: consumed.unreadable, lastError: consumed.lastError,
      probes: [...collector.probes].map(([name, progress]) => ({
        name, records: progress.records, ended: progress.ended, until: Number.isFinite(progress.watermark) ? progress.watermark : null, clockOffset: progress.clockOffset,
      })),
      /** Seconds from a probe's tick to its second reaching the store and dashboard. */
      delay: collector.delayPercentiles(),
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
  } finally {
    await server?.close();
    await store?.close();
    if (temporaryDir !== null) await rm(temporaryDir, { recursive: true, force: true });
  }
}
