import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePim, type PimHello, type PimMessage } from '../../../capture/protocols/pim.js';
import { encodePim, helloOption, IPV6_ENDS, type EncodedPim } from '../../helpers/encode-pim.js';

function decodeHello({ bytes, ip }: EncodedPim): PimHello {
  const result = decodePim(bytes, ip);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  assert.equal(result.value.kind, 'pim.hello');
  return result.value as Extract<PimMessage, { kind: 'pim.hello' }>;
}

test('hello with every typed option fills the typed fields and the list', () => {
  const hello = decodeHello(encodePim({
    kind: 'pim.hello',
    options: [
      helloOption.holdtime(105),
      helloOption.lanPruneDelay(true, 500, 2500),
      helloOption.drPriority(0xfffffffe),
      helloOption.generationId(0x89abcdef),
      helloOption.stateRefresh(1, 60),
      helloOption.addressList(['10.0.0.2', '192.168.7.1']),
    ],
  }));
  assert.equal(hello.checksum, 'good');
  assert.equal(hello.holdtime, 105);
  assert.deepEqual(hello.lanPruneDelay, { trackingSupport: true, propagationDelayMs: 500, overrideIntervalMs: 2500 });
  assert.equal(hello.drPriority, 0xfffffffe);
  assert.equal(hello.generationId, 0x89abcdef);
  assert.deepEqual(hello.stateRefresh, { version: 1, intervalSeconds: 60 });
  assert.deepEqual(hello.secondaryAddresses, [{ family: 4, address: '10.0.0.2' }, { family: 4, address: '192.168.7.1' }]);
  assert.deepEqual(hello.options.map((o) => [o.type, o.name, o.value.length]), [
    [1, 'holdtime', 2], [2, 'lan-prune-delay', 4], [19, 'dr-priority', 4], [20, 'generation-id', 4],
    [21, 'state-refresh-capable', 4], [24, 'address-list', 12],
  ]);
  assert.deepEqual([...hello.options[0]!.value], [0, 105]);
});

test('LAN Prune Delay without the T bit keeps all 15 bits of the propagation delay', () => {
  const hello = decodeHello(encodePim({ kind: 'pim.hello', options: [helloOption.lanPruneDelay(false, 0x7fff, 0xffff)] }));
  assert.deepEqual(hello.lanPruneDelay, { trackingSupport: false, propagationDelayMs: 0x7fff, overrideIntervalMs: 0xffff });
});

test('hello with no options: typed fields are null, holdtime 0 is a goodbye and stays 0', () => {
  const empty = decodeHello(encodePim({ kind: 'pim.hello', options: [] }));
  assert.deepEqual(empty, {
    kind: 'pim.hello', checksum: 'good', options: [], holdtime: null, lanPruneDelay: null, drPriority: null,
    generationId: null, stateRefresh: null, secondaryAddresses: [],
  });
  assert.equal(decodeHello(encodePim({ kind: 'pim.hello', options: [helloOption.holdtime(0)] })).holdtime, 0);
});

test('unknown, private and old options are listed with their raw value and a name', () => {
  const hello = decodeHello(encodePim({
    kind: 'pim.hello',
    options: [
      { type: 22, value: [] },
      helloOption.addressList(['10.1.1.1'], 65001),
      { type: 65004, value: [1, 2, 3] },
      { type: 3000, value: [9] },
    ],
  }));
  assert.deepEqual(hello.options.map((o) => [o.type, o.name, [...o.value]]), [
    [22, 'bidirectional-capable', []],
    [65001, 'address-list-old', [1, 0, 10, 1, 1, 1]],
    [65004, 'unknown-65004', [1, 2, 3]],
    [3000, 'unknown-3000', [9]],
  ]);
  assert.deepEqual(hello.secondaryAddresses, []);
});

test('IPv6 hello: address list of IPv6 addresses, checksum with the pseudo-header', () => {
  const hello = decodeHello(encodePim({
    kind: 'pim.hello',
    options: [helloOption.holdtime(105), helloOption.addressList(['2001:db8::1', 'fe80::2:3'])],
  }, IPV6_ENDS));
  assert.equal(hello.checksum, 'good');
  assert.deepEqual(hello.secondaryAddresses, [{ family: 6, address: '2001:db8::1' }, { family: 6, address: 'fe80::2:3' }]);
});

test('an option longer than the message is a truncation error at its value', () => {
  // holdtime 105, then option 3000 claiming 9 value bytes with only 2 present
  const result = decodePim(...args(encodePim({ kind: 'raw', pimType: 0, body: [0, 1, 0, 2, 0, 105, 0x0b, 0xb8, 0, 9, 1, 2] })));
  assert.deepEqual(!result.ok && [result.error.code, result.error.offset], ['truncated', 14]);
});

test('a typed option with the wrong length is a bad-length error at its length field', () => {
  const result = decodePim(...args(encodePim({ kind: 'pim.hello', options: [{ type: 19, value: [0, 1] }] })));
  assert.deepEqual(!result.ok && [result.error.code, result.error.offset], ['bad-length', 6]);
});

test('an address list that does not fill its option exactly is an error', () => {
  const option = helloOption.addressList(['10.0.0.2']);
  const result = decodePim(...args(encodePim({ kind: 'pim.hello', options: [{ type: 24, value: [...Array.from(option.value), 1] }] })));
  assert.equal(result.ok, false);
  const badFamily = decodePim(...args(encodePim({ kind: 'pim.hello', options: [{ type: 24, value: [9, 0, 1, 2, 3, 4] }] })));
  assert.deepEqual(!badFamily.ok && [badFamily.error.code, badFamily.error.offset], ['unsupported', 8]);
});

test('three bytes left after the last option are a truncated option header', () => {
  const result = decodePim(...args(encodePim({ kind: 'raw', pimType: 0, body: [0, 1, 0, 2, 0, 105, 0, 1, 0] })));
  assert.deepEqual(!result.ok && [result.error.code, result.error.offset], ['truncated', 10]);
});

function args({ bytes, ip }: EncodedPim): Parameters<typeof decodePim> {
  return [bytes, ip];
}
