/**
 * A real SQLite store made from the bundled real capture, for the server, socket and browser
 * tests: analyzed once into a temporary database with the pipeline's own `ingestFiles`, and also
 * analyzed directly so tests can compare the API with the analyzer's own results.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import { isRoutable } from '../../../capture/model/trees.js';
import { analyzeFiles, inputsOf } from '../../../pipeline/file-source.js';
import { ingestFiles } from '../../../pipeline/ingest.js';
import { SqlStore } from '../../../store/sql-store.js';
import type { CaptureRecord } from '../../../store/store-api.js';

/** The bundled sample (samples/pim-sm, committed): the server, socket and browser tests all read it. */
export const SAMPLE = join(process.cwd(), 'samples', 'pim-sm', 'pim-sm.pcapng.gz');
/** Where in the capture (fractions of its span) to look for a group with a tree. */
const MOMENTS = [0.5, 0.3, 0.7, 0.9, 0.1, 1];

export interface SampleStore {
  dir: string;
  dbPath: string;
  sample: string;
  store: SqlStore;
  capture: CaptureRecord;
  /** The analyzer's own state at `at` (default: the end of the capture). */
  analyzerSnapshot(at?: number): Promise<NetworkSnapshot>;
  /** A moment when a routable group has a tree, with that group and the analyzer's state then. */
  groupMoment(): Promise<{ at: number; group: string; snapshot: NetworkSnapshot }>;
  close(): Promise<void>;
}

export async function makeSampleStore(): Promise<SampleStore> {
  const sample = SAMPLE;
  const dir = await mkdtemp(join(tmpdir(), 'mcast-server-'));
  const dbPath = join(dir, 'sample.sqlite');
  const store = await SqlStore.open(dbPath);
  const capture = await ingestFiles(inputsOf([sample]), store);
  const analyzerSnapshot = async (at?: number) => {
    const { analyzer } = await analyzeFiles([sample], { until: at ?? Infinity });
    return analyzer.snapshot(at ?? analyzer.time);
  };
  return {
    dir, dbPath, sample, store, capture, analyzerSnapshot,
    async groupMoment() {
      const span = capture.endTime! - capture.startTime!;
      for (const fraction of MOMENTS) {
        const at = capture.startTime! + span * fraction;
        const snapshot = await analyzerSnapshot(at);
        const trees = snapshot.trees.filter((tree) => isRoutable(tree.group)).sort((a, b) => b.edges.length - a.edges.length);
        if (trees[0] !== undefined) return { at, group: trees[0].group, snapshot };
      }
      throw new Error(`no routable group with a tree in ${sample}`);
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
