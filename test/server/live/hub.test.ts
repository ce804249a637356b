import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveHub, type LiveChange } from '../../../server/live/hub.js';

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
