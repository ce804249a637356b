/**
 * `mcast findings FILE... [--at T] [--topology topo.json] [--severity error|warning|info] [--json]`:
 * what is wrong on the network (or worth knowing), from when to when, where, why, and the rule it
 * stands on. Errors first; with --at, only what held at T.
 */
import { InputError } from '../../capture/input-error.js';
import { inputsOf, runFiles } from '../../pipeline/file-source.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import type { Finding, Severity } from '../../shapes/findings.js';
import { SEVERITY_ORDER } from '../../shapes/severity.js';
import { formatTable } from '../output/format-table.js';
import { ProgressBar } from '../output/progress.js';
import { isoTime } from '../output/snapshot-text.js';
import { loadTopology, warnIfOutsideCapture, warnProblem } from './analyze.js';

export interface FindingsOptions {
  at: number | null;
  topology: string | null;
  /** The least severe findings shown. */
  severity: Severity;
  json: boolean;
}

export function parseSeverity(text: string | undefined): Severity {
  if (text === undefined) return 'info';
  if (text === 'error' || text === 'warning' || text === 'info') return text;
  throw new InputError(`--severity takes error, warning or info, not '${text}'`, 'usage');
}

/** Errors first, then by when they began. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.at - b.at || a.kind.localeCompare(b.kind));
}

export async function findingsCommand(paths: string[], options: FindingsOptions): Promise<void> {
  const topology = await loadTopology(options.topology);
  const sink = new FindingsSink();
  const run = new AnalysisRun({ topology, sinks: [sink] });
  const progress = new ProgressBar();
  const result = await runFiles(inputsOf(paths), run, { until: options.at ?? Infinity, onProgress: progress.update }).finally(() => progress.done());
  for (const problem of result.problems) warnProblem(problem);
  await warnIfOutsideCapture(options.at, paths, result);
  await run.finish();
  const found = options.at === null ? sink.engine.all() : sink.engine.at(options.at);
  const shown = sortFindings(found.filter((finding) => SEVERITY_ORDER[finding.severity] <= SEVERITY_ORDER[options.severity]));
  process.stdout.write(options.json ? `${JSON.stringify(shown, null, 2)}\n` : `${formatFindings(shown)}\n`);
}

export function formatFindings(findings: Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const counts = (['error', 'warning', 'info'] as const).map((severity) => `${findings.filter((finding) => finding.severity === severity).length} ${severity}`);
  const table = formatTable(
    ['severity', 'kind', 'from', 'until', 'where', 'explanation'],
    findings.map((finding) => [
      finding.severity, finding.kind, isoTime(finding.at),
      finding.until === null ? 'holds' : finding.until === finding.at ? '(moment)' : isoTime(finding.until),
      place(finding), `${finding.explanation} [${finding.rule}]`,
    ]),
  );
  return `${findings.length} findings (${counts.join(', ')})\n${table}`;
}

function place(finding: Finding): string {
  const flow = finding.group === null ? null : finding.source === null ? finding.group : `(${finding.source}, ${finding.group})`;
  return [finding.link, flow, finding.router].filter((part) => part !== null).join(' ') || '-';
}
