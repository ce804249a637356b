/**
 * Inferred trees on the real pim-sm capture, at two of its checkpoints: after the switch to the
 * shortest-path tree, and after the last receiver left (sources still sending).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeFrame } from '../../../capture/decode.js';
import { frameTime } from '../../../capture/frame.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import { parseTopology } from '../../../capture/model/topology.js';
import { isRoutable } from '../../../capture/model/trees.js';
import type { Tree } from '../../../shapes/trees.js';
import { openCaptureFiles } from '../../../capture/sources/capture-file.js';

const SAMPLE = join(process.cwd(), 'samples', 'pim-sm');
const R1 = '10.255.0.1';
const R2 = '10.255.0.2';
const R3 = '10.255.0.3';
const R4 = '10.255.0.4';

async function snapshotsAtCheckpoints(numbers: number[]): Promise<NetworkSnapshot[]> {
  const topology = parseTopology(JSON.parse(await readFile(join(SAMPLE, 'topology.json'), 'utf8')));
  assert.ok(typeof topology !== 'string');
  const times = await Promise.all(numbers.map(async (n) =>
    (JSON.parse(await readFile(join(SAMPLE, 'truth', `checkpoint-${String(n).padStart(2, '0')}.json`), 'utf8')) as { timeStart: number }).timeStart));
  const analyzer = new NetworkAnalyzer({ topology });
  const snapshots: NetworkSnapshot[] = [];
  for await (const frame of openCaptureFiles([join(SAMPLE, 'pim-sm.pcapng.gz')]).frames) {
    while (snapshots.length < times.length && times[snapshots.length]! < frameTime(frame)) snapshots.push(analyzer.snapshot(times[snapshots.length]!));
    analyzer.onFrame(decodeFrame(frame));
  }
  while (snapshots.length < times.length) snapshots.push(analyzer.snapshot(times[snapshots.length]!));
  return snapshots;
}

const tree = (snapshot: NetworkSnapshot, source: string, group: string): Tree => {
  const found = snapshot.trees.find((entry) => entry.source === source && entry.group === group);
  assert.ok(found, `no tree (${source}, ${group})`);
  return found;
};
const edge = (found: Tree, router: string, out: string) => found.edges.find((entry) => entry.router === router && entry.out === out);

const [afterSwitch, afterLeave] = await snapshotsAtCheckpoints([2, 8]);

test('after the switchover, (S1,G) runs on the shortest path R1 → r1-r3 → R3, with the switch time', () => {
  const spt = tree(afterSwitch!, '10.0.1.10', '239.1.1.1');
  assert.equal(spt.kind, 'SPT');
  assert.equal(spt.rp, R2);
  assert.ok(spt.switchoverAt !== null && spt.switchoverAt < afterSwitch!.at);
  assert.deepEqual(edge(spt, R3, 'lan-rcv1'), { router: R3, in: 'r1-r3', out: 'lan-rcv1', carriesData: true, wanted: true, ttlLimited: false });
  assert.deepEqual(edge(spt, R1, 'r1-r3'), { router: R1, in: 'lan-src', out: 'r1-r3', carriesData: true, wanted: true, ttlLimited: false });
  assert.deepEqual(edge(spt, R4, 'lan-rcv2'), { router: R4, in: 'r2-r4', out: 'lan-rcv2', carriesData: true, wanted: true, ttlLimited: false });
  assert.deepEqual(spt.nodes.find((node) => node.router === R1), { router: R1, in: 'lan-src', isRp: false, isFirstHop: true });
  assert.equal(spt.nodes.find((node) => node.router === R2)?.isRp, true);
});

test('the RP tree of the group is rooted at the RP and reaches both receiver LANs', () => {
  const rpt = tree(afterSwitch!, '*', '239.1.1.1');
  assert.equal(rpt.kind, 'RPT');
  assert.deepEqual(rpt.edges.filter((entry) => entry.router === R2).map((entry) => [entry.in, entry.out, entry.wanted]), [[null, 'r2-r3', true], [null, 'r2-r4', true]]);
  assert.deepEqual(rpt.edges.filter((entry) => entry.out.startsWith('lan-rcv')).map((entry) => [entry.router, entry.in, entry.out]), [[R3, 'r2-r3', 'lan-rcv1'], [R4, 'r2-r4', 'lan-rcv2']]);
});

test('the SSM channel takes the path of its (S,G) joins, with no RP', () => {
  const ssm = tree(afterSwitch!, '10.0.1.20', '232.1.1.1');
  assert.equal(ssm.kind, 'SSM');
  assert.equal(ssm.rp, null);
  assert.deepEqual(ssm.edges.map((entry) => [entry.router, entry.in, entry.out, entry.wanted]), [[R1, 'lan-src', 'r1-r2', true], [R2, 'r1-r2', 'r2-r4', true], [R4, 'r2-r4', 'lan-rcv2', true]]);
});

test('after the last receiver left, nobody wants the flows: the tree shrank to the first hop', () => {
  for (const group of ['239.1.1.1', '239.2.2.2']) {
    const source = group === '239.1.1.1' ? '10.0.1.10' : '10.0.1.20';
    const spt = tree(afterLeave!, source, group);
    assert.deepEqual(spt.edges.filter((entry) => entry.wanted), [], `${group} still wanted somewhere`);
    assert.equal(spt.nodes.find((node) => node.router === R1)?.isFirstHop, true);
  }
  assert.deepEqual(afterLeave!.memberships.filter((entry) => isRoutable(entry.group)), []);
});
