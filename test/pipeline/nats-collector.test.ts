/**
 * Probes and a collector as separate processes over a real NATS JetStream server: one
 * `mcast analyze FILE --publish` per link of the pim-sm lab, all at once, and `mcast collect --db`.
 * The collector's store holds what `mcast analyze --db` of all the files holds: the same frames,
 * messages and changes, the same data counters second by second, and the same findings, those
 * resting on flows opened up to a second later (probes publish their flows once a second). A
 * collector killed or stopped mid-run and started again resumes from its checkpoint to that same end.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SqlStore } from '../../store/sql-store.js';
import { STORE_ENGINES, stopPostgres, storeTarget } from '../helpers/test-stores.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { CLI, mcast } from '../helpers/run-cli.js';

const LAB = join(process.cwd(), 'samples', 'pim-sm', 'pcap');

async function tables(path: string): Promise<Record<string, unknown>> {
  const store = await SqlStore.open(path, { readonly: true });
  const db = store.db;
  try {
    return {
      capture: await db.get('SELECT frames, decode_errors, start_time, end_time FROM captures'),
      counters: await db.all('SELECT second, link, source, grp, packets, bytes, total_packets, total_bytes FROM counters ORDER BY second, link, source, grp'),
      linkCounters: await db.all('SELECT second, link, frames, decode_errors FROM link_counters ORDER BY second, link'),
      messages: await db.all('SELECT time, link, kind, src, dst, groups, summary FROM messages ORDER BY time, link, kind, src'),
      changes: await db.all('SELECT time, area, kind, link, grp, source, detail FROM changes ORDER BY time, area, kind, link, grp, source, detail'),
      findings: await db.all('SELECT kind, severity, link, grp, source, router, time, until FROM findings ORDER BY kind, link, grp, source, router, time'),
    };
  } finally {
    await store.close();
  }
}

after(stopPostgres);

for (const engine of STORE_ENGINES) test(`probes in separate processes publish to NATS; the collector stores (on ${engine}) what analyze --db of all files stores`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-collect-'));
  const collectedStore = await storeTarget(engine, dir, 'collected');
  const server = await startNatsServer();
  try {
    const files = (await readdir(LAB)).sort().map((file) => join(LAB, file));
    const probes = files.map((file) => basename(file).replace(/\..*$/, ''));
    const reference = await mcast(['analyze', ...files, '--db', join(dir, 'reference.sqlite')]);
    assert.equal(reference.code, 0, reference.stderr);

    // Probes race at full speed: the collector waits for the slowest (a lateness window as long as the capture).
    const collector = mcast(['collect', '--nats', server.url, '--probes', probes.join(','), '--lateness', '100000', engine === 'postgres' ? '--postgres' : '--db', collectedStore, '--json']);
    const published = await Promise.all(files.map((file, index) => mcast(['analyze', file, '--publish', server.url, '--probe', probes[index]!, '--json'])));
    for (const result of published) {
      assert.equal(result.code, 0, result.stderr);
      const summary = JSON.parse(result.stdout) as { records: number; published: number; dropped: number };
      assert.ok(summary.records > 0 && summary.published === summary.records && summary.dropped === 0, result.stdout);
    }
    const collected = await collector;
    assert.equal(collected.code, 0, collected.stderr);
    const summary = JSON.parse(collected.stdout) as { records: number; late: number; unreadable: number; probes: { name: string; ended: boolean }[] };
    assert.equal(summary.late, 0);
    assert.equal(summary.unreadable, 0);
    assert.deepEqual(summary.probes.map((probe) => [probe.name, probe.ended]).sort(), probes.map((name) => [name, true]).sort());

    const expected = await tables(join(dir, 'reference.sqlite'));
    const actual = await tables(collectedStore);
    assert.ok((expected.counters as unknown[]).length > 100, 'the lab has data counters');
    for (const table of Object.keys(expected)) if (table !== 'findings') assert.deepEqual(actual[table], expected[table], table);
    type Finding = { kind: string; link: string | null; grp: string | null; source: string | null; router: string | null; time: number; until: number | null };
    const [found, wanted] = [actual.findings as Finding[], expected.findings as Finding[]];
    assert.deepEqual(found.map(({ time: _t, until: _u, ...place }) => place), wanted.map(({ time: _t, until: _u, ...place }) => place), 'the same findings');
    const withinASecond = (x: number | null, y: number | null) => (x === null ? y === null : y !== null && Math.abs(x - y) <= 1);
    found.forEach((finding, index) => {
      assert.ok(withinASecond(finding.time, wanted[index]!.time) && withinASecond(finding.until, wanted[index]!.until), `${finding.kind}: ${JSON.stringify([finding, wanted[index]])}`);
    });
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

for (const engine of STORE_ENGINES) test(`a collector killed (SIGKILL), then stopped (SIGTERM), resumes each time from its checkpoint (on ${engine}): the store ends as analyze --db makes it, nothing lost or doubled`, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-collect-kill-'));
  const server = await startNatsServer();
  try {
    const files = (await readdir(LAB)).sort().map((file) => join(LAB, file));
    const probes = files.map((file) => basename(file).replace(/\..*$/, ''));
    const db = await storeTarget(engine, dir, 'resumed');
    const reference = await mcast(['analyze', ...files, '--db', join(dir, 'reference.sqlite')]);
    assert.equal(reference.code, 0, reference.stderr);
    // The probes replay their 200 s at 15 times its pace while collectors come and go.
    const publishing = Promise.all(files.map((file, index) => mcast(['analyze', file, '--publish', server.url, '--probe', probes[index]!, '--speed', '15'])));
    const collect = ['collect', '--nats', server.url, '--probes', probes.join(','), '--lateness', '100000', '--db', db, '--json'];
    const waitForCheckpoint = async (beyond: number) => {
      let position = 0;
      for (let tries = 0; tries < 200 && position <= beyond; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        position = (await checkpoint(db))?.position ?? 0;
      }
      assert.ok(position > beyond, `a checkpoint beyond stream position ${beyond}`);
      return position;
    };

    const first = spawn(process.execPath, [CLI, ...collect], { stdio: 'ignore' });
    const killedAt = await waitForCheckpoint(0);
    const killed = new Promise((resolve) => first.once('exit', (_code, signal) => resolve(signal)));
    first.kill('SIGKILL');
    assert.equal(await killed, 'SIGKILL');

    const second = spawn(process.execPath, [CLI, ...collect], { stdio: ['ignore', 'pipe', 'pipe'] });
    let secondErr = '';
    second.stderr!.on('data', (chunk: Buffer) => { secondErr += chunk.toString(); });
    const stoppedAt = await waitForCheckpoint(killedAt + 100);
    const exited = new Promise((resolve) => second.once('exit', (code) => resolve(code)));
    second.kill('SIGTERM');
    assert.equal(await exited, 0, secondErr);
    assert.match(secondErr, /^mcast: resuming capture 1 from stream position \d+ \(packet time /);
    const paused = await checkpoint(db);
    assert.equal(paused?.status, 'stopped');
    assert.ok(paused!.position >= stoppedAt);

    const third = mcast(collect);
    for (const result of await publishing) assert.equal(result.code, 0, result.stderr);
    const last = await third;
    assert.equal(last.code, 0, last.stderr);
    const summary = JSON.parse(last.stdout) as { late: number; resumedFrom: number | null };
    assert.equal(summary.late, 0);
    assert.equal(summary.resumedFrom, paused!.position);
    const [expected, actual] = [await tables(join(dir, 'reference.sqlite')), await tables(db)];
    for (const table of ['capture', 'counters', 'linkCounters', 'messages', 'changes']) assert.deepEqual(actual[table], expected[table], table);
    const captures = await SqlStore.open(db, { readonly: true }).then(async (store) => {
      const rows = await store.db.all<{ id: number; source: string; status: string }>('SELECT id, source, status FROM captures');
      await store.close();
      return rows;
    });
    assert.deepEqual(captures, [{ id: 1, source: 'collector:collector', status: 'complete' }], 'one capture, taken up each time');
    assert.equal(await checkpoint(db), null, 'a complete capture keeps no checkpoint');
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

async function checkpoint(target: string): Promise<{ position: number; status: string } | null> {
  const store = await SqlStore.open(target, { readonly: true }).catch(() => null);
  if (store === null) return null;
  try {
    const row = await store.db.get<{ position: number; status: string }>(
      'SELECT stream_position AS position, status FROM checkpoints JOIN captures ON captures.id = capture_id').catch(() => undefined);
    return row ?? null;
  } finally {
    await store.close();
  }
}

test('collect --serve shows the network on the dashboard API while probes are still publishing', async () => {
  const server = await startNatsServer();
  try {
    const files = (await readdir(LAB)).sort().map((file) => join(LAB, file));
    const probes = files.map((file) => basename(file).replace(/\..*$/, ''));
    const collector = spawn(process.execPath, [CLI, 'collect', '--nats', server.url, '--probes', probes.join(','), '--lateness', '30', '--serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => collector.once('exit', resolve));
    after(() => collector.kill('SIGKILL'));
    const url = await new Promise<string>((resolve, reject) => {
      let stderr = '';
      collector.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const found = /dashboard at (http:\/\/\S+)/.exec(stderr)?.[1];
        if (found !== undefined) resolve(found);
      });
      void exited.then(() => reject(new Error(`collector exited: ${stderr}`)));
    });
    // All probes but one: the collector waits for the last, and serves what it has stored meanwhile.
    for (const result of await Promise.all(files.slice(1).map((file, index) => mcast(['analyze', file, '--publish', server.url, '--probe', probes[index + 1]!])))) {
      assert.equal(result.code, 0, result.stderr);
    }
    let captures: { source: string; status: string; frames: number }[] = [];
    for (let tries = 0; tries < 100 && !(captures[0]?.frames > 0); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      captures = (await (await fetch(new URL("/api/captures", url))).json()) as typeof captures;
    }
    assert.equal(captures[0]?.source, 'collector:collector');
    assert.equal(captures[0]?.status, 'running');
    assert.ok(captures[0]!.frames > 0, 'frames are stored while the collector runs');
    const last = await mcast(['analyze', files[0]!, '--publish', server.url, '--probe', probes[0]!]);
    assert.equal(last.code, 0, last.stderr);
    assert.equal(await exited, 0);
  } finally {
    await server.stop();
  }
});

test('collect and analyze --publish refuse bad options in one line', async () => {
  for (const args of [
    ['collect'],
    ['collect', '--nats', 'http://127.0.0.1:4222'],
    ['collect', '--nats', 'nats://127.0.0.1:4222', '--probes', 'a,b c'],
    ['analyze', join(LAB, 'r2-r3.pcap'), '--publish', 'nats://127.0.0.1:4222'],
    ['analyze', join(LAB, 'r2-r3.pcap'), '--publish', 'nats://127.0.0.1:4222', '--probe', 'p', '--db', 'x.sqlite'],
  ]) {
    const result = await mcast(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /^mcast: [^\n]+\n$/);
  }
  const unreachable = await mcast(['analyze', join(LAB, 'r2-r3.pcap'), '--publish', 'nats://127.0.0.1:1', '--probe', 'p']);
  assert.equal(unreachable.code, 1, unreachable.stderr);
  assert.match(unreachable.stderr, /^mcast: cannot reach the NATS server at nats:\/\/127\.0\.0\.1:1: [^\n]+\n$/);
});

test('a checkpoint that cannot be restored is one line naming the way out; one from another mcast is set aside and the stream read afresh', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-collect-bad-checkpoint-'));
  const server = await startNatsServer();
  try {
    const db = join(dir, 'collected.sqlite');
    const file = join(LAB, 'r2-r3.pcap');
    const published = await mcast(['analyze', file, '--publish', server.url, '--probe', 'r2r3']);
    assert.equal(published.code, 0, published.stderr);
    const collectUntilCheckpoint = async () => {
      const collector = spawn(process.execPath, [CLI, 'collect', '--nats', server.url, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      collector.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const exited = new Promise((resolve) => collector.once('exit', resolve));
      for (let tries = 0; tries < 200 && (await checkpoint(db))?.status !== 'running'; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
      collector.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      return stderr;
    };
    await collectUntilCheckpoint();
    const alter = async (sql: string) => {
      const handle = await SqlStore.open(db);
      await handle.db.run(sql);
      await handle.close();
    };
    await alter("UPDATE checkpoints SET state = x'00ff'");
    const refused = await mcast(['collect', '--nats', server.url, '--db', db]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /^mcast: cannot resume collector:collector from its checkpoint \(checkpoint: unreadable [^\n]*\); collect under another --name, or delete capture 1\n$/);

    await alter("UPDATE checkpoints SET format = 'mcast 0.0.0 checkpoint 0'");
    const afresh = await collectUntilCheckpoint();
    assert.match(afresh, /^mcast: the checkpoint of collector:collector was written by another mcast \(mcast 0\.0\.0 checkpoint 0\): analyzing the stream from its start\n/);
    assert.equal((await tables(db) as { capture: { frames: number } }).capture.frames > 0, true);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a collector started again under the same name while the first still runs takes the capture over; the first stops with one line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-collect-twice-'));
  const server = await startNatsServer();
  try {
    const db = join(dir, 'collected.sqlite');
    const published = await mcast(['analyze', join(LAB, 'r2-r3.pcap'), '--publish', server.url, '--probe', 'r2r3']);
    assert.equal(published.code, 0, published.stderr);
    const start = () => {
      const child = spawn(process.execPath, [CLI, 'collect', '--nats', server.url, '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
      const output = { stderr: '' };
      child.stderr!.on('data', (chunk: Buffer) => { output.stderr += chunk.toString(); });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { child, output, exited };
    };
    const first = start();
    for (let tries = 0; tries < 200 && (await checkpoint(db))?.status !== 'running'; tries++) await new Promise((resolve) => setTimeout(resolve, 50));
    const second = start();
    assert.equal(await first.exited, 1, first.output.stderr);
    assert.match(first.output.stderr, /^mcast: capture 1 was taken over by another writer \(a collector started again under the same name\)[^\n]*\n$/);
    assert.match(second.output.stderr, /^mcast: resuming capture 1 from stream position \d+/);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, second.output.stderr);
    assert.equal((await checkpoint(db))?.status, 'stopped');
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
