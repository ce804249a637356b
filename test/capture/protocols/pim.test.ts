import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePim } from '../../../capture/protocols/pim.js';
import { encodePim, helloOption, IPV4_ENDS, IPV6_ENDS, pimIpContext } from '../../helpers/encode-pim.js';

test('a hello built by hand, checksum computed on paper, decodes', () => {
  // ver 2 type 0 | reserved | checksum | holdtime option 1, length 2, 105
  // words: 0x2000 + 0x0001 + 0x0002 + 0x0069 = 0x206c -> checksum ~0x206c = 0xdf93
  const bytes = Uint8Array.of(0x20, 0x00, 0xdf, 0x93, 0x00, 0x01, 0x00, 0x02, 0x00, 0x69);
  const result = decodePim(bytes, pimIpContext(IPV4_ENDS));
  assert.ok(result.ok);
  assert.equal(result.value.kind === 'pim.hello' && result.value.holdtime, 105);
});

test('version other than 2 is bad-version; fewer than 4 bytes is truncated', () => {
  for (const version of [0, 1, 3, 15]) {
    const { bytes, ip } = encodePim({ kind: 'pim.hello', options: [] }, IPV4_ENDS, { version });
    const result = decodePim(bytes, ip);
    assert.deepEqual(!result.ok && [result.error.layer, result.error.code, result.error.offset], ['pim', 'bad-version', 0]);
  }
  for (let length = 0; length < 4; length++) {
    const result = decodePim(new Uint8Array(length).fill(0x20), pimIpContext(IPV4_ENDS));
    assert.deepEqual(!result.ok && result.error.code, 'truncated');
  }
});

test('a message with a wrong checksum is decoded and flagged bad, as Wireshark does', () => {
  for (const ends of [IPV4_ENDS, IPV6_ENDS]) {
    const { bytes, ip } = encodePim({ kind: 'pim.hello', options: [helloOption.holdtime(105)] }, ends);
    const good = decodePim(bytes, ip);
    bytes[2] ^= 0x01;
    const bad = decodePim(bytes, ip);
    assert.ok(good.ok && bad.ok);
    assert.deepEqual(bad.value, { ...good.value, checksum: 'bad' });
  }
});

test('the IPv6 pseudo-header is part of the checksum: other addresses make it bad', () => {
  const { bytes } = encodePim({ kind: 'pim.hello', options: [helloOption.holdtime(105)] }, IPV6_ENDS);
  const checksumOf = (result: ReturnType<typeof decodePim>) => result.ok && result.value.checksum;
  assert.equal(checksumOf(decodePim(bytes, pimIpContext(IPV6_ENDS))), 'good');
  assert.equal(checksumOf(decodePim(bytes, pimIpContext({ src: 'fe80::99', dst: 'ff02::d' }))), 'bad');
  assert.equal(checksumOf(decodePim(bytes, pimIpContext(IPV4_ENDS))), 'bad');
});

test('types 10-15 decode as other records; their checksum is still checked', () => {
  for (let pimType = 10; pimType <= 15; pimType++) {
    const { bytes, ip } = encodePim({ kind: 'raw', pimType, body: [1, 2, 3, 4, 5] }, IPV6_ENDS);
    assert.deepEqual(decodePim(bytes, ip), { ok: true, value: { kind: 'other', protocol: 'pim', pimType, checksum: 'good' } });
    bytes[8] ^= 0xff;
    assert.deepEqual(decodePim(bytes, ip), { ok: true, value: { kind: 'other', protocol: 'pim', pimType, checksum: 'bad' } });
  }
});

test('a message the capture cut short is truncated; an unknown type cut short is other, unverified', () => {
  const { bytes, ip } = encodePim({ kind: 'pim.hello', options: [helloOption.holdtime(105), helloOption.drPriority(1)] });
  const cut = decodePim(bytes.subarray(0, 10), { ...ip, payloadLengthOnWire: bytes.length });
  assert.deepEqual(!cut.ok && [cut.error.code, cut.error.offset], ['truncated', 0]);
  const whole = decodePim(bytes, { ...ip, payloadLengthOnWire: bytes.length });
  assert.equal(whole.ok, true);

  const df = encodePim({ kind: 'raw', pimType: 10, body: new Array(40).fill(1) });
  assert.deepEqual(decodePim(df.bytes.subarray(0, 20), { ...df.ip, payloadLengthOnWire: df.bytes.length }),
    { ok: true, value: { kind: 'other', protocol: 'pim', pimType: 10, checksum: 'unverified' } });
});

test('encoded addresses: unknown family, unknown encoding and an oversized mask are errors at their byte', () => {
  const registerStop = (group: number[], source: number[]) => {
    const { bytes, ip } = encodePim({ kind: 'raw', pimType: 2, body: [...group, ...source] });
    return decodePim(bytes, ip);
  };
  const goodGroup = [1, 0, 0, 32, 239, 1, 1, 1];
  const goodSource = [1, 0, 10, 1, 1, 1];
  assert.equal(registerStop(goodGroup, goodSource).ok, true);
  const cases: [number[], number[], string, number][] = [
    [[3, 0, 0, 32, 239, 1, 1, 1], goodSource, 'unsupported', 4],
    [[1, 1, 0, 32, 239, 1, 1, 1], goodSource, 'unsupported', 5],
    [[1, 0, 0, 33, 239, 1, 1, 1], goodSource, 'bad-value', 7],
    [goodGroup, [0, 0, 10, 1, 1, 1], 'unsupported', 12],
    [goodGroup, [1, 9, 10, 1, 1, 1], 'unsupported', 13],
    [[2, 0, 0, 129, ...new Array(16).fill(0xff)], goodSource, 'bad-value', 7],
    [goodGroup, [2, 0, 10, 1, 1, 1], 'truncated', 12],
  ];
  for (const [group, source, code, offset] of cases) {
    const result = registerStop(group, source);
    assert.deepEqual(!result.ok && [result.error.code, result.error.offset], [code, offset], JSON.stringify([group, source]));
  }
});

test('group flags B and Z, and IPv6 mask lengths up to 128', () => {
  const { bytes, ip } = encodePim({
    kind: 'pim.register-stop', group: { address: 'ff15::', maskLength: 16, bidirectional: true, adminScopeZone: true }, source: '2001:db8::7',
  }, IPV6_ENDS);
  const result = decodePim(bytes, ip);
  assert.ok(result.ok && result.value.kind === 'pim.register-stop');
  assert.deepEqual(result.value.group, { family: 6, address: 'ff15::', maskLength: 16, bidirectional: true, adminScopeZone: true });
});
