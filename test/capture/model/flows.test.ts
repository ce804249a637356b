/** The flow tracker on its own: counters and rates, forwarder activity, duplicate forwarding, limits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTracker, type FlowChange } from '../../../capture/model/flows.js';
import type { MulticastData } from '../../../capture/protocols/multicast-data.js';

const SOURCE = '10.0.1.10';
const GROUP = '239.1.1.1';
const R1 = '02:00:00:00:00:01';
const R2 = '02:00:00:00:00:02';

function data(length = 100, overrides: Partial<MulticastData> = {}): MulticastData {
  return {
    kind: 'data.ipv4', source: SOURCE, group: GROUP, protocol: 17, srcPort: 5000, dstPort: 5001, length, ttl: 63,
    fragment: false, udpPayload: null, fingerprint: 0, ...overrides,
  };
}

/** Feeds `mac`'s packets at `pps` from `from` to `to` (exclusive), advancing the tracker before each as the analyzer does. */
function send(tracker: FlowTracker, changes: FlowChange[], mac: string, from: number, to: number, pps: number, link = 'lan'): void {
  for (let i = 0; from + i / pps < to; i++) {
    const time = from + i / pps;
    changes.push(...tracker.advance(time), ...tracker.onData(time, link, mac, data(), false));
  }
}

const kinds = (changes: FlowChange[]) => changes.map((change) => `${change.time.toFixed(2)} ${change.kind}${'mac' in change.detail ? ` ${change.detail.mac}` : ''}`);

test('counts packets and bytes, and the rate over the last complete seconds of the window', () => {
  const tracker = new FlowTracker({ rateWindow: 5 });
  const changes: FlowChange[] = [];
  send(tracker, changes, R1, 100, 110, 10);
  const [flow] = tracker.snapshot(110);
  assert.equal(flow!.packets, 100);
  assert.equal(flow!.bytes, 10_000);
  assert.equal(flow!.pps, 10);
  assert.equal(flow!.bps, 8000);
  assert.deepEqual([flow!.firstSeen, flow!.family, flow!.dstPort], [100, 4, 5001]);
  assert.equal(kinds(changes)[0], '100.00 flow-started');
});

test('a forwarder starts with its first packet and stops when it missed a few of its own intervals, then starts again', () => {
  const tracker = new FlowTracker({ activityIntervals: 4 });
  const changes: FlowChange[] = [];
  send(tracker, changes, R1, 10, 12, 2); // every 0.5 s, the last at 11.5: the window is 4 × 0.5 s
  changes.push(...tracker.advance(13.4));
  assert.equal(tracker.snapshot(13.4)[0]!.forwarders[0]!.active, true, 'active up to lastSeen + 2 s');
  assert.equal(tracker.snapshot(13.4)[0]!.forwarders[0]!.activeWindow, 2);
  changes.push(...tracker.advance(13.6));
  assert.equal(tracker.snapshot(13.6)[0]!.forwarders[0]!.active, false);
  send(tracker, changes, R1, 30, 31, 1);
  assert.deepEqual(kinds(changes), [
    `10.00 flow-started`, `10.00 forwarder-started ${R1}`, `13.50 forwarder-stopped ${R1}`, `30.00 forwarder-started ${R1}`,
  ]);
  const stopped = changes.find((change) => change.kind === 'forwarder-stopped')!;
  assert.deepEqual(stopped.detail, { mac: R1, packets: 4, leak: false, lastSeen: 11.5 });
  assert.deepEqual([stopped.link, stopped.group, stopped.source], ['lan', GROUP, SOURCE]);
});

test('the activity window follows the rate within its bounds: a fast flow stops within a second, a slow one is given time', () => {
  const fast = new FlowTracker();
  const fastChanges: FlowChange[] = [];
  send(fast, fastChanges, R1, 0, 10, 100);
  fastChanges.push(...fast.advance(11.5));
  assert.equal(fastChanges.find((change) => change.kind === 'forwarder-stopped')?.time.toFixed(2), '10.99', 'the 1 s floor');
  const slow = new FlowTracker();
  const slowChanges: FlowChange[] = [];
  for (let packet = 0; packet < 10; packet++) slowChanges.push(...slow.advance(packet * 20), ...slow.onData(packet * 20, 'lan', R1, data(), false));
  assert.equal(slowChanges.filter((change) => change.kind === 'forwarder-stopped').length, 0, 'a packet every 20 s is one steady forwarder');
  slowChanges.push(...slow.advance(1000));
  assert.equal(slowChanges.find((change) => change.kind === 'forwarder-stopped')?.time, 180 + 4 * 20);
});

