/**
 * `mcast analyze FILE... [--at T] [--topology topo.json] [--json] [--timeline] [--db FILE]`: the
 * network's state at T (default: the end of the capture), or every change with its time; with
 * --db, the whole analysis goes into a SQLite store and a one-line summary is printed.
 */
import { readFile } from 'node:fs/promises';
import { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import { parseTopology, type Topology } from '../../capture/model/topology.js';
import { CliError } from '../../capture/input-error.js';
import { analyzeIntoStore } from '../../pipeline/analyze-into-store.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { formatTable } from './format-table.js';
import { decodeCaptureFiles, describeProblem } from './read-captures.js';

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
    throw new CliError(`cannot read topology ${path}: ${(error as Error).message}`);
  }
  const topology = parseTopology(json);
  if (typeof topology === 'string') throw new CliError(`${path}: ${topology}`);
  return topology;
}

/** Runs the analysis over the files up to `at` and returns the analyzer and any file problems. */
export async function analyzeFiles(paths: string[], options: { at: number | null; topology: Topology | null; onChange?: (entry: TimelineEntry) => void }) {
  const analyzer = new NetworkAnalyzer({ topology: options.topology, onChange: options.onChange ?? null });
  const run = await decodeCaptureFiles(paths, (result) => analyzer.onFrame(result), options.at ?? Infinity);
  return { analyzer, problems: run.problems };
}

export async function analyzeCommand(paths: string[], options: AnalyzeOptions): Promise<void> {
  if (options.at !== null && !Number.isFinite(options.at)) throw new CliError('--at takes epoch seconds, e.g. --at 1764057600.5');
  const topology = await loadTopology(options.topology);
  if (options.db !== null) {
    await analyzeIntoDatabase(paths, options.db, { at: options.at, topology, json: options.json });
    return;
  }
  const timeline: TimelineEntry[] = [];
  const { analyzer, problems } = await analyzeFiles(paths, { at: options.at, topology, onChange: options.timeline ? (entry) => timeline.push(entry) : undefined });
  for (const problem of problems) process.stderr.write(`mcast: warning: ${describeProblem(problem)}\n`);
  if (options.timeline) {
    if (options.at !== null) analyzer.advance(options.at);
    process.stdout.write(options.json ? `${JSON.stringify(timeline, null, 2)}\n` : `${timeline.map(formatTimelineEntry).join('\n')}\n`);
    return;
  }
  const snapshot = analyzer.snapshot(options.at ?? analyzer.time);
  process.stdout.write(options.json ? `${JSON.stringify(snapshot, null, 2)}\n` : `${formatSnapshot(snapshot)}\n`);
}

async function analyzeIntoDatabase(paths: string[], db: string, options: { at: number | null; topology: Topology | null; json: boolean }): Promise<void> {
  const store = await SqliteStore.open(db).catch((error: Error) => {
    throw new CliError(`cannot open database ${db}: ${error.message}`);
  });
  try {
    const capture = await analyzeIntoStore(paths, store, {
      topology: options.topology, until: options.at ?? Infinity,
      onProblem: (problem) => process.stderr.write(`mcast: warning: ${describeProblem(problem)}\n`),
    });
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

function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time * 1000).toISOString() : String(time);
}

function formatTimelineEntry(entry: TimelineEntry): string {
  const where = 'link' in entry && entry.link ? ` ${entry.link}` : '';
  const group = 'group' in entry && entry.group ? ` ${'source' in entry && entry.source ? `(${entry.source},${entry.group})` : entry.group}` : '';
  return `${isoTime(entry.time)} ${entry.area}.${entry.kind}${where}${group} ${JSON.stringify(entry.detail)}`;
}

