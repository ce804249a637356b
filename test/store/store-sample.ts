/**
 * Shared by the store tests: the bundled real capture, temporary database files, and the
 * comparison of snapshots on their stored (non-volatile) content.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import { FACT_KINDS, FACT_SPECS, factContent } from '../../store/facts.js';
import type { StoredSnapshot } from '../../store/store-api.js';

/** The bundled sample (samples/pim-sm, committed): every store test reads it. */
export const SAMPLE = join(process.cwd(), 'samples', 'pim-sm', 'pim-sm.pcapng.gz');

/** The FRR PIM fixture: a second, different capture. */
export const PIM_FIXTURE = join(process.cwd(), 'test', 'fixtures', 'pim', 'frr-pim.pcap');

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
