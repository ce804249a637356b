/** Control messages with a bad checksum: receivers drop them, so the model counts and remembers them but never applies them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../../capture/decode.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import { StatsCounter } from '../../../capture/stats.js';
import { ethernetFrame, frameOf } from '../../helpers/encode-frame.js';
import { encodeIgmpV3Report, igmpPacket } from '../../helpers/encode-igmp.js';

const HOST_MAC = '02:00:00:00:00:0a';
const T0 = 1_764_057_600;
const CHANGE_TO_EXCLUDE = 4;

function report(time: number, corrupt: boolean) {
  const igmp = encodeIgmpV3Report([{ type: CHANGE_TO_EXCLUDE, group: '239.1.1.1' }]);
  if (corrupt) igmp[3] ^= 0x01;
  return decodeFrame(frameOf(ethernetFrame('01:00:5e:00:00:16', HOST_MAC, 0x0800, igmpPacket('10.0.0.10', '224.0.0.22', igmp)), { time, link: 'lan', number: 1 }));
}

test('a report with a bad checksum joins nothing; it is counted as a decode error and its sender remembered', () => {
  const analyzer = new NetworkAnalyzer();
  analyzer.onFrame(report(T0, true));
  analyzer.onFrame(report(T0 + 1, true));
  const snapshot = analyzer.snapshot(T0 + 2);
  assert.deepEqual(snapshot.memberships, []);
  assert.equal(snapshot.links[0]!.decodeErrors, 2);
  assert.deepEqual([...analyzer.badChecksums.values()], [{
    link: 'lan', sender: '10.0.0.10', mac: HOST_MAC, kind: 'igmp.v3.report', count: 2, firstSeen: T0, lastSeen: T0 + 1,
  }]);
  analyzer.onFrame(report(T0 + 3, false));
  assert.deepEqual(analyzer.snapshot(T0 + 4).memberships.map((m) => m.group), ['239.1.1.1'], 'the same report with a good checksum joins');
});

test('stats count a bad-checksum message under the decode errors, not as a message (as tshark does)', () => {
  const counter = new StatsCounter();
  counter.add(report(T0, true));
  counter.add(report(T0 + 1, false));
  const stats = counter.result();
  assert.equal(stats.decodeErrors, 1);
  assert.deepEqual(stats.links['lan']!.messages, { 'igmp.v3.report': 1 });
  assert.deepEqual(stats.errors, [{ reason: 'igmp.bad-checksum', count: 1, firstFrames: [1] }]);
});
