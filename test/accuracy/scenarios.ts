/**
 * Runs the analyzer over a lab scenario's per-link captures and compares its state at every
 * checkpoint with what the routers said at that moment.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrame } from '../../capture/decode.js';
import { frameTime } from '../../capture/frame.js';
import { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { NetworkSnapshot } from '../../capture/model/snapshot.js';
import { parseTopology, type Topology } from '../../capture/model/topology.js';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { analyzerItems } from './analyzer-items.js';
import { CATEGORIES, truthItems, type Category, type Checkpoint } from './frr-truth.js';

/** The lab's output; MCAST_SAMPLES_DIR points elsewhere (e.g. a lab run of your own). */
export const SAMPLES_DIR = process.env.MCAST_SAMPLES_DIR ?? join(process.cwd(), 'samples');

export interface CategoryScore {
  category: Category;
  truth: number;
  ours: number;
  matched: number;
  missed: string[];
  extra: string[];
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

export async function loadScenario(name: string): Promise<{ topology: Topology; checkpoints: Checkpoint[]; captures: string[] }> {
  const dir = join(SAMPLES_DIR, name);
  const topology = parseTopology(JSON.parse(await readFile(join(dir, 'topology.json'), 'utf8')));
  if (typeof topology === 'string') throw new Error(`${name}: ${topology}`);
  const truthFiles = (await readdir(join(dir, 'truth'))).filter((file) => file.endsWith('.json')).sort();
  const checkpoints = await Promise.all(truthFiles.map(async (file) => JSON.parse(await readFile(join(dir, 'truth', file), 'utf8')) as Checkpoint));
  const captures = (await readdir(join(dir, 'pcap'))).filter((file) => /\.pcap(ng)?(\.gz)?$/.test(file)).sort().map((file) => join(dir, 'pcap', file));
  return { topology, checkpoints, captures };
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

function score(category: Category, truth: Set<string>, ours: Set<string>): CategoryScore {
  const missed = [...truth].filter((item) => !ours.has(item)).sort();
  const extra = [...ours].filter((item) => !truth.has(item)).sort();
  return { category, truth: truth.size, ours: ours.size, matched: truth.size - missed.length, missed, extra };
}

/** The routers dump their state one after another: compare at the start of the dump. */
export function checkpointTime(checkpoint: Checkpoint): number {
  return checkpoint.timeStart;
}

export async function scoreScenario(name: string): Promise<CheckpointScore[]> {
  const { topology, checkpoints, captures } = await loadScenario(name);
  const snapshots = await snapshotsAt(captures, checkpoints.map(checkpointTime), topology);
  return checkpoints.map((checkpoint, index) => {
    const truth = truthItems(checkpoint, topology);
    const ours = analyzerItems(snapshots[index]!, topology);
    return {
      scenario: name, checkpoint: checkpoint.checkpoint, label: checkpoint.label, at: checkpointTime(checkpoint),
      scores: CATEGORIES.map((category) => score(category, truth[category], ours[category])),
    };
  });
}

export function precision(score: { ours: number; matched: number }): number {
  return score.ours === 0 ? 1 : score.matched / score.ours;
}

export function recall(score: { truth: number; matched: number }): number {
  return score.truth === 0 ? 1 : score.matched / score.truth;
}
