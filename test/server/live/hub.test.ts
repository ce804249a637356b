import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FlowState } from '../../../shapes/snapshot.js';
import type { TimelineEntry } from '../../../capture/model/timeline.js';
import { countersOf, liveChangeOf, LiveHub, type LiveChange } from '../../../server/live/hub.js';

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

test('the hub delivers to listeners until removed, and a failing listener stops nobody', () => {
  const hub = new LiveHub();
  const seen: LiveChange[] = [];
  hub.on('change', () => {
    throw new Error('closed socket');
  });
  const stop = hub.on('change', (change) => seen.push(change));
  const change: LiveChange = { captureId: null, time: 1, area: 'flow', kind: 'flow-started', link: 'lan', group: '239.1.1.1', source: '10.0.0.1', detail: {} };
  hub.publishChange(change);
  stop();
  hub.publishChange(change);
  assert.deepEqual(seen, [change]);
});
