/**
 * `mcast analyze FILE... [--at T] [--topology topo.json] [--json] [--timeline] [--db FILE]`: the
 * network's state at T (default: the end of the capture) with the findings holding then, or
 * every change with its time, findings opening and closing among them; with --db, the whole
 * analysis goes into a SQLite store and a one-line summary is printed.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../../capture/input-error.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import { parseTopology, type Topology } from '../../capture/model/topology.js';
import { describeProblem, inputsOf, runFiles } from '../../pipeline/file-source.js';
import { ingestFiles } from '../../pipeline/ingest.js';
import { findingChanges } from '../../capture/findings/engine.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import type { FindingChange } from '../../shapes/findings.js';
import { openStore } from '../open-store.js';
import { ProgressBar } from '../output/progress.js';
import { formatSnapshot, formatTimelineEntry, isoTime } from '../output/snapshot-text.js';
import { formatFindings, sortFindings } from './findings.js';

export interface AnalyzeOptions {
  at: number | null;
  topology: string | null;
  json: boolean;
  timeline: boolean;
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

const warnProblem = (problem: Parameters<typeof describeProblem>[0]) => process.stderr.write(`mcast: warning: ${describeProblem(problem)}\n`);

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
  const { problems } = await runFiles(inputsOf(paths), run, { until: options.at ?? Infinity, onProgress: progress.update }).finally(() => progress.done());
  for (const problem of problems) warnProblem(problem);
  await run.finish();
  if (options.timeline) {
    const timeline = mergeByTime<TimelineEntry | FindingChange>(changes, findingChanges(findings.engine.all()));
    process.stdout.write(options.json ? `${JSON.stringify(timeline, null, 2)}\n` : `${timeline.map(formatTimelineEntry).join('\n')}\n`);
    return;
  }
  const at = options.at ?? run.analyzer.time;
  const snapshot = run.analyzer.snapshot(at);
  const holding = sortFindings(findings.engine.at(at));
  process.stdout.write(options.json ? `${JSON.stringify({ ...snapshot, findings: holding }, null, 2)}\n`
    : `${formatSnapshot(snapshot)}\n\nfindings holding at ${isoTime(at)}\n${formatFindings(holding)}\n`);
}

/** Two time-ordered lists as one; at equal times the first list's entries come first. */
function mergeByTime<T extends { time: number }>(first: readonly T[], second: readonly T[]): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  while (i < first.length || j < second.length) {
    if (j >= second.length || (i < first.length && first[i]!.time <= second[j]!.time)) merged.push(first[i++]!);
    else merged.push(second[j++]!);
  }
  return merged;
}

async function analyzeIntoDatabase(paths: string[], db: string, options: { at: number | null; topology: Topology | null; json: boolean }): Promise<void> {
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
    process.stdout.write(`stored capture ${capture.id} (${capture.source}) in ${db}: ${capture.frames} frames, ${capture.decodeErrors} decode errors, `
      + `${counts.messages} messages, ${counts.changes} changes, ${counts.facts} facts, ${span}\n`);
  } finally {
    await store.close();
  }
}
