/**
 * Runs the analyzer over a lab scenario's per-link captures and compares its state at every
 * checkpoint with what the routers said at that moment.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrame } from '../../capture/decode.js';
import { frameTime } from '../../capture/frame.js';
import { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import { parseTopology, type Topology } from '../../capture/model/topology.js';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { analyzerItems } from './analyzer-items.js';
import { CATEGORIES, FRR_CATEGORIES, MLD_CATEGORIES, truthItems, type Category, type Checkpoint, type ItemSets } from './frr-truth.js';
import { PIMD_CATEGORIES, pimdTruthItems, restrictToHostGroups, restrictToKernelEntries, restrictToQuerierLinks } from './pimd-truth.js';
import { differenceKey, loadKnownDifferences, type KnownDifference } from './known-differences.js';

/** The lab's output; MCAST_SAMPLES_DIR points elsewhere (e.g. a lab run of your own). */
export const SAMPLES_DIR = process.env.MCAST_SAMPLES_DIR ?? join(process.cwd(), 'samples');

export interface CategoryScore {
  category: Category;
  truth: number;
  ours: number;
  matched: number;
  missed: string[];
  extra: string[];
  /** Differences listed in known-differences.json, left out of the counts above. */
  explained: KnownDifference[];
}

export interface CheckpointScore {
  scenario: string;
  checkpoint: number;
  label: string;
  at: number;
  scores: CategoryScore[];
}

export async function scenariosWithTruth(): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(SAMPLES_DIR, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const files: string[] = await readdir(join(SAMPLES_DIR, entry.name)).catch(() => []);
    if (files.includes('truth') && files.includes('pcap') && files.includes('topology.json')) names.push(entry.name);
  }
  return names.sort();
}

/** The routers' vendor of a scenario: topology.json's "vendor" (samples/lab/pimd.sh labs: "pimd"), else FRR. */
export type Vendor = 'frr' | 'pimd';

/** Per vendor: how a checkpoint's truth becomes items, and which categories that truth can show. */
const VENDORS: Record<Vendor, { truth: (checkpoint: Checkpoint, topology: Topology) => ItemSets; categories: readonly Category[] }> = {
  frr: { truth: truthItems, categories: FRR_CATEGORIES },
  pimd: { truth: pimdTruthItems, categories: PIMD_CATEGORIES },
};

export async function loadScenario(name: string): Promise<{ topology: Topology; checkpoints: Checkpoint[]; captures: string[]; vendor: Vendor }> {
  const dir = join(SAMPLES_DIR, name);
  const raw = JSON.parse(await readFile(join(dir, 'topology.json'), 'utf8')) as { vendor?: unknown };
  const vendor: Vendor = raw.vendor === 'pimd' ? 'pimd' : 'frr';
  const topology = parseTopology(raw);
  if (typeof topology === 'string') throw new Error(`${name}: ${topology}`);
  const truthFiles = (await readdir(join(dir, 'truth'))).filter((file) => file.endsWith('.json')).sort();
  const checkpoints = await Promise.all(truthFiles.map(async (file) => JSON.parse(await readFile(join(dir, 'truth', file), 'utf8')) as Checkpoint));
  const captures = (await readdir(join(dir, 'pcap'))).filter((file) => /\.pcap(ng)?(\.gz)?$/.test(file)).sort().map((file) => join(dir, 'pcap', file));
  return { topology, checkpoints, captures, vendor };
}

/** One pass over the captures, snapshotting at each of `times` (ascending). */
export async function snapshotsAt(captures: string[], times: number[], topology: Topology | null): Promise<NetworkSnapshot[]> {
  const analyzer = new NetworkAnalyzer({ topology });
  const snapshots: NetworkSnapshot[] = [];
  let next = 0;
  for await (const frame of openCaptureFiles(captures).frames) {
    const time = frameTime(frame);
    while (next < times.length && times[next]! < time) snapshots.push(analyzer.snapshot(times[next++]!));
    analyzer.onFrame(decodeFrame(frame));
  }
  while (next < times.length) snapshots.push(analyzer.snapshot(times[next++]!));
  return snapshots;
}

