import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqlStore } from '../../store/sql-store.js';
import { SAMPLE, withTempDir } from './store-sample.js';
import { replicateCapture } from '../helpers/replicate-capture.js';
import { STORE_ENGINES, stopPostgres, storeTarget } from '../helpers/test-stores.js';

/** Frames in the replicated capture: enough for the analysis to run for seconds. */
const BIG_FRAMES = 400_000;
const POLL_MS = 50;
const GIVE_UP_MS = 60_000;


/** Opens the database read-only once the writer has created and migrated it. */
async function openWhenReady(path: string, deadline: number): Promise<SqlStore> {
  for (;;) {
    if (path.startsWith('postgres') || (await stat(path).catch(() => null)) !== null) {
      const store = await SqlStore.open(path, { readonly: true }).catch(() => null);
      if (store) return store;
    }
    if (Date.now() > deadline) throw new Error(`${path} never appeared`);
    await sleep(POLL_MS);
  }
}

after(stopPostgres);

for (const engine of STORE_ENGINES) test(`kill -9 during mcast analyze --db (${engine}): the database opens, is intact, and keeps the committed batches`, { timeout: 180_000 }, async () => {
  await withTempDir(async (dir) => {
    const big = join(dir, 'big.pcapng');
    const db = await storeTarget(engine, dir, 'killed');
    const frames = await replicateCapture(SAMPLE, big, BIG_FRAMES);
    assert.equal(frames, BIG_FRAMES);

    const child = spawn(process.execPath, ['dist/cli/main.js', 'analyze', big, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + GIVE_UP_MS;
    const watcher = await openWhenReady(db, deadline);
    let committed = 0;
    try {
      // Wait for some committed batches (frames are counted when their second is written).
      while (committed === 0) {
        const row = await watcher.db.get<{ frames: number; messages: number }>(
          'SELECT frames, (SELECT COUNT(*) FROM messages) AS messages FROM captures ORDER BY id DESC LIMIT 1');
        if (row && row.frames > 0 && row.messages > 0) committed = row.frames;
        else if (Date.now() > deadline) throw new Error('no batch committed');
        else await sleep(POLL_MS);
      }
    } finally {
      await watcher.close();
    }
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL', 'killed before it finished');

    const store = await SqlStore.open(db);
    try {
      if (engine === 'sqlite') {
        assert.equal((await store.db.get<{ integrity_check: string }>('PRAGMA integrity_check'))!.integrity_check, 'ok');
        assert.deepEqual(await store.db.all('PRAGMA foreign_key_check'), []);
      }
      const [capture] = await store.captures();
      assert.ok(capture);
      assert.equal(capture.status, 'running', 'never finished');
      assert.ok(capture.frames >= committed && capture.frames < BIG_FRAMES, `${capture.frames} frames committed`);

      // Every table's rows belong to transactions that committed whole: totals agree with their rows.
      const linkFrames = await store.db.get<{ frames: number; errors: number }>(
        'SELECT SUM(frames) AS frames, SUM(decode_errors) AS errors FROM link_counters WHERE capture_id = ?', [capture.id]);
      assert.equal(linkFrames!.frames, capture.frames);
      assert.equal(linkFrames!.errors, capture.decodeErrors);
      const links = await store.db.get<{ frames: number }>('SELECT SUM(frames) AS frames FROM links WHERE capture_id = ?', [capture.id]);
      assert.equal(links!.frames, capture.frames);
      const runningTotals = await store.db.all<{ link: string; packets: number; total: number }>(
        'SELECT link, SUM(packets) AS packets, MAX(total_packets) AS total FROM counters WHERE capture_id = ? GROUP BY link, source, grp', [capture.id]);
      for (const flow of runningTotals) assert.equal(flow.packets, flow.total, `running total of a flow on ${flow.link}`);
      const counts = await store.captureCounts(capture.id);
      assert.ok(counts.messages > 0 && counts.facts > 0 && counts.changes > 0, JSON.stringify(counts));
      const badIntervals = await store.db.get<{ bad: number }>('SELECT COUNT(*) AS bad FROM facts WHERE end_time < start_time');
      assert.equal(badIntervals!.bad, 0);

      // The store reads it like any other capture.
      const state = await store.stateAt(capture.endTime!, capture.id);
      assert.ok(state.links.length > 0);
      const page = await store.messages({ captureId: capture.id, limit: 10, offset: 0 });
      assert.equal(page.total, counts.messages);
    } finally {
      await store.close();
    }
  });
});
