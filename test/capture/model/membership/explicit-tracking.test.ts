import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkMembership } from '../../../../capture/model/membership/index.js';
import { brief, leave, LINK, olderReport, query, sourceFilterReport } from './observations.js';

const G = '239.1.1.1';
const S1 = '10.1.1.1';
const S2 = '10.1.1.2';
const A = '10.0.0.20';
const B = '10.0.0.21';

function reporters(model: LinkMembership, now: number) {
  return model.snapshot(now).groups[0]?.reporters ?? [];
}

describe('explicit tracking of reporters', () => {
  it('keeps each reporter\'s last report time, record and filter, and the reporters of each source', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(1, B, [['IS_IN', G, [S2, S1]]]));
    model.onReport(sourceFilterReport(2, A, [['ALLOW', G, [S1]]]));
    model.onReport(sourceFilterReport(3, B, [['BLOCK', G, [S2]]]));
    assert.deepEqual(reporters(model, 3), [
      { address: A, lastReportAt: 2, expiresAt: 262, version: 3, mode: 'INCLUDE', sources: [S1], lastRecord: { type: 'ALLOW', sources: [S1] } },
      { address: B, lastReportAt: 3, expiresAt: 263, version: 3, mode: 'INCLUDE', sources: [S1], lastRecord: { type: 'BLOCK', sources: [S2] } },
    ]);
    assert.deepEqual(model.snapshot(3).groups[0]!.sources.map((source) => [source.address, source.reporters]), [
      [S1, [A, B]], [S2, []],
    ]);
  });

  it('an EXCLUDE host\'s ALLOW and BLOCK edit its exclude list', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, A, [['TO_EX', G, [S1]]]));
    model.onReport(sourceFilterReport(1, A, [['BLOCK', G, [S2]]]));
    model.onReport(sourceFilterReport(2, A, [['ALLOW', G, [S1]]]));
    const [entry] = reporters(model, 2);
    assert.deepEqual([entry!.mode, entry!.sources], ['EXCLUDE', [S2]]);
  });

  it('a reporter leaves with TO_IN({}), a BLOCK of all its sources, or a v2 Leave', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, A, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(0, B, [['ALLOW', G, [S1, S2]]]));
    assert.deepEqual(brief(model.onReport(sourceFilterReport(1, A, [['TO_IN', G, []]]))).at(-1), {
      time: 1, kind: 'reporter-removed', group: G, detail: { reporter: A, reason: 'left' },
    });
    assert.deepEqual(brief(model.onReport(sourceFilterReport(2, B, [['BLOCK', G, [S1, S2]]]))), [
      { time: 2, kind: 'reporter-removed', group: G, detail: { reporter: B, reason: 'left' } },
    ]);
    model.onReport(olderReport(2.5, '10.0.0.22', 2, G));
    assert.deepEqual(brief(model.onLeave(leave(3, '10.0.0.22', G))), [
      { time: 3, kind: 'reporter-removed', group: G, detail: { reporter: '10.0.0.22', reason: 'left' } },
    ]);
    assert.deepEqual(reporters(model, 3), []);
  });

  it('a BLOCK from a host never heard adds no reporter', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, A, [['IS_IN', G, [S1]]]));
    model.onReport(sourceFilterReport(1, B, [['BLOCK', G, [S1]]]));
    assert.deepEqual(reporters(model, 1).map((reporter) => reporter.address), [A]);
  });

  it('a reporter silent for a Group Membership Interval is forgotten, the group may stay', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, A, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(100, B, [['IS_EX', G, []]]));
    assert.deepEqual(brief(model.advance(300)), [
      { time: 260, kind: 'reporter-removed', group: G, detail: { reporter: A, reason: 'report-expired' } },
    ]);
    assert.deepEqual(reporters(model, 300).map((reporter) => reporter.address), [B]);
  });

  it('reporters go with the group', () => {
    const model = new LinkMembership(LINK, 4);
    model.onReport(sourceFilterReport(0, A, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(0, B, [['IS_EX', G, []]]));
    model.onReport(sourceFilterReport(10, A, [['TO_IN', G, []]]));
    model.onQuery(query(10, '10.0.0.1', { group: G, maxRespSeconds: 1 }));
    assert.deepEqual(brief(model.advance(20)), [
      { time: 12, kind: 'reporter-removed', group: G, detail: { reporter: B, reason: 'group-removed' } },
      { time: 12, kind: 'group-removed', group: G, detail: { reason: 'group-timer-expired' } },
    ]);
  });
});

describe('limits', () => {
  it('a group beyond maxGroups is dropped and recorded', () => {
    const model = new LinkMembership(LINK, 4, { maxGroups: 2 });
    model.onReport(sourceFilterReport(0, A, [['IS_EX', '239.0.0.1', []], ['IS_EX', '239.0.0.2', []]]));
    assert.deepEqual(brief(model.onReport(sourceFilterReport(1, A, [['IS_EX', '239.0.0.3', []], ['IS_EX', '239.0.0.1', []]]))), [
      { time: 1, kind: 'limit-exceeded', group: '239.0.0.3', detail: { limit: 'maxGroups', max: 2, dropped: ['239.0.0.3'] } },
    ]);
    assert.deepEqual(model.snapshot(1).groups.map((group) => group.group), ['239.0.0.1', '239.0.0.2']);
    // Records that would create no state are no excess.
    assert.deepEqual(model.onReport(sourceFilterReport(2, A, [['TO_IN', '239.0.0.4', []], ['BLOCK', '239.0.0.5', [S1]]])), []);
  });

  it('sources beyond maxSourcesPerGroup are dropped and recorded', () => {
    const model = new LinkMembership(LINK, 4, { maxSourcesPerGroup: 2 });
    assert.deepEqual(brief(model.onReport(sourceFilterReport(0, A, [['IS_IN', G, [S1, S2, '10.1.1.3']]]))).slice(1, 3), [
      { time: 0, kind: 'sources-changed', group: G, detail: { added: [S1, S2], removed: [], excludedAdded: [], excludedRemoved: [] } },
      { time: 0, kind: 'limit-exceeded', group: G, detail: { limit: 'maxSourcesPerGroup', max: 2, dropped: ['10.1.1.3'] } },
    ]);
    assert.equal(model.snapshot(0).groups[0]!.sources.length, 2);
  });
});
