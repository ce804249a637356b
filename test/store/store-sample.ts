/**
 * Shared by the store tests: a real capture picked at run time (MCAST_SAMPLE, else samples/pim-sm
 * first, then any other lab sample, then the FRR PIM fixture), temporary database files, and the comparison of
 * snapshots on their stored (non-volatile) content.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import { FACT_KINDS, FACT_SPECS, factContent } from '../../store/facts.js';
import type { StoredSnapshot } from '../../store/store-api.js';

const SAMPLES = join(process.cwd(), 'samples');
const FALLBACK = join(process.cwd(), 'test', 'fixtures', 'pim', 'frr-pim.pcap');
const CAPTURE_FILE = /\.(pcapng|pcap)(\.gz)?$/;

/** MCAST_SAMPLE if set, else the merged capture of a lab sample (samples/pim-sm first), else the FRR PIM fixture. */
export async function pickSample(): Promise<string> {
  if (process.env.MCAST_SAMPLE) return process.env.MCAST_SAMPLE;
  const scenarios = await readdir(SAMPLES).catch(() => [] as string[]);
  scenarios.sort((a, b) => Number(b === 'pim-sm') - Number(a === 'pim-sm') || a.localeCompare(b));
  for (const scenario of scenarios) {
    const files = (await readdir(join(SAMPLES, scenario)).catch(() => [] as string[])).filter((file) => CAPTURE_FILE.test(file)).sort();
    if (files[0] !== undefined) return join(SAMPLES, scenario, files[0]);
  }
  return FALLBACK;
}

/** The FRR PIM fixture: a second, different capture. */
export const PIM_FIXTURE = FALLBACK;

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-store-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Each fact kind's rows as their stored content (volatile fields neutralized), sorted. */
export function storedContent(snapshot: NetworkSnapshot | StoredSnapshot): Record<string, string[]> {
  const lists = snapshot as unknown as Record<string, Record<string, unknown>[]>;
  const result: Record<string, string[]> = {};
  for (const kind of FACT_KINDS) result[kind] = lists[FACT_SPECS[kind].list]!.map((row) => factContent(FACT_SPECS[kind], row)).sort();
  return result;
}
