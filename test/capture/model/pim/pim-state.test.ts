import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PimState } from '../../../../capture/model/pim/index.js';
import { ipv4Packet } from '../../../helpers/encode-pim.js';
import { hello, joinPrune, kinds, observe, sg, starG } from './observe.js';

const LAN = 'lan0';
const GROUP = '239.1.1.1';

/** One of each kind of state, started at time 0. */
function busyState(): PimState {
  const state = new PimState();
  state.onMessage(observe(0, LAN, '10.0.0.1', hello({ holdtime: 30, drPriority: 1, generationId: 9 })));
  state.onMessage(observe(0, LAN, '10.0.0.2', hello({ holdtime: 0xffff })));
  state.onMessage(observe(0, LAN, '10.0.0.2', joinPrune('10.0.0.1', 100, { group: GROUP, joins: [starG('10.255.0.3')] })));
  state.onMessage(observe(0, LAN, '10.0.0.3', { kind: 'pim.assert', group: { address: GROUP }, source: '192.0.2.10', rpt: false, metricPreference: 110, metric: 1 }));
  state.onMessage(observe(0, 'core', '10.0.5.1', { kind: 'pim.register', inner: ipv4Packet('192.0.2.10', GROUP, 17, [0]) }, '10.255.0.3'));
  return state;
}

describe('PimState', () => {
  it('runs every expiry at its own time, earliest first across mechanisms', () => {
    const changes = busyState().advance(10_000);
    assert.deepEqual(changes.map((change) => [change.time, change.kind]), [
      [30, 'neighbor-down'],
      [30, 'join-expired'],
      [100, 'rp-expired'],
      [180, 'assert-expired'],
      [210, 'rp-expired'],
      [210, 'register-expired'],
    ]);
  });

  it('runs due timers before a message, so the message sees the state of its time', () => {
    const state = busyState();
    const changes = state.onMessage(observe(50, LAN, '10.0.0.4', hello({ holdtime: 105 })));
    assert.deepEqual(changes.map((change) => [change.time, change.kind]), [
      [30, 'neighbor-down'], [30, 'join-expired'], [50, 'neighbor-up'], [50, 'dr-changed'],
    ]);
  });

  it('hands the changes of a snapshot\'s catch-up to the next call', () => {
    const state = busyState();
    const snapshot = state.snapshot(40);
    assert.equal(snapshot.time, 40);
    assert.deepEqual(snapshot.links[0]!.neighbors.map((neighbor) => neighbor.address), ['10.0.0.2']);
    assert.deepEqual(kinds(state.advance(40)), ['neighbor-down', 'join-expired'], 'the upstream\'s state ends with it');
    assert.deepEqual(state.advance(40), []);
  });

  it('gives JSON-safe, sorted snapshots', () => {
    const state = busyState();
    state.onMessage(observe(1, LAN, '10.0.0.10', joinPrune('10.0.0.1', 0xffff, { group: GROUP, joins: [sg('192.0.2.10')] })));
    const snapshot = state.snapshot(1);
    assert.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
    assert.deepEqual(snapshot.links[0]!.neighbors.map((neighbor) => neighbor.expiresAt), [30, null]);
    assert.deepEqual(snapshot.joins.map((row) => [row.from, row.type]), [['10.0.0.2', '*,G'], ['10.0.0.10', 'S,G']]);
    assert.deepEqual(Object.keys(snapshot), ['time', 'links', 'joins', 'asserts', 'rps', 'bsrs', 'registers']);
  });

  it('changes nothing on PIM-DM and unknown messages, and tolerates time going back', () => {
    const state = busyState();
    assert.deepEqual(state.onMessage(observe(1, LAN, '10.0.0.2', { kind: 'pim.graft', upstreamNeighbor: '10.0.0.1', holdtime: 0, groups: [] })), []);
    assert.deepEqual(state.onMessage(observe(1, LAN, '10.0.0.2', { kind: 'raw', pimType: 10, body: [0, 0, 0, 0] })), []);
    assert.deepEqual(state.onMessage(observe(0.5, LAN, '10.0.0.3', hello({ holdtime: 105 }))).map((change) => change.kind), ['neighbor-up', 'dr-changed']);
  });
});
