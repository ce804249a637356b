import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkMembership } from '../../../../capture/model/membership/index.js';
import { brief, kinds, LINK, query, sourceFilterReport } from './observations.js';

const G = '239.1.1.1';
const H = '239.1.1.2';
const HOST = '10.0.0.20';

describe('source timer expiry (RFC 3376 §6.3)', () => {
  it('INCLUDE: an expired source is deleted; the last one takes the group with it, at its own expiry time', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['ALLOW', G, ['10.1.1.1']]]));
    model.onReport(sourceFilterReport(100, HOST, [['ALLOW', G, ['10.1.1.2']]]));
    assert.deepEqual(brief(model.advance(259)), []);
    assert.deepEqual(brief(model.advance(300)), [
      { time: 260, kind: 'sources-changed', group: G, detail: { added: [], removed: ['10.1.1.1'], excludedAdded: [], excludedRemoved: [] } },
    ]);
    assert.deepEqual(brief(model.advance(1000)), [
      { time: 360, kind: 'sources-changed', group: G, detail: { added: [], removed: ['10.1.1.2'], excludedAdded: [], excludedRemoved: [] } },
      { time: 360, kind: 'reporter-removed', group: G, detail: { reporter: HOST, reason: 'group-removed' } },
      { time: 360, kind: 'group-removed', group: G, detail: { reason: 'source-timers-expired' } },
    ]);
    assert.deepEqual(model.snapshot(1000).groups, []);
  });

  it('EXCLUDE: an expired requested source moves to the exclude list', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, '10.0.0.21', [['IS_EX', G, ['10.1.1.9']]]));
    model.onReport(sourceFilterReport(0, HOST, [['IS_IN', G, ['10.1.1.1']]]));
    model.onQuery(query(100, '10.0.0.1', { group: G, sources: ['10.1.1.1'], maxRespSeconds: 1 }));
    assert.deepEqual(brief(model.advance(200)), [
      { time: 102, kind: 'sources-changed', group: G, detail: { added: [], removed: ['10.1.1.1'], excludedAdded: ['10.1.1.1'], excludedRemoved: [] } },
      { time: 102, kind: 'reporter-removed', group: G, detail: { reporter: HOST, reason: 'sources-expired' } },
    ]);
    const group = model.snapshot(200).groups[0]!;
    assert.equal(group.mode, 'EXCLUDE');
    assert.deepEqual(group.sources, []);
    assert.deepEqual(group.excluded, ['10.1.1.1', '10.1.1.9']);
    assert.deepEqual(group.reporters.map((reporter) => reporter.address), ['10.0.0.21']);
  });
});

describe('group timer expiry (RFC 3376 §6.5)', () => {
  it('switches to INCLUDE with the sources whose timers still run; Y is dropped', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['TO_EX', G, ['10.1.1.9']]]));
    model.onReport(sourceFilterReport(100, '10.0.0.21', [['ALLOW', G, ['10.1.1.1']]]));
    assert.deepEqual(brief(model.advance(300)), [
      { time: 260, kind: 'mode-changed', group: G, detail: { from: 'EXCLUDE', to: 'INCLUDE' } },
      { time: 260, kind: 'sources-changed', group: G, detail: { added: [], removed: [], excludedAdded: [], excludedRemoved: ['10.1.1.9'] } },
      { time: 260, kind: 'reporter-removed', group: G, detail: { reporter: HOST, reason: 'filter-mode-expired' } },
    ]);
    const group = model.snapshot(300).groups[0]!;
    assert.deepEqual([group.mode, group.expiresAt, group.excluded], ['INCLUDE', null, []]);
    assert.deepEqual(group.sources, [{ address: '10.1.1.1', expiresAt: 360, reporters: ['10.0.0.21'] }]);
  });

  it('deletes the record when no source timer runs', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['IS_EX', G, []]]));
    assert.deepEqual(kinds(model.advance(260)), ['reporter-removed', 'group-removed']);
    assert.equal(model.snapshot(260).groups.length, 0);
  });

  it('a source timer ending together with the group timer counts as stopped', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(100, HOST, [['TO_IN', G, []]]));
    model.onQuery(query(100, '10.0.0.1', { group: G, maxRespSeconds: 1 }));      // the querier's Q(G): group timer 102
    // EXCLUDE BLOCK: (A-X-Y)=Group Timer (102); Send Q(G,A-Y) leaves it, as it is not above LMQT.
    model.onReport(sourceFilterReport(101, '10.0.0.22', [['BLOCK', G, ['10.1.1.5']]]));
    assert.deepEqual(model.snapshot(101).groups[0]!.sources, [{ address: '10.1.1.5', expiresAt: 102, reporters: [] }]);
    assert.deepEqual(brief(model.advance(300)).map(({ time, kind }) => [time, kind]), [
      [102, 'sources-changed'],
      [102, 'group-removed'],
    ]);
  });
});

