/**
 * Issue proof: for every lab sample, `mcast stats` counts per link, message kind and group-record
 * kind equal what tshark counted on the same file when the sample was made (tshark-counts.json,
 * written by samples/tools/tshark-counts.py, so this test needs no tshark).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectStats } from '../../cli/commands/stats.js';

const SAMPLES = process.env.MCAST_SAMPLES_DIR ?? join(process.cwd(), 'samples');

interface TsharkCounts {
  file: string;
  links: Record<string, { frames: number; messages: Record<string, number>; records: Record<string, number>; decodeErrors?: number }>;
}

const nonZero = (counts: Record<string, number | undefined>) => Object.fromEntries(Object.entries(counts).filter(([, count]) => (count ?? 0) > 0).sort());

const scenarios = (await readdir(SAMPLES, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
for (const scenario of scenarios) {
  const countsPath = join(SAMPLES, scenario, 'tshark-counts.json');
  const expected = await readFile(countsPath, 'utf8').then((text) => JSON.parse(text) as TsharkCounts, () => null);
  if (expected === null) continue;
  test(`${scenario}: per-link counts equal tshark's`, async () => {
    const stats = await collectStats([join(SAMPLES, scenario, expected.file)]);
    assert.deepEqual(stats.problems, []);
    assert.deepEqual(Object.keys(stats.links).sort(), Object.keys(expected.links).sort());
    for (const [link, counts] of Object.entries(expected.links)) {
      const ours = stats.links[link]!;
      assert.equal(ours.frames, counts.frames, `${link} frames`);
      assert.deepEqual(nonZero(ours.messages), nonZero(counts.messages), `${link} messages`);
      assert.deepEqual(nonZero(ours.records), nonZero(counts.records), `${link} records`);
      assert.equal(ours.decodeErrors, counts.decodeErrors ?? 0, `${link} decode errors`);
    }
  });
}