function remaining(expiresAt: number | null, at: number): string {
  if (expiresAt === null) return 'never';
  const seconds = Math.max(0, Math.round(expiresAt - at));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Router-CLI-like text, network-wide: the same tables an engineer would type on each router. */
export function formatSnapshot(snapshot: NetworkSnapshot): string {
  const at = snapshot.at;
  const nameOf = new Map(snapshot.routers.map((router) => [router.id, router.name ?? router.id]));
  const sections: string[] = [`state at ${isoTime(at)} (${at})`];
  const section = (title: string, header: string[], rows: (string | number)[][]) => {
    sections.push('', `${title}`, rows.length ? formatTable(header, rows) : '  (none)');
  };
  section('routers', ['router', 'link', 'addresses', 'mac'], snapshot.routers.flatMap((router) =>
    router.interfaces.map((entry) => [router.name ?? router.id, entry.link, entry.addresses.join(' '), entry.mac ?? '-'])));
  section('links (show ip igmp interface / show ip pim interface)', ['link', 'igmp querier', 'ver', 'mld querier', 'ver', 'pim dr', 'pim neighbors'],
    snapshot.links.map((link) => [link.name, link.querier ?? '-', link.igmpVersion ?? '-', link.mldQuerier ?? '-', link.mldVersion ?? '-', link.dr ?? '-', link.pimNeighbors.join(' ') || '-']));
  section('groups (show ip igmp groups / show ipv6 mld groups)', ['link', 'group', 'mode', 'sources', 'excluded', 'reporters', 'ver', 'expires'],
    snapshot.memberships.map((m) => [m.link, m.group, m.mode, m.sources.join(' ') || '-', m.excluded.join(' ') || '-', m.reporters.join(' ') || '-', m.version, remaining(m.expiresAt, at)]));
  section('joins (show ip pim join)', ['link', 'from', 'upstream', 'type', 'source', 'group', 'state', 'expires'],
    snapshot.joins.map((j) => [j.link, j.from, j.upstream, j.type, j.source ?? (j.rp ? `RP ${j.rp}` : '*'), j.group, j.state, remaining(j.expiresAt, at)]));
  section('asserts (show ip pim assert)', ['link', 'source', 'group', 'winner', 'pref', 'metric', 'expires'],
    snapshot.asserts.map((a) => [a.link, a.source ?? '*', a.group, a.winner, a.metricPreference, a.metric, remaining(a.expiresAt, at)]));
  section('rp mappings (show ip pim rp-info)', ['rp', 'groups', 'learned from', 'priority', 'expires'],
    snapshot.rps.map((rp) => [rp.rp, rp.groupPrefix, rp.learnedFrom, rp.priority ?? '-', remaining(rp.expiresAt, at)]));
  section('flows', ['link', 'source', 'group', 'pps', 'kbit/s', 'forwarders', 'dup'],
    snapshot.flows.map((f) => [f.link, f.source, f.group, f.pps, Math.round(f.bps / 100) / 10, f.forwarders.join(' ') || '-', f.duplicated ? 'DUP' : '']));
  section('trees (show ip mroute, inferred network-wide)', ['source', 'group', 'kind', 'rp', 'router', 'in', 'out', 'data', 'wanted'],
    snapshot.trees.flatMap((tree) => tree.edges.map((edge) => [tree.source, tree.group, tree.kind, tree.rp ?? '-', nameOf.get(edge.router) ?? edge.router, edge.in ?? '-', edge.out, edge.carriesData ? 'yes' : 'no', edge.wanted ? 'yes' : 'NO'])));
  section('anomalies', ['kind', 'link', 'source', 'group', 'detail'], snapshot.anomalies.map((anomaly) => [
    anomaly.kind, anomaly.link, anomaly.source ?? '*', anomaly.group,
    anomaly.kind === 'unwanted-data' ? nameOf.get(anomaly.router) ?? anomaly.router : anomaly.kind === 'duplicate-forwarding' ? anomaly.forwarders.join(' ') : anomaly.kind === 'mac-mismatch' ? `${anomaly.packets} packets` : '',
  ]));
  return sections.join('\n');
}
