import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreeKeyMap } from '../../capture/three-key-map.js';

test('values by three texts: each triple its own value, overwritten by a set of the same triple, all of them listed', () => {
  const map = new ThreeKeyMap<number>();
  map.set('lan', '10.0.0.1', '239.1.1.1', 1);
  map.set('lan', '10.0.0.1', '239.1.1.2', 2);
  map.set('lan', '10.0.0.2', '239.1.1.1', 3);
  map.set('wan', '10.0.0.1', '239.1.1.1', 4);
  map.set('lan', '10.0.0.1', '239.1.1.2', 5);
  assert.equal(map.get('lan', '10.0.0.1', '239.1.1.1'), 1);
  assert.equal(map.get('lan', '10.0.0.1', '239.1.1.2'), 5);
  assert.equal(map.get('wan', '10.0.0.1', '239.1.1.1'), 4);
  assert.equal(map.get('wan', '10.0.0.2', '239.1.1.1'), undefined);
  assert.equal(map.get('lan|10.0.0.1', '239.1.1.1', ''), undefined, 'no key text is built: parts never run together');
  assert.deepEqual([...map.values()].sort(), [1, 3, 4, 5]);
});
