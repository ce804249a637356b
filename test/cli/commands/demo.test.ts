/** The README's first command ends in `mcast demo`: analysis printed, stored, dashboard served, Ctrl-C stops it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface RunningDemo {
  child: ChildProcess;
  url: string;
  /** The database it says it stored into. */
  db: string;
  output: string;
  exited: Promise<number | null>;
}

/** Starts `mcast demo --port 0 ...args` and waits for the line naming its database and dashboard. */
async function startDemo(...args: string[]): Promise<RunningDemo> {
  const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const { url, db } = await new Promise<{ url: string; db: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no dashboard URL within 60 s:\n${output}`)), 60_000);
    child.stdout!.on('data', () => {
      const match = /stored in (\S+?)(?: \(removed when the demo stops\))?; dashboard at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ db: match[1]!, url: match[2]! });
      }
    });
  });
  return { child, url, db, output, exited };
}

test('mcast demo prints the bundled sample\'s state, serves it, and stops on SIGTERM', async () => {
  const db = join(await mkdtemp(join(tmpdir(), 'mcast-demo-')), 'demo.sqlite');
  const demo = await startDemo('--db', db);
  try {
    assert.equal(demo.db, db);
    // The printed analysis names the sample's routers from its topology file, with the RP tree and the SPT.
    for (const name of ['R1', 'R2', 'R3', 'R4']) assert.match(demo.output, new RegExp(`^${name}\\s+\\S+\\s+10\\.`, 'm'));
    assert.match(demo.output, /trees \(show ip mroute, inferred network-wide\)/);
    const captures = await (await fetch(new URL('api/captures', demo.url))).json() as { source: string; status: string }[];
    assert.deepEqual(captures.map((capture) => [capture.source, capture.status]), [['pim-sm.pcapng.gz', 'complete']]);
    const page = await fetch(demo.url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>[^<]*mcast/i);
  } finally {
    demo.child.kill('SIGTERM');
  }
  assert.equal(await demo.exited, 0);
  assert.ok(existsSync(db), 'a database the user named is kept');
});

test('two demos at once without --db: each its own database, removed when it stops', async () => {
  const demos = await Promise.all([startDemo(), startDemo()]);
  try {
    assert.notEqual(demos[0].db, demos[1].db);
    for (const demo of demos) {
      assert.ok(existsSync(demo.db), demo.db);
      const captures = await (await fetch(new URL('api/captures', demo.url))).json() as { source: string; status: string }[];
      assert.deepEqual(captures.map((capture) => [capture.source, capture.status]), [['pim-sm.pcapng.gz', 'complete']]);
    }
  } finally {
    for (const demo of demos) demo.child.kill('SIGTERM');
  }
  for (const demo of demos) {
    assert.equal(await demo.exited, 0);
    assert.ok(!existsSync(demo.db), `${demo.db} is removed at exit`);
  }
});
