/** The last-hop router's switch from the RP tree to the SPT, timed on its two incoming links (switchover.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchoverTimer } from '../../../capture/model/switchover.js';

const T0 = 1_764_057_600;
const S = '10.1.0.10';
const G = '239.1.1.1';

test('the first SPT packet after the (S,G) Join and the last RP-tree packet are timed: an overlap, then settled', () => {
  const timer = new SwitchoverTimer();
  timer.onStarJoin('R3', G, 'r2-r3');
  timer.onData(T0, 'r2-r3', S, G); // before the switch: not timed
  timer.onSwitchover(T0 + 1, 'R3', S, G, 'r1-r3');
  timer.onData(T0 + 1.1, 'r2-r3', S, G);
  timer.onData(T0 + 1.2, 'r1-r3', S, G);
  timer.onData(T0 + 1.3, 'r2-r3', S, G);
  timer.onData(T0 + 1.4, 'r1-r3', S, G);
  for (let time = T0 + 2; time < T0 + 20; time += 1) timer.onData(time, 'r1-r3', S, G);
  timer.onData(T0 + 30, 'r2-r3', S, G); // long after the switch settled: another router's RP tree, not this switch
  assert.deepEqual(timer.timing(S, G), { router: 'R3', sptLink: 'r1-r3', rptLink: 'r2-r3', joinedAt: T0 + 1, firstSptPacketAt: T0 + 1.2, lastRptPacketAt: T0 + 1.3 });
});

test('RP-tree data that stopped before the SPT delivered is a gap: the last RP-tree packet comes first', () => {
  const timer = new SwitchoverTimer();
  timer.onStarJoin('R3', G, 'r2-r3');
  timer.onSwitchover(T0, 'R3', S, G, 'r1-r3');
  timer.onData(T0 + 0.1, 'r2-r3', S, G);
  timer.onData(T0 + 0.9, 'r1-r3', S, G);
  const timing = timer.timing(S, G)!;
  assert.ok(timing.lastRptPacketAt! < timing.firstSptPacketAt!);
});

test('both trees on one incoming link, or no (*,G) Join first: nothing the wire can time; only the first timed switch counts', () => {
  const timer = new SwitchoverTimer();
  timer.onStarJoin('R4', G, 'r2-r4');
  timer.onSwitchover(T0, 'R4', S, G, 'r2-r4');
  timer.onSwitchover(T0, 'R5', S, G, 'r4-r5');
  assert.equal(timer.timing(S, G), null);
  timer.onStarJoin('R3', G, 'r2-r3');
  timer.onSwitchover(T0 + 1, 'R3', S, G, 'r1-r3');
  timer.onStarJoin('R6', G, 'r2-r6');
  timer.onSwitchover(T0 + 2, 'R6', S, G, 'r1-r6');
  assert.equal(timer.timing(S, G)?.router, 'R3');
});
