/** Times on the command line and in the output: --at in ISO 8601 or epoch seconds, outside the capture, the timeline's order, stats' span. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mcast } from '../helpers/run-cli.js';

const SAMPLE = 'samples/pim-sm/pcap/r2-r3.pcap';

async function spanOf(...files: string[]): Promise<{ first: number; last: number }> {
  const stats = JSON.parse((await mcast(['stats', ...files, '--json'])).stdout) as { span: { first: number; last: number } };
  return stats.span;
}

test('stats prints the first and last frame times, ISO and epoch (JSON: span)', async () => {
  const span = await spanOf(SAMPLE);
  assert.ok(span.first < span.last);
  const iso = (time: number) => new Date(time * 1000).toISOString();
  const { code, stdout } = await mcast(['stats', SAMPLE]);
  assert.equal(code, 0);
  const lines = stdout.split('\n');
  assert.equal(lines[1], `first frame ${iso(span.first)} (${span.first})`);
  assert.equal(lines[2], `last frame  ${iso(span.last)} (${span.last}), ${(span.last - span.first).toFixed(1)} s later`);
});

test('--at takes the ISO 8601 times the output prints, with any zone, as well as epoch seconds', async () => {
  const { first } = await spanOf(SAMPLE);
  const at = Math.floor(first) + 30.25;
  const byEpoch = await mcast(['analyze', SAMPLE, '--json', '--at', String(at)]);
  assert.equal(byEpoch.code, 0, byEpoch.stderr);
  const utc = new Date(at * 1000).toISOString();
  const byIso = await mcast(['analyze', SAMPLE, '--json', '--at', utc]);
  assert.equal(byIso.code, 0, byIso.stderr);
  assert.equal(byIso.stdout, byEpoch.stdout);
  // The same moment an hour east, to the microsecond Date itself drops.
  const east = `${new Date((at + 3600) * 1000).toISOString().slice(0, 19)}.250001+01:00`;
  const snapshot = JSON.parse((await mcast(['analyze', SAMPLE, '--json', '--at', east])).stdout) as { at: number };
  assert.ok(Math.abs(snapshot.at - (at + 0.000001)) < 1e-6 / 4, `${snapshot.at}`);
  const findings = await mcast(['findings', SAMPLE, '--at', utc]);
  assert.equal(findings.code, 0, findings.stderr);
});

test('--at outside the capture warns on stderr with the capture\'s span and still prints the state', async () => {
  const { first, last } = await spanOf(SAMPLE);
  const named = (time: number) => `${new Date(time * 1000).toISOString()} (${time})`;
  const spans = `which spans ${named(first)} to ${named(last)}\n`;
  for (const [at, where] of [[1_000_000_000, 'before'], [last + 3600, 'after']] as const) {
    for (const command of ['analyze', 'findings']) {
      const result = await mcast([command, SAMPLE, '--at', String(at)]);
      assert.equal(result.code, 0);
      assert.equal(result.stderr, `mcast: warning: --at ${named(at)} is ${where} the capture, ${spans}`);
      if (command === 'analyze') assert.match(result.stdout, new RegExp(`^state at ${new Date(at * 1000).toISOString()}`));
    }
  }
  for (const at of [first, (first + last) / 2, last]) assert.equal((await mcast(['analyze', SAMPLE, '--at', String(at)])).stderr, '');
});

test('--timeline entries never go back in time, from one file per link or a pcapng written interface by interface', async () => {
  const perLink = (await readdir('samples/pim-sm/pcap')).map((file) => join('samples/pim-sm/pcap', file));
  for (const files of [perLink, ['samples/pim-sm/pim-sm.pcapng.gz'], ['samples/ipv6-mld/pcap/lan-v6.pcap.gz']]) {
    const result = await mcast(['analyze', ...files, '--timeline', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const timeline = JSON.parse(result.stdout) as { time: number; area: string; kind: string }[];
    assert.ok(timeline.length > 100);
    const backwards = timeline.findIndex((entry, index) => index > 0 && entry.time < timeline[index - 1]!.time);
    assert.equal(backwards, -1, `${files.join(' ')}: entry ${backwards} goes back in time`);
  }
});
