/** Address text helpers the model leans on for every snapshot: MAC text and prefix containment. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMac, prefixContainsAddress } from '../../../capture/ip/address-format.js';

test('MAC text: lower-case hex pairs, the same text for the same bytes at any offset', () => {
  const bytes = new Uint8Array([0xff, 0x01, 0x00, 0x5e, 0x0a, 0xb0, 0xc1, 0x0f]);
  assert.equal(formatMac(bytes, 1), '01:00:5e:0a:b0:c1');
  assert.equal(formatMac(bytes, 2), '00:5e:0a:b0:c1:0f');
  assert.equal(formatMac(new Uint8Array([0x01, 0x00, 0x5e, 0x0a, 0xb0, 0xc1])), '01:00:5e:0a:b0:c1');
  assert.equal(formatMac(new Uint8Array(6)), '00:00:00:00:00:00');
  assert.equal(formatMac(new Uint8Array(6).fill(0xff)), 'ff:ff:ff:ff:ff:ff');
});

test('prefix containment: by the prefix length, per family, false for what is not a prefix', () => {
  assert.equal(prefixContainsAddress('10.0.1.0/24', '10.0.1.77'), true);
  assert.equal(prefixContainsAddress('10.0.1.0/24', '10.0.2.1'), false);
  assert.equal(prefixContainsAddress('10.0.1.128/25', '10.0.1.127'), false);
  assert.equal(prefixContainsAddress('10.0.1.128/25', '10.0.1.200'), true);
  assert.equal(prefixContainsAddress('0.0.0.0/0', '192.0.2.1'), true);
  assert.equal(prefixContainsAddress('10.0.1.1/32', '10.0.1.1'), true);
  assert.equal(prefixContainsAddress('2001:db8::/32', '2001:db8:5::1'), true);
  assert.equal(prefixContainsAddress('2001:db8::/32', '2001:db9::1'), false);
  assert.equal(prefixContainsAddress('10.0.0.0/8', '2001:db8::1'), false, 'families differ');
  assert.equal(prefixContainsAddress('10.0.0.0', '10.0.0.1'), false, 'no length');
  assert.equal(prefixContainsAddress('10.0.0.0/x', '10.0.0.1'), false);
  assert.equal(prefixContainsAddress('nonsense/8', '10.0.0.1'), false);
});
