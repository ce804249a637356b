/**
 * `mcast analyze FILE... [--at T] [--topology topo.json] [--json] [--timeline] [--all] [--db FILE]`: the
 * network's state at T (default: the end of the capture) with the findings holding then (as text,
 * link-local groups and their flows left out unless --all), or
 * every change with its time, findings opening and closing among them; with --db, the whole
 * analysis goes into a SQLite store and a one-line summary is printed.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../capture/input-error.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import { isRoutable } from '../../capture/model/trees.js';
import type { CaptureProblem } from '../../capture/sources/capture-file.js';
import { parseTopology, type Topology } from '../../capture/model/topology.js';
import { captureSpan, describeProblem, inputsOf, runFiles, type FileRunResult } from '../../pipeline/file-source.js';
import { findingChanges } from '../../capture/findings/engine.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import type { FindingChange } from '../../shapes/findings.js';
import { escapeControl } from '../output/escape.js';
import { ProgressBar } from '../output/progress.js';
import { formatSnapshot, formatTimelineEntry, isoAndEpoch, isoTime } from '../output/snapshot-text.js';
import { formatFindings, sortFindings } from './findings.js';

export interface AnalyzeOptions {
  at: number | null;
  topology: string | null;
  json: boolean;
  timeline: boolean;
  /** The text state also lists link-local groups (224.0.0.0/24, ff02::/16) and their control-protocol flows. */
  all: boolean;
  /** SQLite file to store the analysis in. */
  db: string | null;
}

export async function loadTopology(path: string | null): Promise<Topology | null> {
  if (path === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`cannot read topology ${path}: ${(error as Error).message}`, 'usage');
  }
  const topology = parseTopology(json);
  if (typeof topology === 'string') throw new InputError(`${path}: ${topology}`, 'usage');
  return topology;
}

/** --at before the first frame or after the last: the state is still printed, with a warning naming the capture's span. */
export async function warnIfOutsideCapture(at: number | null, paths: string[], result: FileRunResult): Promise<void> {
  if (at === null) return;
  const before = result.span === null && result.stoppedEarly;
  const after = result.span !== null && !result.stoppedEarly && at > result.span.last;
  if (!before && !after) return;
  // Reading stopped at the first frame: the rest is read once more to tell where the capture ends.
  const span = before ? await captureSpan(inputsOf(paths)) : result.span;
  if (span === null) return;
  process.stderr.write(`mcast: warning: --at ${isoAndEpoch(at)} is ${before ? 'before' : 'after'} the capture, `
    + `which spans ${isoAndEpoch(span.first)} to ${isoAndEpoch(span.last)}\n`);
}

export function warnProblem(problem: CaptureProblem): void {
  process.stderr.write(`mcast: warning: ${escapeControl(describeProblem(problem))}\n`);
}

export async function analyzeCommand(paths: string[], options: AnalyzeOptions): Promise<void> {
  const topology = await loadTopology(options.topology);
  if (options.db !== null) {
    await analyzeIntoDatabase(paths, options.db, { at: options.at, topology, json: options.json });
    return;
  }
  const changes: TimelineEntry[] = [];
  const findings = new FindingsSink();
  const run = new AnalysisRun({ topology, sinks: options.timeline ? [findings, { change: (entry) => changes.push(entry) }] : [findings] });
  const progress = new ProgressBar();
  const result = await runFiles(inputsOf(paths), run, { until: options.at ?? Infinity, onProgress: progress.update }).finally(() => progress.done());
  for (const problem of result.problems) warnProblem(problem);
  await warnIfOutsideCapture(options.at, paths, result);
  await run.finish();
  if (options.timeline) {
    const timeline = inTimeOrder<TimelineEntry | FindingChange>([...changes, ...findingChanges(findings.engine.all())]);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(timeline, null, 2)}\n`);
      return;
    }
    // The text view leaves out the link-local groups' changes, as the state's text does, unless --all.
    const shown = options.all ? timeline : timeline.filter((entry) => entry.group === null || isRoutable(entry.group));
    const hidden = timeline.length - shown.length;
    process.stdout.write(`${shown.map(formatTimelineEntry).join('\n')}\n${hidden > 0 ? `(${hidden} changes of link-local groups (224.0.0.0/24, ff02::/16) not shown; --all shows them)\n` : ''}`);
    return;
  }
  const at = options.at ?? run.analyzer.time;
  const snapshot = run.analyzer.snapshot(at);
  const holding = sortFindings(findings.engine.at(at));
  process.stdout.write(options.json ? `${JSON.stringify({ ...snapshot, findings: holding }, null, 2)}\n`
    : `${formatSnapshot(snapshot, { all: options.all })}\n\nfindings holding at ${isoTime(at)}\n${formatFindings(holding)}\n`);
}

/**
 * Entries sorted by time, stably: at equal times they keep the order they were told in. Changes
 * come in the order of the frames, which within one file may go back in time (a pcapng holding
 * several interfaces, written interface by interface).
 */
function inTimeOrder<T extends { time: number }>(entries: T[]): T[] {
  return entries.sort((a, b) => a.time - b.time);
}

async function analyzeIntoDatabase(paths: string[], db: string, options: { at: number | null; topology: Topology | null; json: boolean }): Promise<void> {
  // The store (SQLite's native module, PostgreSQL's client) is loaded only by the runs that store.
  const [{ openStore }, { ingestFiles }] = await Promise.all([import('../open-store.js'), import('../../pipeline/ingest.js')]);
  const store = await openStore(db);
  try {
    const progress = new ProgressBar();
    const capture = await ingestFiles(inputsOf(paths), store, {
      topology: options.topology, until: options.at ?? Infinity, onProgress: progress.update, onProblem: warnProblem,
    }).finally(() => progress.done());
    const counts = await store.captureCounts(capture.id);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ db, capture, counts }, null, 2)}\n`);
      return;
    }
    const span = capture.startTime === null || capture.endTime === null ? 'no frames'
      : `${isoTime(capture.startTime)} → ${isoTime(capture.endTime)} (${(capture.endTime - capture.startTime).toFixed(1)} s)`;
    process.stdout.write(`stored capture ${capture.id} (${escapeControl(capture.source)}) in ${escapeControl(db)}: ${capture.frames} frames, ${capture.decodeErrors} decode errors, `
      + `${counts.messages} messages, ${counts.changes} changes, ${counts.facts} facts, ${span}\n`);
  } finally {
    await store.close();
  }
}
