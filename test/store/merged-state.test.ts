import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capturesCountingAt, mergeSnapshots } from '../../store/merged-state.js';
import type { StoredSnapshot } from '../../store/store-api.js';
import type { LinkState, MembershipState, Router } from '../../shapes/snapshot.js';
import type { Tree } from '../../shapes/trees.js';

function snapshot(parts: Partial<StoredSnapshot>): StoredSnapshot {
  return { at: 0, routers: [], links: [], memberships: [], joins: [], asserts: [], flows: [], trees: [], rps: [], bsrs: [], registers: [], anomalies: [], latencies: [], ...parts };
}

const link = (name: string, querier: string): LinkState => ({
  name, querier, igmpVersion: 3, mldQuerier: null, mldVersion: null, igmpRouters: [querier], mldRouters: [], dr: null, pimNeighbors: [], frames: 10, decodeErrors: 0,
});
const member = (linkName: string, reporter: string): MembershipState => ({
  link: linkName, group: '239.1.1.1', family: 4, mode: 'EXCLUDE', sources: [], excluded: [], reporters: [reporter], version: 3, expiresAt: null,
});
const router = (id: string, linkName: string, address: string): Router => ({ id, name: null, ospfRouterId: null, interfaces: [{ link: linkName, addresses: [address], mac: null }], evidence: [] });
const tree = (out: string): Tree => ({
  source: '10.0.0.1', group: '239.1.1.1', rp: null, kind: 'SPT', switchoverAt: null, switchover: null,
  edges: [{ router: 'R1', in: 'up', out, carriesData: true, wanted: true, ttlLimited: false }], nodes: [{ router: 'R1', in: 'up', isRp: false, isFirstHop: false }],
});

test('the captures counting at T: those of the observation (overlapping spans) holding T that have begun; the last observation before T after it', () => {
  const captures = [
    { id: 1, start: 100, end: 200 }, { id: 2, start: 150, end: 210 }, { id: 3, start: 205, end: 300 },
    { id: 4, start: 400, end: 500 }, { id: 5, start: null, end: null },
  ];
  assert.deepEqual(capturesCountingAt(captures, 50), [], 'before every capture');
  assert.deepEqual(capturesCountingAt(captures, 120), [1], 'capture 2 has not begun');
  assert.deepEqual(capturesCountingAt(captures, 180), [1, 2]);
  assert.deepEqual(capturesCountingAt(captures, 250), [1, 2, 3], 'ended ones count with their last state: 3 overlaps 2, which overlaps 1');
  assert.deepEqual(capturesCountingAt(captures, 350), [1, 2, 3], 'between observations: the last one before T');
  assert.deepEqual(capturesCountingAt(captures, 450), [4]);
  assert.deepEqual(capturesCountingAt(captures, 900), [4]);
});

test('merged state: a link name two captures share keeps both captures\' rows, an identical row once; trees and routers are joined', () => {
  const merged = mergeSnapshots(5, [
    snapshot({ links: [link('lan1', '10.0.1.1')], memberships: [member('lan1', '10.0.1.10'), member('lan1', '10.0.1.11')], trees: [tree('lan1')], routers: [router('10.0.1.1', 'lan1', '10.0.1.1')] }),
    snapshot({
      links: [link('lan1', '10.9.1.1'), link('lan2', '10.0.2.1')], memberships: [member('lan1', '10.0.1.11'), member('lan2', '10.0.2.10')], trees: [tree('lan2')],
      routers: [{ ...router('10.0.2.1', 'lan2', '10.0.2.1'), interfaces: [{ link: 'lan1', addresses: ['10.0.1.1'], mac: null }, { link: 'lan2', addresses: ['10.0.2.1'], mac: null }] }],
    }),
  ]);
  assert.equal(merged.at, 5);
  assert.deepEqual(merged.links.map((entry) => `${entry.name} ${entry.querier}`), ['lan1 10.0.1.1', 'lan1 10.9.1.1', 'lan2 10.0.2.1']);
  assert.deepEqual(merged.memberships.map((entry) => `${entry.link} ${entry.reporters[0]}`), ['lan1 10.0.1.10', 'lan1 10.0.1.11', 'lan2 10.0.2.10']);
  assert.equal(merged.trees.length, 1);
  assert.deepEqual(merged.trees[0]!.edges.map((edge) => edge.out), ['lan1', 'lan2']);
  assert.deepEqual(merged.trees[0]!.nodes.length, 1);
  assert.equal(merged.routers.length, 1, 'one interface in common: one router');
  assert.deepEqual(merged.routers[0]!.interfaces.map((entry) => entry.link), ['lan1', 'lan2']);
});
