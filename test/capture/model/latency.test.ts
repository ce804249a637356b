/** Join and leave latency from the membership and flow changes of a link (capture/model/latency.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowChange } from '../../../capture/model/flows.js';
import { LatencyTracker } from '../../../capture/model/latency.js';
import type { MembershipChange } from '../../../capture/model/membership/types.js';

const T0 = 1_764_057_600;
const G = '239.1.1.1';
const reporter = (kind: 'reporter-added' | 'reporter-removed', time: number, host: string, link = 'rcv') =>
  ({ time, link, family: 4, kind, group: G, source: null, detail: kind === 'reporter-added' ? { reporter: host } : { reporter: host, reason: 'timeout' } }) as unknown as MembershipChange;
const removed = (time: number, link = 'rcv') => ({ time, link, family: 4, kind: 'group-removed', group: G, source: null, detail: { reason: 'last-member-query' } }) as unknown as MembershipChange;
const started = (time: number, link: string, source = '10.1.0.10'): FlowChange => ({ time, link, group: G, source, kind: 'forwarder-started', detail: { mac: '02:00:00:00:00:03', ttl: 62 } });
const stopped = (time: number, link: string, lastSeen: number, source = '10.1.0.10'): FlowChange =>
  ({ time, link, group: G, source, kind: 'forwarder-stopped', detail: { mac: '02:00:00:00:00:03', packets: 100, leak: false, lastSeen } });

test('join latency: the first report of a host to the group\'s first packet on its link, while the group flows upstream', () => {
  const tracker = new LatencyTracker();
  tracker.onFlowChange(started(T0, 'lan'));
  tracker.onMembershipChange(reporter('reporter-added', T0 + 10, '10.3.0.11'));
  tracker.onFlowChange(started(T0 + 10.35, 'rcv'));
  tracker.onMembershipChange(reporter('reporter-added', T0 + 20, '10.3.0.12'));
  assert.deepEqual(tracker.snapshot().map((entry) => [entry.host, entry.kind, entry.seconds, entry.alreadyFlowing]),
    [['10.3.0.11', 'join', 0.35, false], ['10.3.0.12', 'join', 0, true]]);
});

test('no join latency while no source sends: the wait is the source\'s, not the network\'s', () => {
  const tracker = new LatencyTracker();
  tracker.onMembershipChange(reporter('reporter-added', T0, '10.3.0.11'));
  tracker.onFlowChange(started(T0 + 30, 'lan'));
  tracker.onFlowChange(started(T0 + 30.01, 'rcv'));
  assert.deepEqual(tracker.snapshot(), []);
});

test('leave latency: the Leave to the last packet once the router removed the group; none when the group stays for others', () => {
  const tracker = new LatencyTracker();
  tracker.onFlowChange(started(T0, 'lan'));
  tracker.onFlowChange(started(T0, 'rcv'));
  tracker.onLeave(T0 + 50, 'rcv', G, '10.3.0.11');
  tracker.onMembershipChange(removed(T0 + 52));
  tracker.onFlowChange(stopped(T0 + 55, 'rcv', T0 + 52.4));
  assert.deepEqual(tracker.snapshot().filter((entry) => entry.kind === 'leave').map((entry) => [entry.host, entry.seconds, entry.dataAt]), [['10.3.0.11', 2.4, T0 + 52.4]]);

  const stays = new LatencyTracker();
  stays.onFlowChange(started(T0, 'lan'));
  stays.onFlowChange(started(T0, 'rcv'));
  stays.onLeave(T0 + 50, 'rcv', G, '10.3.0.11');
  stays.onFlowChange(stopped(T0 + 200, 'rcv', T0 + 195)); // much later, after the group stayed for another member
  assert.deepEqual(stays.snapshot().filter((entry) => entry.kind === 'leave'), []);
});
