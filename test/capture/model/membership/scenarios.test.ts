import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LinkMembership, type AddressFamily, type LinkMembershipSnapshot, type MembershipChange,
} from '../../../../capture/model/membership/index.js';
import { LINK, olderReport, query, sourceFilterReport } from './observations.js';

/** One address plan per family, so the same script drives IGMPv3 and MLDv2. */
const PLANS = {
  4: { querier: '10.0.0.1', other: '10.0.0.2', hostA: '10.0.0.20', hostB: '10.0.0.21', group: '239.1.1.1', s1: '10.1.1.1', s2: '10.1.1.2' },
  6: { querier: 'fe80::1', other: 'fe80::2', hostA: 'fe80::20', hostB: 'fe80::21', group: 'ff1e::8000:1', s1: '2001:db8::1', s2: '2001:db8::2' },
} as const;

/** Join, refresh by answers to general queries, leave with the last member query, expiry. */
function joinRefreshLeave(family: AddressFamily) {
  const plan = PLANS[family];
  const model = new LinkMembership(LINK, family);
  const snapshots: Record<string, LinkMembershipSnapshot> = {};
  const changes: MembershipChange[] = [];
  const take = (list: readonly MembershipChange[]) => changes.push(...list);
  const at = (time: number) => {
    take(model.advance(time));
    snapshots[time] = model.snapshot(time);
  };
  take(model.onQuery(query(0, plan.querier, {}, family)));
  take(model.onReport(sourceFilterReport(1, plan.hostA, [['TO_EX', plan.group, []]], family)));
  take(model.onReport(sourceFilterReport(2, plan.hostA, [['TO_EX', plan.group, []]], family)));   // robustness retransmission
  at(2);
  take(model.onQuery(query(125, plan.querier, {}, family)));
  take(model.onReport(sourceFilterReport(128, plan.hostA, [['IS_EX', plan.group, []]], family)));
  at(200);
  take(model.onQuery(query(250, plan.querier, {}, family)));
  take(model.onReport(sourceFilterReport(253, plan.hostA, [['IS_EX', plan.group, []]], family)));
  take(model.onReport(sourceFilterReport(300, plan.hostA, [['TO_IN', plan.group, []]], family)));
  at(300);
  // The querier's own Q(G) lowers the group timer to LMQT; its retransmission one LMQI later (S set) moves nothing.
  take(model.onQuery(query(300.01, plan.querier, { group: plan.group, maxRespSeconds: 1 }, family)));
  take(model.onQuery(query(301.01, plan.querier, { group: plan.group, maxRespSeconds: 1, suppressRouterSide: true }, family)));
  at(303);
  return { snapshots, changes, plan };
}