describe('advance()', () => {
  it('processes every timer up to now in time order across groups, each at its own time', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['IS_EX', H, []]]));
    model.onReport(sourceFilterReport(50, HOST, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(100, HOST, [['IS_EX', H, []]]));
    const changes = model.advance(1000);
    assert.deepEqual(changes.map((change) => [change.time, change.kind, change.group]), [
      [310, 'reporter-removed', G], [310, 'group-removed', G],
      [360, 'reporter-removed', H], [360, 'group-removed', H],
    ]);
    assert.ok(changes.every((change) => change.link === LINK && change.family === 4));
  });

  it('expires what ran out before an observation, inside the observation call', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['IS_EX', G, []]]));
    const changes = model.onReport(sourceFilterReport(500, HOST, [['IS_EX', G, []]]));
    assert.deepEqual(changes.map((change) => [change.time, change.kind]), [
      [260, 'reporter-removed'], [260, 'group-removed'], [500, 'group-added'], [500, 'reporter-added'],
    ]);
  });

  it('a timer reaching zero exactly at an observation expires before it', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['ALLOW', G, ['10.1.1.1']]]));
    const changes = model.onReport(sourceFilterReport(260, HOST, [['ALLOW', G, ['10.1.1.1']]]));
    assert.deepEqual(kinds(changes), ['sources-changed', 'reporter-removed', 'group-removed', 'group-added', 'sources-changed', 'reporter-added']);
  });

  it('never goes back in time', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(100, HOST, [['IS_EX', G, []]]));
    assert.deepEqual(model.advance(50), []);
    model.onReport(sourceFilterReport(90, HOST, [['IS_EX', G, []]]));   // late: taken at 100
    assert.equal(model.snapshot(100).groups[0]!.expiresAt, 360);
  });
});

describe('timer updates on queries (RFC 3376 §6.6.1, §6.6.3)', () => {
  it('Q(G) with S clear lowers the group timer to LMQT; with S set it does not', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['IS_EX', G, []]]));
    model.onQuery(query(10, '10.0.0.1', { group: G, maxRespSeconds: 1, suppressRouterSide: true }));
    assert.equal(model.snapshot(10).groups[0]!.expiresAt, 260);
    model.onQuery(query(11, '10.0.0.1', { group: G, maxRespSeconds: 1 }));
    assert.equal(model.snapshot(11).groups[0]!.expiresAt, 13);
    // The retransmission one LMQI later does not push it out again (LMQT = LMQC·LMQI covers all of them).
    model.onQuery(query(12, '10.0.0.1', { group: G, maxRespSeconds: 1 }));
    assert.equal(model.snapshot(12).groups[0]!.expiresAt, 13);
    assert.deepEqual(kinds(model.advance(13)), ['reporter-removed', 'group-removed']);
  });

  it('Q(G,S) lowers the timers of the queried sources only', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, HOST, [['IS_IN', G, ['10.1.1.1', '10.1.1.2']]]));
    model.onQuery(query(5, '10.0.0.1', { group: G, sources: ['10.1.1.2', '10.1.1.3'], maxRespSeconds: 1 }));
    assert.deepEqual(model.snapshot(5).groups[0]!.sources.map((source) => [source.address, source.expiresAt]), [
      ['10.1.1.1', 260], ['10.1.1.2', 7],
    ]);
  });

  it('after TO_IN({}) the timers wait for the querier\'s Q(G) on the wire, which lowers them to LMQT', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { qrv: 3 }));
    model.onReport(sourceFilterReport(1, HOST, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(50, HOST, [['TO_IN', G, []]]));
    assert.equal(model.snapshot(50).groups[0]!.expiresAt, 386, 'Send Q(G) is the querier\'s: nothing lowered before it is seen');
    model.onQuery(query(50.01, '10.0.0.1', { group: G, maxRespSeconds: 1, qrv: 3 }));
    // LMQT = LMQI (1 s) · LMQC (QRV 3)
    assert.equal(model.snapshot(50.01).groups[0]!.expiresAt, 53.01);
  });

  it('LMQT follows the Max Resp of the querier\'s group-specific queries and its QRV', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { group: '239.9.9.9', maxRespSeconds: 0.5, qrv: 4 }));
    model.onReport(sourceFilterReport(1, HOST, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(10, HOST, [['TO_IN', G, []]]));
    model.onQuery(query(10, '10.0.0.1', { group: G, maxRespSeconds: 0.5, qrv: 4 }));
    assert.equal(model.snapshot(10).groups[0]!.expiresAt, 12);
  });
});
