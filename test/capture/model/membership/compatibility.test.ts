import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkMembership } from '../../../../capture/model/membership/index.js';
import { brief, kinds, leave, LINK, olderReport, query, sourceFilterReport } from './observations.js';

const G = '239.1.1.1';
const V3_HOST = '10.0.0.30';
const V2_HOST = '10.0.0.20';
const V1_HOST = '10.0.0.10';

describe('older version hosts (RFC 3376 §7.3.2)', () => {
  it('an IGMPv2 report is IS_EX({}), sets the IGMPv2 Host Present timer and the group\'s mode', () => {
    const model = new LinkMembership(LINK, 4);
    assert.deepEqual(brief(model.onReport(olderReport(10, V2_HOST, 2, G))), [
      { time: 10, kind: 'group-added', group: G, detail: { mode: 'EXCLUDE', reporter: V2_HOST, compatibilityVersion: 2 } },
      { time: 10, kind: 'reporter-added', group: G, detail: { reporter: V2_HOST } },
    ]);
    const group = model.snapshot(10).groups[0]!;
    assert.deepEqual([group.mode, group.expiresAt, group.compatibilityVersion], ['EXCLUDE', 270, 2]);
    assert.deepEqual(group.olderVersionHosts, [{ version: 2, expiresAt: 270 }]);
    assert.deepEqual(group.reporters[0]!.lastRecord, { type: 'IS_EX', sources: [] });
  });

  it('in IGMPv2 mode BLOCK is ignored and TO_EX(x) is TO_EX({})', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(olderReport(0, V2_HOST, 2, G));
    assert.deepEqual(model.onReport(sourceFilterReport(5, V3_HOST, [['BLOCK', G, ['10.9.9.9']]])), []);
    model.onReport(sourceFilterReport(6, V3_HOST, [['TO_EX', G, ['10.9.9.9']]]));
    const group = model.snapshot(6).groups[0]!;
    assert.deepEqual([group.sources, group.excluded, group.expiresAt], [[], [], 266]);
    assert.deepEqual(group.reporters.find((reporter) => reporter.address === V3_HOST)!.lastRecord, { type: 'TO_EX', sources: [] });
  });

  it('an IGMPv2 Leave is TO_IN({}): the querier\'s Q(G), once seen, lowers the group timer to LMQT', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(olderReport(0, V2_HOST, 2, G));
    assert.deepEqual(brief(model.onLeave(leave(30, V2_HOST, G))), [
      { time: 30, kind: 'reporter-removed', group: G, detail: { reporter: V2_HOST, reason: 'left' } },
    ]);
    assert.equal(model.snapshot(30).groups[0]!.expiresAt, 260, 'no query seen yet: the timers stay');
    model.onQuery(query(30.5, '10.0.0.1', { version: 2, group: G, maxRespSeconds: 1, qrv: null, qqiSeconds: null }));
    assert.equal(model.snapshot(30.5).groups[0]!.expiresAt, 32.5);
    assert.deepEqual(brief(model.advance(40)), [{ time: 32.5, kind: 'group-removed', group: G, detail: { reason: 'group-timer-expired' } }]);
  });

  it('a report answering the last member query keeps the group', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(olderReport(0, V2_HOST, 2, G));
    model.onReport(olderReport(1, '10.0.0.21', 2, G));
    model.onLeave(leave(30, V2_HOST, G));
    model.onQuery(query(30.001, '10.0.0.1', { version: 2, group: G, maxRespSeconds: 1, qrv: null, qqiSeconds: null }));
    model.onReport(olderReport(30.5, '10.0.0.21', 2, G));
    assert.deepEqual(model.advance(40), []);
    assert.equal(model.snapshot(40).groups[0]!.expiresAt, 290.5);
  });

  it('in IGMPv1 mode Leaves are ignored', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(olderReport(0, V1_HOST, 1, G));
    model.onReport(olderReport(1, V2_HOST, 2, G));
    assert.equal(model.snapshot(1).groups[0]!.compatibilityVersion, 1);
    assert.deepEqual(model.onLeave(leave(5, V2_HOST, G)), []);
    assert.equal(model.snapshot(5).groups[0]!.expiresAt, 261);
  });

  it('when the timers expire the mode reverts: v1 → v2 → v3, each at its expiry time', () => {
    const model = new LinkMembership(LINK, 4);
    const changes = brief([
      ...model.onReport(olderReport(0, V1_HOST, 1, G)),
      ...model.onReport(olderReport(100, V2_HOST, 2, G)),
      ...model.onReport(sourceFilterReport(200, V3_HOST, [['IS_EX', G, []]])),
      ...model.onReport(sourceFilterReport(300, V3_HOST, [['IS_EX', G, []]])),
      ...model.advance(400),
    ]).filter((change) => change.kind === 'version-changed');
    assert.deepEqual(changes, [
      { time: 260, kind: 'version-changed', group: G, detail: { scope: 'group', from: 1, to: 2 } },
      { time: 360, kind: 'version-changed', group: G, detail: { scope: 'group', from: 2, to: 3 } },
    ]);
    // Back in IGMPv3 mode, BLOCK counts again.
    model.onReport(sourceFilterReport(400, V3_HOST, [['BLOCK', G, ['10.9.9.9']]]));
    // EXCLUDE + BLOCK (A): (A-X-Y)=Group Timer (the IS_EX at 300 set it to 560); Q(G,A-Y) would lower it when seen.
    assert.deepEqual(model.snapshot(400).groups[0]!.sources, [{ address: '10.9.9.9', expiresAt: 560, reporters: [] }]);
  });

  it('an older report for a group in IGMPv3 mode switches its mode at once', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, V3_HOST, [['IS_IN', G, ['10.9.9.9']]]));
    assert.deepEqual(brief(model.onReport(olderReport(5, V2_HOST, 2, G))), [
      { time: 5, kind: 'mode-changed', group: G, detail: { from: 'INCLUDE', to: 'EXCLUDE' } },
      { time: 5, kind: 'version-changed', group: G, detail: { scope: 'group', from: 3, to: 2 } },
      // INCLUDE (A) + IS_EX (B={}): Delete (A-B).
      { time: 5, kind: 'sources-changed', group: G, detail: { added: [], removed: ['10.9.9.9'], excludedAdded: [], excludedRemoved: [] } },
      { time: 5, kind: 'reporter-added', group: G, detail: { reporter: V2_HOST } },
    ]);
  });
});

