/** Timeline entries from a real capture: every entry names its link, group and source at the top, in time order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decodeFrame } from '../../../capture/decode.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import type { TimelineEntry } from '../../../capture/model/timeline.js';
import { openCaptureFiles } from '../../../capture/sources/capture-file.js';

const SAMPLE = join(process.cwd(), 'samples', 'pim-sm', 'pim-sm.pcapng.gz');
const entries: TimelineEntry[] = [];
const analyzer = new NetworkAnalyzer({ onChange: (entry) => entries.push(entry) });
for await (const frame of openCaptureFiles([SAMPLE]).frames) analyzer.onFrame(decodeFrame(frame));

test('every entry has link, group and source at its top level', () => {
  assert.ok(entries.length > 400);
  for (const entry of entries) {
    for (const field of ['link', 'group', 'source'] as const) {
      assert.ok(field in entry && (entry[field] === null || typeof entry[field] === 'string'), `${entry.area}.${entry.kind} ${field}`);
    }
  }
});

test('PIM join state and register changes name the (S,G) their detail is about; RP mappings name no group', () => {
  const pim = entries.filter((entry) => entry.area === 'pim');
  const joins = pim.filter((entry) => entry.kind === 'join' || entry.kind === 'prune' || entry.kind === 'pruned');
  assert.ok(joins.length > 10);
  for (const entry of joins) {
    const detail = entry.detail as { group: string; source: string | null };
    assert.equal(entry.group, detail.group);
    assert.equal(entry.source, detail.source);
    assert.notEqual(entry.link, null);
  }
  const registers = pim.filter((entry) => entry.kind.startsWith('register-'));
  assert.ok(registers.length > 0);
  for (const entry of registers) assert.ok(entry.link === null && entry.group !== null && entry.source !== null);
  for (const entry of pim.filter((item) => item.kind === 'rp-learned')) assert.equal(entry.group, null);
});

test('the changes timers make are told in time order across membership, PIM and flows', async () => {
  const told: TimelineEntry[] = [];
  const timed = new NetworkAnalyzer({ onChange: (entry) => told.push(entry) });
  for await (const frame of openCaptureFiles([SAMPLE]).frames) timed.onFrame(decodeFrame(frame));
  // Jumping an hour past the end makes every timer still running fire within one advance.
  const before = told.length;
  timed.advance(timed.time + 3600);
  const fired = told.slice(before);
  assert.ok(new Set(fired.map((entry) => entry.area)).size >= 2, 'timers of several areas fire');
  for (let i = 1; i < fired.length; i++) assert.ok(fired[i]!.time >= fired[i - 1]!.time, `${fired[i]!.area}.${fired[i]!.kind} goes back in time`);
});

test('membership and PIM timers run out between data frames as when they are run at every frame', async () => {
  // The analyzer runs only the flows' timers for a frame before any other is due; a snapshot runs them all.
  const fast: TimelineEntry[] = [];
  const everyFrame: TimelineEntry[] = [];
  const skipping = new NetworkAnalyzer({ onChange: (entry) => fast.push(entry) });
  const running = new NetworkAnalyzer({ onChange: (entry) => everyFrame.push(entry) });
  for await (const frame of openCaptureFiles([SAMPLE]).frames) {
    const result = decodeFrame(frame);
    skipping.onFrame(result);
    running.onFrame(result);
    running.snapshot();
  }
  for (const analyzer of [skipping, running]) analyzer.advance(analyzer.time + 3600);
  assert.ok(fast.some((entry) => entry.area === 'membership' && entry.kind === 'group-removed'));
  assert.deepEqual(fast, everyFrame);
});

test('flows tell when each forwarder starts and stops', () => {
  const flow = entries.filter((entry) => entry.area === 'flow');
  const started = flow.filter((entry) => entry.kind === 'forwarder-started');
  const stopped = flow.filter((entry) => entry.kind === 'forwarder-stopped');
  assert.ok(started.length > 0 && stopped.length > 0);
  // A forwarder stops only after it started, and starts again only after it stopped.
  const active = new Set<string>();
  for (const entry of flow) {
    const key = `${entry.link}|${entry.source}|${entry.group}|${(entry.detail as { mac: string }).mac}`;
    if (entry.kind === 'forwarder-started') assert.ok(!active.has(key), `started twice: ${key}`), active.add(key);
    if (entry.kind === 'forwarder-stopped') assert.ok(active.delete(key), `stopped without start: ${key}`);
  }
});
