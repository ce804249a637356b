import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOspfHeader } from '../../../capture/protocols/ospf.js';
import { concat, ipv4Bytes } from '../../helpers/encode-ip.js';

/** An OSPFv2 LS Update from 10.0.0.9 with one Router-LSA of `router` and the given links. */
function lsUpdate(router: string, links: { id: string; data: string; type: number; tos?: number }[]): Uint8Array {
  const body = concat([0, 0, links.length >> 8, links.length & 0xff], ...links.map((link) =>
    concat(ipv4Bytes(link.id), ipv4Bytes(link.data), [link.type, link.tos ?? 0, 0, 10], new Array((link.tos ?? 0) * 4).fill(0))));
  const lsaLength = 20 + body.length;
  const lsa = concat([0, 1, 0x22, 1], ipv4Bytes(router), ipv4Bytes(router), [0x80, 0, 0, 1, 0, 0, lsaLength >> 8, lsaLength & 0xff], body);
  const length = 24 + 4 + lsa.length;
  return concat([2, 4, length >> 8, length & 0xff], ipv4Bytes('10.0.0.9'), ipv4Bytes('0.0.0.0'), new Array(12).fill(0), [0, 0, 0, 1], lsa);
}

test('the header gives the sender\'s Router ID (RFC 2328 §A.3.1)', () => {
  const hello = concat([2, 1, 0, 44], ipv4Bytes('10.255.0.7'), ipv4Bytes('0.0.0.1'), new Array(32).fill(0));
  const decoded = decodeOspfHeader(hello);
  assert.ok(decoded.ok);
  if (decoded.ok) assert.deepEqual(decoded.value, { version: 2, type: 1, routerId: '10.255.0.7', areaId: '0.0.0.1', routerLsas: [] });
});

test('a Router-LSA in an LS Update lists the router\'s links (RFC 2328 §A.4.2), TOS entries skipped', () => {
  const decoded = decodeOspfHeader(lsUpdate('10.255.0.2', [
    { id: '10.255.0.1', data: '10.0.12.2', type: 1, tos: 1 },
    { id: '10.0.3.0', data: '255.255.255.0', type: 3 },
    { id: '10.0.5.1', data: '10.0.5.2', type: 2 },
  ]));
  assert.ok(decoded.ok);
  if (!decoded.ok) return;
  assert.equal(decoded.value.routerId, '10.0.0.9');
  assert.deepEqual(decoded.value.routerLsas, [{
    advertisingRouter: '10.255.0.2',
    links: [
      { type: 'point-to-point', id: '10.255.0.1', data: '10.0.12.2' },
      { type: 'stub', id: '10.0.3.0', data: '255.255.255.0' },
      { type: 'transit', id: '10.0.5.1', data: '10.0.5.2' },
    ],
  }]);
});

test('cut anywhere, an LS Update never throws and yields only whole LSAs', () => {
  const whole = lsUpdate('10.255.0.2', [{ id: '10.0.3.0', data: '255.255.255.0', type: 3 }]);
  for (let length = 0; length < whole.length; length++) {
    const decoded = decodeOspfHeader(whole.subarray(0, length));
    if (decoded.ok) assert.deepEqual(decoded.value.routerLsas, []);
  }
  const bad = decodeOspfHeader(concat([7, 1, 0, 24], new Array(20).fill(0)));
  assert.equal(!bad.ok && bad.error.code, 'bad-version');
});