test('a steady forwarder never stops, however many packets it sends', () => {
  const tracker = new FlowTracker();
  const changes: FlowChange[] = [];
  send(tracker, changes, R1, 0, 60, 50);
  assert.deepEqual(kinds(changes), ['0.00 flow-started', `0.00 forwarder-started ${R1}`]);
});

test('a few isolated packets are a leak, not forwarding', () => {
  const tracker = new FlowTracker({ leakPackets: 3 });
  const changes: FlowChange[] = [];
  send(tracker, changes, R1, 0, 10, 10);
  send(tracker, changes, R2, 5, 5.2, 10); // two packets from R2
  changes.push(...tracker.advance(20));
  const stops = changes.filter((change) => change.kind === 'forwarder-stopped');
  assert.deepEqual(stops.map((change) => [change.detail.mac, change.detail.leak]), [[R2, true], [R1, false]]);
  assert.deepEqual(tracker.snapshot(20)[0]!.leaks, [{ mac: R2, from: 5, to: 5.1, packets: 2 }]);
});

test('two forwarders active at once on one link are duplicate forwarding (RFC 7761 §4.6), one after the other are not', () => {
  const tracker = new FlowTracker();
  const changes: FlowChange[] = [];
  send(tracker, changes, R1, 0, 10, 10);
  send(tracker, changes, R2, 10, 10.6, 10); // R1 still active until 10.9
  assert.equal(tracker.snapshot(10.5).find((flow) => flow.link === 'lan')!.duplicated, true);
  send(tracker, changes, R2, 10.6, 12, 10);
  const duplicate = changes.filter((change) => change.kind === 'duplicate-forwarding');
  assert.equal(duplicate.length, 1);
  assert.deepEqual(duplicate[0]!.detail, { macs: [R1, R2].sort().join(' ') });
  assert.equal(duplicate[0]!.time, 10);
  changes.push(...tracker.advance(11.5));
  assert.equal(tracker.snapshot(11.5)[0]!.duplicated, false, 'R1 went quiet');

  // A takeover: the second forwarder starts after the first stopped.
  const handover = new FlowTracker();
  const handoverChanges: FlowChange[] = [];
  send(handover, handoverChanges, R1, 0, 10, 10);
  send(handover, handoverChanges, R2, 20, 30, 10);
  assert.equal(handoverChanges.some((change) => change.kind === 'duplicate-forwarding'), false);
  assert.equal(handover.snapshot(25)[0]!.duplicated, false);
});

test('the same flow on two links is two flows, sorted by link, then group, then source', () => {
  const tracker = new FlowTracker();
  const changes: FlowChange[] = [];
  send(tracker, changes, R1, 0, 1, 10, 'lan-b');
  send(tracker, changes, R1, 0, 1, 10, 'lan-a');
  changes.push(...tracker.onData(1, 'lan-a', R1, data(100, { group: '239.0.0.9' }), true));
  const flows = tracker.snapshot(2);
  assert.deepEqual(flows.map((flow) => `${flow.link} ${flow.group}`), ['lan-a 239.0.0.9', 'lan-a 239.1.1.1', 'lan-b 239.1.1.1']);
  assert.equal(flows[0]!.macMismatches, 1);
  assert.equal(flows[1]!.duplicated, false, 'one forwarder per link');
});

test('past maxFlows new flows are dropped with one limit-exceeded change', () => {
  const tracker = new FlowTracker({ maxFlows: 2 });
  const changes: FlowChange[] = [];
  for (let i = 1; i <= 4; i++) changes.push(...tracker.onData(i, 'lan', R1, data(100, { group: `239.1.1.${i}` }), false));
  assert.equal(tracker.snapshot(5).length, 2);
  assert.deepEqual(changes.filter((change) => change.kind === 'limit-exceeded').map((change) => change.detail), [{ limit: 'maxFlows', max: 2 }]);
});
