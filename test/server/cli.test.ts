import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLI = 'dist/server/cli.js';
const PIM_FIXTURE = 'test/fixtures/pim/frr-pim.pcap';

async function mcast(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('stats --json prints the stable schema for a real FRR capture', async () => {
  const { code, stdout } = await mcast('stats', PIM_FIXTURE, '--json');
  assert.equal(code, 0);
  const stats = JSON.parse(stdout);
  assert.deepEqual(Object.keys(stats).slice(0, 4), ['frames', 'decodeErrors', 'links', 'flows']);
  assert.equal(stats.frames, 16);
  assert.deepEqual(stats.links['frr-pim'].messages, { 'pim.hello': 14, 'pim.register': 1, 'pim.register-stop': 1 });
});

test('a truncated file reports where it stopped and keeps the frames before', async () => {
  const whole = await readFile(PIM_FIXTURE);
  const dir = await mkdtemp(join(tmpdir(), 'mcast-cli-'));
  const cut = join(dir, 'cut.pcap');
  await writeFile(cut, whole.subarray(0, whole.length - 10));
  const { code, stdout } = await mcast('stats', cut, '--json');
  assert.equal(code, 0);
  const stats = JSON.parse(stdout);
  assert.equal(stats.frames, 15);
  assert.equal(stats.problems.length, 1);
  assert.equal(stats.problems[0].fatal, true);
  assert.ok(stats.problems[0].offset > 24 && stats.problems[0].offset < whole.length - 10);
});

test('a file that is not a capture and a missing file are one-line errors, not stack traces', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-cli-'));
  const text = join(dir, 'notes.txt');
  await writeFile(text, 'hello, this is not a capture\n');
  const bad = await mcast('stats', text);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^mcast: .*notes\.txt: .*not a pcap or pcapng file/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const missing = await mcast('stats', join(dir, 'nope.pcap'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  const unknown = await mcast('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command/);
});
