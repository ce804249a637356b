import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBetterAssert, PimState } from '../../../../capture/model/pim/index.js';
import type { PimInput } from '../../../helpers/encode-pim.js';
import { changesOf, hello, kinds, observe } from './observe.js';

const LAN = 'lan0';
const SOURCE = '192.0.2.10';
const GROUP = '239.1.1.1';

function assertMessage(rpt: boolean, metricPreference: number, metric: number, source = SOURCE): PimInput {
  return { kind: 'pim.assert', group: { address: GROUP }, source, rpt, metricPreference, metric };
}

const CANCEL = assertMessage(false, 0x7fffffff, 0xffffffff);

describe('Assert metric order (RFC 7761 §4.6.3)', () => {
  const metric = (rpt: boolean, metricPreference: number, value: number, address: string) => ({ rpt, metricPreference, metric: value, address });

  it('prefers a clear RPT bit, then lower preference, then lower metric, then higher address', () => {
    assert.equal(isBetterAssert(metric(false, 200, 200, '10.0.0.1'), metric(true, 0, 0, '10.0.0.9')), true);
    assert.equal(isBetterAssert(metric(false, 100, 900, '10.0.0.1'), metric(false, 110, 1, '10.0.0.9')), true);
    assert.equal(isBetterAssert(metric(false, 110, 10, '10.0.0.1'), metric(false, 110, 20, '10.0.0.9')), true);
    assert.equal(isBetterAssert(metric(false, 110, 20, '10.0.0.10'), metric(false, 110, 20, '10.0.0.9')), true);
    assert.equal(isBetterAssert(metric(false, 110, 20, '10.0.0.9'), metric(false, 110, 20, '10.0.0.10')), false);
  });
});

describe('Assert state (RFC 7761 §4.6)', () => {
  it('follows the winner as better Asserts arrive and ignores inferior ones', () => {
    const state = new PimState();
    const first = state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    assert.deepEqual(kinds(first), ['assert-winner']);
    assert.deepEqual(first[0]!.detail, {
      source: SOURCE, group: GROUP, winner: '10.0.0.2', rpt: false, metricPreference: 110, metric: 20, previous: null,
    });
    assert.equal(first[0]!.link, LAN);

    const better = changesOf(state.onMessage(observe(2, LAN, '10.0.0.3', assertMessage(false, 100, 50))), 'assert-winner');
    assert.deepEqual(better.map((change) => [change.detail.winner, change.detail.previous]), [['10.0.0.3', '10.0.0.2']]);
    assert.deepEqual(state.onMessage(observe(3, LAN, '10.0.0.4', assertMessage(false, 120, 1))), []);

    const [entry] = state.snapshot(3).asserts;
    assert.deepEqual(entry, {
      link: LAN, source: SOURCE, group: GROUP, winner: '10.0.0.3', rpt: false, metricPreference: 100, metric: 50, since: 2, expiresAt: 182,
    });
  });

  it('ranks an SPT Assert above an RPT one whatever the metrics, and breaks ties by the higher address', () => {
    const state = new PimState();
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(true, 0, 0)));
    const spt = changesOf(state.onMessage(observe(2, LAN, '10.0.0.3', assertMessage(false, 120, 100))), 'assert-winner');
    assert.deepEqual(spt.map((change) => [change.detail.winner, change.detail.rpt]), [['10.0.0.3', false]]);
    assert.deepEqual(state.onMessage(observe(3, LAN, '10.0.0.2', assertMessage(true, 0, 0))), []);

    const tie = changesOf(state.onMessage(observe(4, LAN, '10.0.0.10', assertMessage(false, 120, 100))), 'assert-winner');
    assert.deepEqual(tie.map((change) => change.detail.winner), ['10.0.0.10']);
    assert.deepEqual(state.onMessage(observe(5, LAN, '10.0.0.9', assertMessage(false, 120, 100))), []);
  });

  it('ends the state on the winner\'s AssertCancel and ignores anyone else\'s', () => {
    const state = new PimState();
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    assert.deepEqual(state.onMessage(observe(2, LAN, '10.0.0.3', CANCEL)), []);
    const cancel = state.onMessage(observe(3, LAN, '10.0.0.2', CANCEL));
    assert.deepEqual(kinds(cancel), ['assert-cancel']);
    assert.equal(changesOf(cancel, 'assert-cancel')[0]!.detail.winner, '10.0.0.2');
    assert.deepEqual(state.snapshot(3).asserts, []);
    assert.deepEqual(state.advance(1000), [], 'no timer left behind');
  });

  it('expires Assert_Time after the winner\'s last Assert', () => {
    const state = new PimState();
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    assert.deepEqual(state.onMessage(observe(100, LAN, '10.0.0.2', assertMessage(false, 110, 20))), [], 'refresh');
    const expired = state.advance(1000);
    assert.deepEqual(kinds(expired), ['assert-expired']);
    assert.equal(expired[0]!.time, 280);
    assert.deepEqual(changesOf(expired, 'assert-expired')[0]!.detail.reason, 'assert-timer');
  });

  it('takes the Assert Time from the options', () => {
    const state = new PimState({ assertTime: 10 });
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    assert.deepEqual(state.advance(11).map((change) => [change.time, change.kind]), [[11, 'assert-expired']]);
  });

  it('ends the winner\'s states when its neighbor times out or restarts (§4.6.1)', () => {
    const state = new PimState();
    state.onMessage(observe(0, LAN, '10.0.0.2', hello({ holdtime: 30, generationId: 1 })));
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    const down = state.advance(100);
    assert.deepEqual(down.map((change) => [change.time, change.kind]), [[30, 'neighbor-down'], [30, 'dr-changed'], [30, 'assert-expired']]);
    assert.equal(changesOf(down, 'assert-expired')[0]!.detail.reason, 'winner-neighbor-down');

    state.onMessage(observe(200, LAN, '10.0.0.2', hello({ holdtime: 105, generationId: 1 })));
    state.onMessage(observe(201, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    const restart = state.onMessage(observe(210, LAN, '10.0.0.2', hello({ holdtime: 105, generationId: 2 })));
    assert.deepEqual(kinds(restart), ['neighbor-restart', 'assert-expired']);
    assert.equal(changesOf(restart, 'assert-expired')[0]!.detail.reason, 'winner-restarted');
  });

  it('keys (*,G) Asserts (wildcard source) apart from (S,G) ones', () => {
    const state = new PimState();
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(true, 0, 10, '0.0.0.0')));
    state.onMessage(observe(1, LAN, '10.0.0.3', assertMessage(false, 110, 20)));
    assert.deepEqual(state.snapshot(1).asserts.map((entry) => [entry.source, entry.winner]), [[null, '10.0.0.2'], [SOURCE, '10.0.0.3']]);
  });

  it('records Asserts beyond maxAsserts as limit-exceeded', () => {
    const state = new PimState({ maxAsserts: 1 });
    state.onMessage(observe(1, LAN, '10.0.0.2', assertMessage(false, 110, 20)));
    assert.deepEqual(kinds(state.onMessage(observe(1, 'lan1', '10.0.1.2', assertMessage(false, 110, 20)))), ['limit-exceeded']);
  });
});
