/** The live sink: changes in the stored change's shape, and for live capture each second's rates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimelineEntry } from '../../../capture/model/timeline.js';
import { countersOf, liveChangeOf, liveSink } from '../../../pipeline/sinks/live-sink.js';
import { AnalysisRun } from '../../../pipeline/run.js';
import type { CountersMessage, LiveChange } from '../../../shapes/live.js';
import type { FlowState } from '../../../shapes/snapshot.js';
import { ethernetFrame, frameOf } from '../../helpers/encode-frame.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../../helpers/encode-ip.js';

const T0 = 1_764_057_600;

test('liveChangeOf keeps the stored change fields of an entry, with the capture it belongs to', () => {
  const membership: TimelineEntry = {
    area: 'membership', time: 10, link: 'lan1', family: 4, kind: 'reporter-added', group: '239.1.1.1', source: null, detail: { reporter: '10.0.0.5' },
  };
  assert.deepEqual(liveChangeOf(membership, 3), { captureId: 3, time: 10, area: 'membership', kind: 'reporter-added', link: 'lan1', group: '239.1.1.1', source: null, detail: { reporter: '10.0.0.5' } });
});

test('countersOf: per-flow rates and their sums per link', () => {
  const flow = (link: string, group: string, pps: number, bps: number) => ({ link, source: '10.0.1.10', group, pps, bps }) as FlowState;
  const counters = countersOf(100, [flow('b', '239.1.1.1', 10, 8000), flow('a', '239.1.1.1', 5, 4000), flow('b', '239.2.2.2', 1, 800)]);
  assert.equal(counters.time, 100);
  assert.equal(counters.flows.length, 3);
  assert.deepEqual(counters.links, [{ link: 'a', pps: 5, bps: 4000 }, { link: 'b', pps: 11, bps: 8800 }]);
});

const data = (time: number) => frameOf(ethernetFrame('01:00:5e:09:09:09', '02:00:00:00:00:14', 0x0800, encodeIPv4({
  src: '10.0.0.20', dst: '239.9.9.9', protocol: PROTOCOL_UDP, ttl: 4, payload: encodeUdp('10.0.0.20', '239.9.9.9', 4000, 5000, new Uint8Array(64)),
})), { time, link: 'lan1' });

test('a live run publishes every change and, once per second of packet time, the rates', () => {
  const changes: LiveChange[] = [];
  const counters: CountersMessage[] = [];
  const run = new AnalysisRun({ sinks: [liveSink({ publishChange: (change) => changes.push(change), publishCounters: (message) => counters.push(message) }, { captureId: 7, counters: true })] });
  for (let packet = 0; packet < 100; packet++) run.frame(data(T0 + packet / 10));
  run.advance(T0 + 16); // the sender's last packet at 9.9 s: its forwarder stops 5 s later
  assert.deepEqual(changes.map((change) => change.kind), ['flow-started', 'forwarder-started', 'forwarder-stopped']);
  assert.ok(changes.every((change) => change.captureId === 7 && change.group === '239.9.9.9' && change.source === '10.0.0.20'));
  assert.deepEqual(counters.map((message) => message.time - T0), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 'one message per second, also through the silence');
  assert.deepEqual(counters[5]!.links, [{ link: 'lan1', pps: 10, bps: 10 * (20 + 8 + 64) * 8 }]);

  const quiet: CountersMessage[] = [];
  const upload = new AnalysisRun({ sinks: [liveSink({ publishChange: () => undefined, publishCounters: (message) => quiet.push(message) }, { captureId: null, counters: false })] });
  for (let packet = 0; packet < 100; packet++) upload.frame(data(T0 + packet / 10));
  assert.equal(quiet.length, 0, 'files read at full speed publish no rates');
});