function score(checkpoint: number, category: Category, truth: Set<string>, ours: Set<string>, known: Map<string, KnownDifference>): CategoryScore {
  const explained: KnownDifference[] = [];
  const unexplained = (direction: 'missed' | 'extra') => (item: string) => {
    const difference = known.get(differenceKey({ checkpoint, category, direction, item }));
    if (difference) explained.push(difference);
    return difference === undefined;
  };
  const missed = [...truth].filter((item) => !ours.has(item)).filter(unexplained('missed')).sort();
  const extra = [...ours].filter((item) => !truth.has(item)).filter(unexplained('extra')).sort();
  const explainedMissed = explained.filter((difference) => difference.direction === 'missed').length;
  const explainedExtra = explained.length - explainedMissed;
  const truthCount = truth.size - explainedMissed;
  return { category, truth: truthCount, ours: ours.size - explainedExtra, matched: truthCount - missed.length, missed, extra, explained };
}

export async function scoreScenario(name: string): Promise<{ checkpoints: CheckpointScore[]; known: KnownDifference[] }> {
  const { topology, checkpoints, captures, vendor } = await loadScenario(name);
  const { truth: truthOf, categories } = VENDORS[vendor];
  const known = await loadKnownDifferences(join(SAMPLES_DIR, name));
  const byKey = new Map(known.map((difference) => [differenceKey(difference), difference]));
  const snapshots = await snapshotsAt(captures, checkpoints.flatMap((checkpoint) => [checkpoint.timeStart, checkpoint.timeEnd]), topology);
  const scored = checkpoints.map((checkpoint, index) => {
    const truth = truthOf(checkpoint, topology);
    const atStart = analyzerItems(snapshots[2 * index]!, topology);
    const atEnd = analyzerItems(snapshots[2 * index + 1]!, topology);
    if (checkpoint.queriers === undefined) {
      for (const category of MLD_CATEGORIES) atStart[category].clear();
    }
    // A category the vendor's truth cannot show is not compared.
    for (const category of CATEGORIES) {
      if (categories.includes(category)) continue;
      for (const sets of [truth, atStart, atEnd]) sets[category].clear();
    }
    if (vendor === 'pimd') {
      for (const sets of [atStart, atEnd]) {
        restrictToKernelEntries(truth, sets);
        restrictToHostGroups(truth, sets);
        // pimd is IPv4 only: MLD state exists only where the lab's own querier runs (one LAN).
        restrictToQuerierLinks(truth, sets);
      }
    }
    return {
      scenario: name, checkpoint: checkpoint.checkpoint, label: checkpoint.label, at: checkpoint.timeStart,
      scores: CATEGORIES.map((category) => score(checkpoint.checkpoint, category, truth[category], duringDump(truth[category], atStart[category], atEnd[category]), byKey)),
    };
  });
  return { checkpoints: scored, known };
}

/**
 * The routers are asked one after the other between timeStart and timeEnd, so a change on the wire
 * in that window may or may not be in a router's answer. What the analyzer held at both ends
 * counts as its state; what it held at one end only counts where a router reported it.
 */
function duringDump(truth: Set<string>, atStart: Set<string>, atEnd: Set<string>): Set<string> {
  const ours = new Set([...atStart].filter((item) => atEnd.has(item)));
  for (const item of [...atStart, ...atEnd]) if (truth.has(item)) ours.add(item);
  return ours;
}

/** Scores of one category summed over every checkpoint. */
export function categoryTotal(checkpoints: CheckpointScore[], category: Category): { truth: number; ours: number; matched: number; explained: number } {
  return checkpoints
    .map((checkpoint) => checkpoint.scores.find((entry) => entry.category === category)!)
    .reduce((sum, row) => ({ truth: sum.truth + row.truth, ours: sum.ours + row.ours, matched: sum.matched + row.matched, explained: sum.explained + row.explained.length }),
      { truth: 0, ours: 0, matched: 0, explained: 0 });
}

export function precision(score: { ours: number; matched: number }): number {
  return score.ours === 0 ? 1 : score.matched / score.ours;
}

export function recall(score: { truth: number; matched: number }): number {
  return score.truth === 0 ? 1 : score.matched / score.truth;
}