describe('older version queriers (RFC 3376 §7.3.1)', () => {
  it('an IGMPv2 querier puts the link in IGMPv2 mode: BLOCK ignored, TO_EX sources ignored', () => {
    const model = new LinkMembership(LINK, 4);
    assert.deepEqual(brief(model.onQuery(query(0, '10.0.0.1', { version: 2, qrv: null, qqiSeconds: null }))), [
      { time: 0, kind: 'querier-changed', detail: { from: null, to: '10.0.0.1', reason: 'first-query' } },
      { time: 0, kind: 'version-changed', detail: { scope: 'link', from: 3, to: 2 } },
    ]);
    model.onReport(sourceFilterReport(1, V3_HOST, [['TO_EX', G, ['10.9.9.9']]]));
    assert.deepEqual(model.onReport(sourceFilterReport(2, V3_HOST, [['BLOCK', G, ['10.9.9.8']]])), []);
    const snapshot = model.snapshot(2);
    assert.equal(snapshot.operatingVersion, 2);
    assert.deepEqual([snapshot.groups[0]!.excluded, snapshot.groups[0]!.compatibilityVersion], [[], 3]);
  });

  it('an IGMPv1 querier makes Leaves ignored; its Max Resp of 0 means a 10 s response interval', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { version: 1, maxRespSeconds: 0, qrv: null, qqiSeconds: null }));
    model.onReport(olderReport(1, V2_HOST, 2, G));
    assert.deepEqual(model.onLeave(leave(2, V2_HOST, G)), []);
    const snapshot = model.snapshot(2);
    assert.deepEqual([snapshot.operatingVersion, snapshot.parameters.queryResponseInterval], [1, 10]);
  });

  it('the link returns to IGMPv3 when the querier does, or when it goes silent', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { version: 2, qrv: null, qqiSeconds: null }));
    assert.deepEqual(kinds(model.onQuery(query(125, '10.0.0.1'))), ['version-changed']);
    model.onQuery(query(250, '10.0.0.1', { version: 2, qrv: null, qqiSeconds: null }));
    assert.deepEqual(brief(model.advance(600)), [
      { time: 505, kind: 'querier-changed', detail: { from: '10.0.0.1', to: null, reason: 'other-querier-present-expired' } },
      { time: 505, kind: 'version-changed', detail: { scope: 'link', from: 2, to: 3 } },
    ]);
  });
});

