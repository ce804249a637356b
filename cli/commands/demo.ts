/**
 * `mcast demo [--port 8080] [--host 127.0.0.1] [--db FILE]`: the bundled sample (samples/pim-sm, four
 * FRR routers) analyzed network-wide and printed, stored, and served on the dashboard. Without --db
 * each run stores into its own temporary directory, removed when it stops: two demos never share a file.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFiles } from '../../pipeline/ingest.js';
import { inputsOf } from '../../pipeline/file-source.js';
import { openStore } from '../open-store.js';
import { escapeControl } from '../output/escape.js';
import { analyzeCommand, loadTopology } from './analyze.js';
import { startServer, untilStopped, type ListenOptions } from './serve.js';
import { BUNDLED_SAMPLE, BUNDLED_TOPOLOGY } from '../bundled-sample.js';


export interface DemoOptions extends ListenOptions {
  db: string | null;
}

export async function demoCommand(options: DemoOptions): Promise<void> {
  await analyzeCommand([BUNDLED_SAMPLE], { at: null, topology: BUNDLED_TOPOLOGY, json: false, timeline: false, all: false, db: null });
  const ownDir = options.db === null ? await mkdtemp(join(tmpdir(), 'mcast-demo-')) : null;
  const db = options.db ?? join(ownDir!, 'demo.sqlite');
  try {
    const store = await openStore(db);
    try {
      // The same file again replaces its earlier capture in the store (same fingerprint): no duplicates.
      const capture = await ingestFiles(inputsOf([BUNDLED_SAMPLE]), store, { topology: await loadTopology(BUNDLED_TOPOLOGY) });
      const server = await startServer(store, options);
      const kept = ownDir === null ? '' : ' (removed when the demo stops)';
      process.stdout.write(`\nmcast: ${capture.frames} frames stored in ${escapeControl(db)}${kept}; dashboard at ${server.url} (Ctrl-C to stop)\n`);
      await untilStopped();
      await server.close();
    } finally {
      await store.close();
    }
  } finally {
    if (ownDir !== null) await rm(ownDir, { recursive: true, force: true });
  }
}
