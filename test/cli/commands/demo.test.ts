/** The README's first command ends in `mcast demo`: analysis printed, stored, dashboard served, Ctrl-C stops it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('mcast demo prints the bundled sample\'s state, serves it, and stops on SIGTERM', async () => {
  const db = join(await mkdtemp(join(tmpdir(), 'mcast-demo-')), 'demo.sqlite');
  const child = spawn(process.execPath, ['dist/cli/main.js', 'demo', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no dashboard URL within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const match = /dashboard at (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    // The printed analysis names the sample's routers from its topology file, with the RP tree and the SPT.
    for (const name of ['R1', 'R2', 'R3', 'R4']) assert.match(output, new RegExp(`^${name}\\s+\\S+\\s+10\\.`, 'm'));
    assert.match(output, /trees \(show ip mroute, inferred network-wide\)/);
    const captures = await (await fetch(new URL('api/captures', url))).json() as { source: string; status: string }[];
    assert.deepEqual(captures.map((capture) => [capture.source, capture.status]), [['pim-sm.pcapng.gz', 'complete']]);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>[^<]*mcast/i);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
});