describe('MLD older version listeners (RFC 3810 §8.3.2)', () => {
  const M = 'ff15::1';
  it('an MLDv1 report is IS_EX({}) in MLDv1 mode; Done is TO_IN({}); BLOCK ignored meanwhile', () => {
    const model = new LinkMembership(LINK, 6);
    model.onReport(olderReport(0, 'fe80::20', 1, M, 6));
    let group = model.snapshot(0).groups[0]!;
    assert.deepEqual([group.mode, group.compatibilityVersion, group.olderVersionHosts], ['EXCLUDE', 1, [{ version: 1, expiresAt: 260 }]]);
    assert.deepEqual(model.onReport(sourceFilterReport(1, 'fe80::30', [['BLOCK', M, ['2001:db8::1']]], 6)), []);
    model.onLeave(leave(10, 'fe80::20', M, 6));
    model.onQuery(query(10.1, 'fe80::1', { version: 1, group: M, maxRespSeconds: 1, qrv: null, qqiSeconds: null }, 6));
    group = model.snapshot(10.1).groups[0]!;
    assert.equal(group.expiresAt, 12.1, 'the Done, then the querier\'s Q(G): LMQT');
    assert.deepEqual(kinds(model.advance(20)), ['group-removed']);
  });

  it('MLDv1 mode reverts to MLDv2 when its timer expires', () => {
    const model = new LinkMembership(LINK, 6);
    model.onReport(olderReport(0, 'fe80::20', 1, M, 6));
    model.onReport(sourceFilterReport(100, 'fe80::30', [['IS_EX', M, []]], 6));
    const changes = brief(model.advance(300)).filter((change) => change.kind === 'version-changed');
    assert.deepEqual(changes, [{ time: 260, kind: 'version-changed', group: M, detail: { scope: 'group', from: 1, to: 2 } }]);
  });
});

describe('SSM range (RFC 4604 §3.1, §3.5, §3.7)', () => {
  const SSM = '232.1.1.1';
  const SOURCE = '10.1.1.1';

  it('IGMPv1/v2 reports, EXCLUDE-mode records and older Leaves for an SSM group make no state; the first of each reporter is told', () => {
    const model = new LinkMembership(LINK, 4);
    const changes = brief([
      ...model.onReport(olderReport(0, V2_HOST, 2, SSM)),
      ...model.onReport(olderReport(1, V1_HOST, 1, SSM)),
      ...model.onReport(sourceFilterReport(2, V3_HOST, [['TO_EX', SSM, []]])),
      ...model.onReport(olderReport(125, V2_HOST, 2, SSM)),
      ...model.onLeave(leave(130, V2_HOST, SSM)),
    ]);
    assert.deepEqual(changes, [
      { time: 0, kind: 'ssm-request-ignored', group: SSM, detail: { reporter: V2_HOST, version: 2, recordType: 'IS_EX' } },
      { time: 1, kind: 'ssm-request-ignored', group: SSM, detail: { reporter: V1_HOST, version: 1, recordType: 'IS_EX' } },
      { time: 2, kind: 'ssm-request-ignored', group: SSM, detail: { reporter: V3_HOST, version: 3, recordType: 'TO_EX' } },
    ]);
    const snapshot = model.snapshot(130);
    assert.deepEqual(snapshot.groups, []);
    assert.deepEqual(snapshot.ignoredSsmRequests.find((entry) => entry.reporter === V2_HOST),
      { group: SSM, reporter: V2_HOST, version: 2, recordType: 'IS_EX', firstSeen: 0, lastSeen: 125, count: 2 });
  });

  it('INCLUDE-mode records for an SSM group are joins as for any group, and an older host leaves them untouched', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, V3_HOST, [['ALLOW', SSM, [SOURCE]]]));
    model.onReport(olderReport(1, V2_HOST, 2, SSM));
    model.onLeave(leave(2, V2_HOST, SSM));
    const [group] = model.snapshot(2).groups;
    assert.deepEqual([group!.mode, group!.sources.map((entry) => entry.address), group!.compatibilityVersion], ['INCLUDE', [SOURCE], 3]);
  });
});
