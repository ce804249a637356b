import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIPv4 } from '../../../capture/ip/ipv4.js';
import { encodeIPv4, ipv4RouterAlertOption, PROTOCOL_IGMP, PROTOCOL_UDP } from '../../helpers/encode-ip.js';

const PAYLOAD = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

function decodeOk(bytes: Uint8Array) {
  const decoded = decodeIPv4(bytes);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.reason);
  return decoded.value;
}

function decodeError(bytes: Uint8Array) {
  const decoded = decodeIPv4(bytes);
  assert.ok(!decoded.ok, 'expected a decode error');
  assert.equal(decoded.error.layer, 'ipv4');
  return decoded.error;
}

describe('decodeIPv4', () => {
  it('decodes a plain header', () => {
    const packet = decodeOk(encodeIPv4({ src: '10.0.0.1', dst: '239.1.2.3', protocol: PROTOCOL_UDP, ttl: 64, id: 777, tos: 0xb8, dontFragment: true, payload: PAYLOAD }));
    assert.equal(packet.version, 4);
    assert.equal(packet.headerLength, 20);
    assert.equal(packet.totalLength, 28);
    assert.equal(packet.id, 777);
    assert.equal(packet.tos, 0xb8);
    assert.equal(packet.ttl, 64);
    assert.equal(packet.protocol, PROTOCOL_UDP);
    assert.equal(packet.checksum, 'good');
    assert.equal(packet.src, '10.0.0.1');
    assert.equal(packet.dst, '239.1.2.3');
    assert.deepEqual([...packet.srcBytes], [10, 0, 0, 1]);
    assert.deepEqual([...packet.dstBytes], [239, 1, 2, 3]);
    assert.equal(packet.dontFragment, true);
    assert.equal(packet.fragment, null);
    assert.deepEqual(packet.options, []);
    assert.equal(packet.routerAlert, null);
    assert.deepEqual([...packet.payload], [...PAYLOAD]);
    assert.equal(packet.truncated, false);
  });

  it('reads Router Alert among other options', () => {
    const options = [1, ...ipv4RouterAlertOption(0), 7, 3, 4, 0]; // NOP, RA, Record Route (3 bytes), EOL
    const packet = decodeOk(encodeIPv4({ src: '10.0.0.1', dst: '224.0.0.22', protocol: PROTOCOL_IGMP, options, payload: PAYLOAD }));
    assert.equal(packet.headerLength, 32);
    assert.equal(packet.routerAlert, 0);
    assert.deepEqual(packet.options, [148, 7]);
    assert.equal(packet.payload.length, 8);
  });

  it('reads a non-zero Router Alert value and stops at End of Option List', () => {
    const packet = decodeOk(encodeIPv4({ src: '10.0.0.1', dst: '224.0.0.22', protocol: PROTOCOL_IGMP, options: [...ipv4RouterAlertOption(5), 0, 99, 99, 99], payload: PAYLOAD }));
    assert.equal(packet.routerAlert, 5);
    assert.deepEqual(packet.options, [148]);
  });

  it('rejects bad option lengths', () => {
    const cases: [string, number[]][] = [
      ['length below 2', [7, 1, 0, 0]],
      ['length past the header', [7, 9, 0, 0]],
      ['no length byte', [1, 1, 1, 7]],
      ['Router Alert not 4 bytes', [148, 3, 0, 0]],
    ];
    for (const [name, options] of cases) {
      const error = decodeError(encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, options, payload: PAYLOAD }));
      assert.equal(error.code, 'bad-length', name);
      assert.ok(error.offset >= 20, name);
    }
  });

  it('reports fragments', () => {
    const first = decodeOk(encodeIPv4({ src: '1.1.1.1', dst: '239.0.0.1', protocol: 17, moreFragments: true, payload: PAYLOAD }));
    assert.deepEqual(first.fragment, { offset: 0, moreFragments: true });
    const later = decodeOk(encodeIPv4({ src: '1.1.1.1', dst: '239.0.0.1', protocol: 17, fragmentOffset: 1480, payload: PAYLOAD }));
    assert.deepEqual(later.fragment, { offset: 1480, moreFragments: false });
  });

  it('trims link-layer padding and flags a capture cut short', () => {
    const padded = new Uint8Array(60);
    padded.set(encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, payload: PAYLOAD }));
    const packet = decodeOk(padded);
    assert.equal(packet.payload.length, 8);
    assert.equal(packet.truncated, false);
    const full = encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, payload: PAYLOAD });
    const cut = decodeOk(full.subarray(0, 24));
    assert.equal(cut.truncated, true);
    assert.equal(cut.payload.length, 4);
  });

  it('rejects a wrong version, IHL, total length and checksum', () => {
    const good = encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, payload: PAYLOAD });
    const version = good.slice(); version[0] = 0x65;
    assert.equal(decodeError(version).code, 'bad-version');
    const ihl = good.slice(); ihl[0] = 0x44;
    assert.equal(decodeError(ihl).code, 'bad-length');
    assert.equal(decodeError(encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, totalLength: 19, payload: PAYLOAD })).code, 'bad-length');
    const checksum = decodeError(encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, checksum: 0x1234, payload: PAYLOAD }));
    assert.equal(checksum.code, 'bad-checksum');
    assert.equal(checksum.offset, 10);
    assert.match(checksum.reason, /0x1234, expected 0x[0-9a-f]{4}/);
  });

  it('names the expected checksum correctly', () => {
    const good = encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.1', protocol: 2, payload: PAYLOAD });
    const expected = ((good[10]! << 8) | good[11]!).toString(16).padStart(4, '0');
    const bad = good.slice(); bad[10] ^= 0xff;
    assert.match(decodeError(bad).reason, new RegExp(`expected 0x${expected}$`));
  });

  it('fails without throwing at every truncation of the header', () => {
    const packet = encodeIPv4({ src: '1.1.1.1', dst: '224.0.0.22', protocol: 2, options: ipv4RouterAlertOption(0), payload: PAYLOAD });
    for (let length = 0; length < 24; length++) {
      const error = decodeError(packet.subarray(0, length));
      assert.equal(error.code, 'truncated', `length ${length}`);
    }
  });
});
