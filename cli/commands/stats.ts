/** `mcast stats FILE... [--json]`: what the capture holds, per link and message kind. */
import { StatsCounter, type CaptureStats } from '../../capture/stats.js';
import type { CaptureProblem } from '../../capture/sources/capture-file.js';
import { describeProblem, inputsOf, runFiles, type TimeSpan } from '../../pipeline/file-source.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { escapeControl } from '../output/escape.js';
import { formatTable } from '../output/format-table.js';
import { ProgressBar } from '../output/progress.js';
import { isoAndEpoch } from '../output/snapshot-text.js';

export interface StatsOutput extends CaptureStats {
  /** The first and last frame times: what --at can take. */
  span: TimeSpan | null;
  problems: CaptureProblem[];
}

/** The counts need no analysis: the run only decodes. */
export async function collectStats(paths: string[]): Promise<StatsOutput> {
  const counter = new StatsCounter();
  const progress = new ProgressBar();
  const run = new AnalysisRun({ analyze: false, sinks: [{ decoded: (result) => counter.add(result) }] });
  const { problems, span } = await runFiles(inputsOf(paths), run, { onProgress: progress.update }).finally(() => progress.done());
  return { ...counter.result(), span, problems };
}

export function formatStats(stats: StatsOutput): string {
  const out: string[] = [];
  out.push(`${stats.frames} frames, ${stats.decodeErrors} decode errors, ${Object.keys(stats.links).length} links`);
  if (stats.span !== null) {
    out.push(`first frame ${isoAndEpoch(stats.span.first)}`, `last frame  ${isoAndEpoch(stats.span.last)}, ${(stats.span.last - stats.span.first).toFixed(1)} s later`);
  }
  for (const [name, link] of Object.entries(stats.links)) {
    out.push('', `link ${escapeControl(name)}: ${link.frames} frames${link.decodeErrors ? `, ${link.decodeErrors} decode errors` : ''}`);
    const rows: (string | number)[][] = Object.entries(link.messages).sort().map(([kind, count]) => [kind, count ?? 0]);
    rows.push(...Object.entries(link.records).sort().map(([kind, count]) => [`  record ${kind}`, count ?? 0]));
    out.push(formatTable(['message', 'count'], rows));
  }
  if (stats.flows.length > 0) {
    out.push('', 'multicast data flows');
    out.push(formatTable(['link', 'source', 'group', 'packets', 'bytes'], stats.flows.map((f) => [f.link, f.source, f.group, f.packets, f.bytes])));
  }
  if (stats.errors.length > 0) {
    out.push('', 'decode errors');
    out.push(formatTable(['reason', 'count', 'first frames'], stats.errors.map((e) => [e.reason, e.count, e.firstFrames.join(' ')])));
  }
  for (const problem of stats.problems) out.push('', `warning: ${escapeControl(describeProblem(problem))}`);
  return out.join('\n');
}

export async function statsCommand(paths: string[], options: { json: boolean }): Promise<void> {
  const stats = await collectStats(paths);
  process.stdout.write(options.json ? `${JSON.stringify(stats, null, 2)}\n` : `${formatStats(stats)}\n`);
}
