import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LinkMembership } from '../../../../capture/model/membership/index.js';
import { leave, LINK, olderReport, query, sourceFilterReport } from './observations.js';

const G = '239.1.1.1';

describe('odd input', () => {
  it('ignores observations of the other family and times that are no number', () => {
    const model = new LinkMembership(LINK, 4);
    assert.deepEqual(model.onReport(sourceFilterReport(0, 'fe80::1', [['IS_EX', 'ff05::1', []]], 6)), []);
    assert.deepEqual(model.onReport(sourceFilterReport(Number.NaN, '10.0.0.1', [['IS_EX', G, []]])), []);
    assert.deepEqual(model.onQuery(query(Number.NaN, '10.0.0.1')), []);
    assert.deepEqual(model.onLeave(leave(Number.POSITIVE_INFINITY, '10.0.0.1', G)), []);
    assert.deepEqual(model.snapshot(0).groups, []);
  });

  it('keeps its parameters when a query shows values that are no positive number', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1', { qrv: Number.NaN, qqiSeconds: -5, maxRespSeconds: Number.NaN }));
    const parameters = model.snapshot(0).parameters;
    assert.deepEqual([parameters.robustness, parameters.queryInterval, parameters.queryResponseInterval], [2, 125, 10]);
  });

  it('advance() with a time that is no finite number does nothing', () => {
    const model = new LinkMembership(LINK, 4);
    model.onQuery(query(0, '10.0.0.1'));
    model.onReport(olderReport(1, '10.0.0.20', 1, G));
    assert.deepEqual(model.advance(Number.NaN), []);
    assert.deepEqual(model.advance(Number.POSITIVE_INFINITY), []);
    assert.equal(model.snapshot(1).groups.length, 1);
    // The querier goes silent (255); at 261 the IGMPv1 timer, the reporter and the group end together.
    assert.deepEqual(model.advance(1000).map((change) => change.kind), ['querier-changed', 'version-changed', 'reporter-removed', 'group-removed']);
  });

  it('a leave for a group never reported changes nothing', () => {
    const model = new LinkMembership(LINK, 4);
    assert.deepEqual(model.onLeave(leave(0, '10.0.0.20', G)), []);
  });
});

describe('scale', () => {
  it('holds 2,000 groups refreshed for an hour of packet time', () => {
    const model = new LinkMembership(LINK, 4);
    let changes = 0;
    for (let time = 0; time < 3600; time += 125) {
      changes += model.onQuery(query(time, '10.0.0.1')).length;
      for (let g = 0; g < 2000; g++) {
        const group = `239.1.${g >> 8}.${g & 255}`;
        changes += model.onReport(sourceFilterReport(time + g / 1000, `10.0.${g >> 8}.${g & 255}`, [['IS_EX', group, []]])).length;
      }
    }
    // Each group added once with its reporter, nothing expired.
    assert.equal(changes, 1 + 2 * 2000);
    assert.equal(model.snapshot(3600).groups.length, 2000);
    // Then silence: every group and reporter goes, and the querier (last query at 3500) at 3755.
    assert.equal(model.advance(3600 + 300).length, 1 + 4000);
  });
});