describe('scripted sequences', () => {
  it('IGMPv3: join, refresh, leave with last member query, expiry', () => {
    const { snapshots, changes, plan } = joinRefreshLeave(4);
    assert.deepEqual(snapshots[2]!.groups, [{
      group: plan.group, mode: 'EXCLUDE', sources: [], excluded: [], expiresAt: 262, compatibilityVersion: 3, olderVersionHosts: [],
      reporters: [{
        address: plan.hostA, lastReportAt: 2, expiresAt: 262, version: 3, mode: 'EXCLUDE', sources: [],
        lastRecord: { type: 'TO_EX', sources: [] },
      }],
    }]);
    assert.deepEqual(snapshots[2]!.querier, { address: plan.querier, version: 3, since: 0, lastQueryAt: 0, otherQuerierExpiresAt: 255 });
    assert.equal(snapshots[200]!.groups[0]!.expiresAt, 388);
    assert.equal(snapshots[200]!.querier!.otherQuerierExpiresAt, 380);
    assert.deepEqual(
      [snapshots[300]!.groups[0]!.expiresAt, snapshots[300]!.groups[0]!.reporters],
      [513, []],
    );
    assert.deepEqual(snapshots[303]!.groups, []);
    assert.deepEqual(changes.map((change) => [change.time, change.kind]), [
      [0, 'querier-changed'],
      [1, 'group-added'], [1, 'reporter-added'],
      [300, 'reporter-removed'],
      [302.01, 'group-removed'],
    ]);
  });

  it('MLDv2 runs the same engine: the same script gives the same state with IPv6 addresses', () => {
    const v4 = joinRefreshLeave(4);
    const v6 = joinRefreshLeave(6);
    const toV6 = new Map(Object.keys(PLANS[4]).map((key) => [
      PLANS[4][key as keyof (typeof PLANS)[4]] as string, PLANS[6][key as keyof (typeof PLANS)[6]] as string,
    ]));
    // MLDv2 is IGMPv3's peer, MLDv1 IGMPv2's: version numbers are one lower.
    const VERSION_KEYS = new Set(['version', 'compatibilityVersion', 'operatingVersion']);
    const translate = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, item: unknown) => {
      if (typeof item === 'string' && toV6.has(item)) return toV6.get(item);
      if (typeof item === 'number' && VERSION_KEYS.has(key)) return item - 1;
      return item;
    });
    for (const time of ['2', '200', '300', '303']) {
      const expected = translate(v4.snapshots[time]) as LinkMembershipSnapshot;
      assert.deepEqual(v6.snapshots[time], { ...expected, family: 6, protocol: 'mld' });
    }
    assert.deepEqual(
      v6.changes.map((change) => [change.time, change.kind, change.family]),
      v4.changes.map((change) => [change.time, change.kind, 6]),
    );
  });

  for (const family of [4, 6] as const) {
    it(`${family === 4 ? 'IGMPv3' : 'MLDv2'} source-specific: two INCLUDE hosts, a BLOCK answered, then both leave`, () => {
      const plan = PLANS[family];
      const model = new LinkMembership(LINK, family);
      model.onReport(sourceFilterReport(0, plan.hostA, [['ALLOW', plan.group, [plan.s1]]], family));
      model.onReport(sourceFilterReport(1, plan.hostB, [['ALLOW', plan.group, [plan.s1, plan.s2]]], family));
      // A blocks S1: the querier's Q(G,{S1}) lowers it to LMQT; B answers with its current state and keeps it.
      model.onReport(sourceFilterReport(10, plan.hostA, [['BLOCK', plan.group, [plan.s1]]], family));
      model.onQuery(query(10, plan.querier, { group: plan.group, sources: [plan.s1], maxRespSeconds: 1 }, family));
      assert.deepEqual(model.snapshot(10).groups[0]!.sources.map((source) => [source.address, source.expiresAt]), [[plan.s1, 12], [plan.s2, 261]]);
      model.onReport(sourceFilterReport(10.5, plan.hostB, [['IS_IN', plan.group, [plan.s1, plan.s2]]], family));
      assert.deepEqual(model.advance(20), []);
      let group = model.snapshot(20).groups[0]!;
      assert.deepEqual(group.sources.map((source) => [source.address, source.expiresAt, source.reporters]), [
        [plan.s1, 270.5, [plan.hostB]], [plan.s2, 270.5, [plan.hostB]],
      ]);
      assert.deepEqual(group.reporters.map((reporter) => reporter.address), [plan.hostB]);
      // B leaves both: no answer, both sources time out at LMQT and the group goes.
      model.onReport(sourceFilterReport(30, plan.hostB, [['TO_IN', plan.group, []]], family));
      model.onQuery(query(30, plan.querier, { group: plan.group, sources: [plan.s1, plan.s2], maxRespSeconds: 1 }, family));
      group = model.snapshot(30).groups[0]!;
      assert.deepEqual(group.sources.map((source) => source.expiresAt), [32, 32]);
      assert.deepEqual(model.advance(40).map((change) => [change.time, change.kind]), [[32, 'sources-changed'], [32, 'group-removed']]);
    });
  }

  it('IGMPv2 and IGMPv3 hosts on one group, across a querier change', () => {
    const plan = PLANS[4];
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, plan.other));
    model.onReport(sourceFilterReport(1, plan.hostA, [['IS_IN', plan.group, [plan.s1]]]));
    model.onReport(olderReport(2, plan.hostB, 2, plan.group));
    let group = model.snapshot(2).groups[0]!;
    // INCLUDE ({s1}) + IS_EX({}) → EXCLUDE ({}, {}), s1 deleted.
    assert.deepEqual([group.mode, group.sources, group.compatibilityVersion], ['EXCLUDE', [], 2]);
    // A lower address starts querying: it takes over and its parameters apply from then on.
    model.onQuery(query(60, plan.querier, { qrv: 3, qqiSeconds: 60 }));
    model.onReport(olderReport(62, plan.hostB, 2, plan.group));
    group = model.snapshot(62).groups[0]!;
    assert.deepEqual([group.expiresAt, group.olderVersionHosts], [252, [{ version: 2, expiresAt: 252 }]]);
    // The v3 host's IS_IN asks for s1 again; in IGMPv2 mode its BLOCK is ignored.
    model.onReport(sourceFilterReport(63, plan.hostA, [['IS_IN', plan.group, [plan.s1]]]));
    model.onReport(sourceFilterReport(64, plan.hostA, [['BLOCK', plan.group, [plan.s1]]]));
    group = model.snapshot(64).groups[0]!;
    assert.deepEqual(group.sources, [{ address: plan.s1, expiresAt: 253, reporters: [plan.hostA] }]);
    // Silence: the querier's Other Querier Present Interval (3·60 + 10/2) ends at 245; at 252 the group timer
    // and the IGMPv2 timer run out; s1 (253) keeps the group in INCLUDE for a second.
    const changes = model.advance(300).map((change) => [change.time, change.kind]);
    assert.deepEqual(changes, [
      [245, 'querier-changed'],
      [252, 'version-changed'], [252, 'mode-changed'], [252, 'reporter-removed'],
      [253, 'sources-changed'], [253, 'reporter-removed'], [253, 'group-removed'],
    ]);
  });
});
