/**
 * A real SQLite store made from a real capture, for the server, socket and browser tests: the
 * sample is picked at run time (samples/pim-sm first, then any other lab sample, then the FRR
 * PIM fixture when no sample capture is present), analyzed once into a temporary database with
 * the pipeline's own `ingestFiles`, and also analyzed directly so tests can compare the API
 * with the analyzer's own results. MCAST_SAMPLES_DIR points at another samples directory.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import { isRoutable } from '../../../capture/model/trees.js';
import { analyzeFiles, inputsOf } from '../../../pipeline/file-source.js';
import { ingestFiles } from '../../../pipeline/ingest.js';
import { SqliteStore } from '../../../store/sqlite-store.js';
import type { CaptureRecord } from '../../../store/store-api.js';

const SAMPLES = process.env['MCAST_SAMPLES_DIR'] ?? join(process.cwd(), 'samples');
const FALLBACK = join(process.cwd(), 'test', 'fixtures', 'pim', 'frr-pim.pcap');
const CAPTURE_FILE = /\.(pcapng|pcap)(\.gz)?$/;
/** Where in the capture (fractions of its span) to look for a group with a tree. */
const MOMENTS = [0.5, 0.3, 0.7, 0.9, 0.1, 1];

/** The first sample capture found, samples/pim-sm first; the FRR PIM fixture when there is none. */
export async function pickSample(): Promise<string> {
  const scenarios = await readdir(SAMPLES, { withFileTypes: true }).then((entries) => entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name), () => []);
  scenarios.sort((a, b) => Number(b === 'pim-sm') - Number(a === 'pim-sm') || a.localeCompare(b));
  for (const scenario of scenarios) {
    const files = await readdir(join(SAMPLES, scenario)).catch(() => []);
    const merged = files.filter((file) => CAPTURE_FILE.test(file)).sort((a, b) => Number(b.startsWith(scenario)) - Number(a.startsWith(scenario)));
    if (merged[0] !== undefined) return join(SAMPLES, scenario, merged[0]);
  }
  return FALLBACK;
}

export interface SampleStore {
  dir: string;
  dbPath: string;
  sample: string;
  store: SqliteStore;
  capture: CaptureRecord;
  /** The analyzer's own state at `at` (default: the end of the capture). */
  analyzerSnapshot(at?: number): Promise<NetworkSnapshot>;
  /**
   * A moment when a routable group has a tree (else members), with that group and the analyzer's
   * state then; null when the sample never has one.
   */
  groupMoment(): Promise<{ at: number; group: string; snapshot: NetworkSnapshot } | null>;
  close(): Promise<void>;
}

export async function makeSampleStore(): Promise<SampleStore> {
  const sample = await pickSample();
  const dir = await mkdtemp(join(tmpdir(), 'mcast-server-'));
  const dbPath = join(dir, 'sample.sqlite');
  const store = await SqliteStore.open(dbPath);
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
        const group = trees[0]?.group ?? snapshot.memberships.find((entry) => isRoutable(entry.group))?.group;
        if (group !== undefined) return { at, group, snapshot };
      }
      return null;
    },
    async close() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
