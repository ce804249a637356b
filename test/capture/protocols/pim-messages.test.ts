import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePim, type PimMessage } from '../../../capture/protocols/pim.js';
import { encodePim, IPV4_ENDS, IPV6_ENDS, type EncodedPim, type IpEnds, type PimInput } from '../../helpers/encode-pim.js';

function decodeValue(message: PimInput, ends: IpEnds = IPV4_ENDS): PimMessage {
  const { bytes, ip }: EncodedPim = encodePim(message, ends);
  const result = decodePim(bytes, ip);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
  return result.value;
}

const GROUP_V4 = { family: 4, address: '239.1.1.1', maskLength: 32, bidirectional: false, adminScopeZone: false } as const;

test('register-stop: encoded group and unicast source, IPv4 and IPv6', () => {
  assert.deepEqual(decodeValue({ kind: 'pim.register-stop', group: { address: '239.1.1.1' }, source: '192.168.1.10' }), {
    kind: 'pim.register-stop', checksum: 'good', group: GROUP_V4, source: { family: 4, address: '192.168.1.10' }, trailingBytes: 0,
  });
  assert.deepEqual(decodeValue({ kind: 'pim.register-stop', group: { address: 'ff3e::1' }, source: '::' }, IPV6_ENDS), {
    kind: 'pim.register-stop', checksum: 'good',
    group: { family: 6, address: 'ff3e::1', maskLength: 128, bidirectional: false, adminScopeZone: false },
    source: { family: 6, address: '::' }, trailingBytes: 0,
  });
});

test('assert: metrics, RPT bit, and the AssertCancel form', () => {
  const base = { kind: 'pim.assert', group: { address: '239.1.1.1' }, source: '10.1.1.1' } as const;
  assert.deepEqual(decodeValue({ ...base, rpt: false, metricPreference: 110, metric: 20 }), {
    kind: 'pim.assert', checksum: 'good', group: GROUP_V4, source: { family: 4, address: '10.1.1.1' },
    rpt: false, metricPreference: 110, metric: 20, isCancel: false, trailingBytes: 0,
  });
  const rptAssert = decodeValue({ ...base, rpt: true, metricPreference: 0x7ffffffe, metric: 0xffffffff });
  assert.deepEqual(rptAssert.kind === 'pim.assert' && [rptAssert.rpt, rptAssert.metricPreference, rptAssert.metric, rptAssert.isCancel],
    [true, 0x7ffffffe, 0xffffffff, false]);
  for (const rpt of [false, true]) {
    const cancel = decodeValue({ ...base, rpt, metricPreference: 0x7fffffff, metric: 0xffffffff });
    assert.deepEqual(cancel.kind === 'pim.assert' && [cancel.rpt, cancel.metricPreference, cancel.isCancel], [rpt, 0x7fffffff, true]);
  }
  const v6 = decodeValue({ kind: 'pim.assert', group: { address: 'ff3e::1' }, source: '2001:db8::1', rpt: false, metricPreference: 1, metric: 2 }, IPV6_ENDS);
  assert.deepEqual(v6.kind === 'pim.assert' && v6.source, { family: 6, address: '2001:db8::1' });
});

test('bootstrap: No-Forward bit, fragments, several groups and RPs, admin scope zone', () => {
  const message = decodeValue({
    kind: 'pim.bootstrap', noForward: true, fragmentTag: 0xbeef, hashMaskLength: 30, bsrPriority: 200, bsrAddress: '10.0.0.100',
    groups: [
      { group: { address: '224.0.0.0', maskLength: 4 }, rpCount: 3, rps: [
        { address: '10.0.0.1', holdtime: 150, priority: 0 }, { address: '10.0.0.2', holdtime: 150, priority: 192 },
      ] },
      { group: { address: '239.0.0.0', maskLength: 8, adminScopeZone: true }, rps: [{ address: '10.0.0.3', holdtime: 0, priority: 255 }] },
      { group: { address: '232.0.0.0', maskLength: 8, bidirectional: true }, rpCount: 1, rps: [] },
    ],
  });
  assert.deepEqual(message, {
    kind: 'pim.bootstrap', checksum: 'good', noForward: true, fragmentTag: 0xbeef, hashMaskLength: 30, bsrPriority: 200,
    bsrAddress: { family: 4, address: '10.0.0.100' },
    groups: [
      {
        group: { family: 4, address: '224.0.0.0', maskLength: 4, bidirectional: false, adminScopeZone: false },
        rpCount: 3, fragmentRpCount: 2,
        rps: [
          { address: { family: 4, address: '10.0.0.1' }, holdtime: 150, priority: 0 },
          { address: { family: 4, address: '10.0.0.2' }, holdtime: 150, priority: 192 },
        ],
      },
      {
        group: { family: 4, address: '239.0.0.0', maskLength: 8, bidirectional: false, adminScopeZone: true },
        rpCount: 1, fragmentRpCount: 1, rps: [{ address: { family: 4, address: '10.0.0.3' }, holdtime: 0, priority: 255 }],
      },
      {
        group: { family: 4, address: '232.0.0.0', maskLength: 8, bidirectional: true, adminScopeZone: false },
        rpCount: 1, fragmentRpCount: 0, rps: [],
      },
    ],
  });
  const plain = decodeValue({ kind: 'pim.bootstrap', fragmentTag: 1, hashMaskLength: 126, bsrPriority: 0, bsrAddress: '2001:db8::100', groups: [
    { group: { address: 'ff00::', maskLength: 8 }, rps: [{ address: '2001:db8::1', holdtime: 150, priority: 1 }] },
  ] }, IPV6_ENDS);
  assert.ok(plain.kind === 'pim.bootstrap');
  assert.equal(plain.noForward, false);
  assert.deepEqual(plain.groups[0]!.rps[0]!.address, { family: 6, address: '2001:db8::1' });
  const empty = decodeValue({ kind: 'pim.bootstrap', fragmentTag: 1, hashMaskLength: 30, bsrPriority: 1, bsrAddress: '10.0.0.1', groups: [] });
  assert.deepEqual(empty.kind === 'pim.bootstrap' && empty.groups, []);
});

test('candidate-RP advertisement: prefixes, and zero prefixes meaning every group', () => {
  assert.deepEqual(decodeValue({
    kind: 'pim.c-rp-adv', priority: 192, holdtime: 150, rpAddress: '10.0.0.1',
    groups: [{ address: '239.0.0.0', maskLength: 8 }, { address: '224.0.0.0', maskLength: 4, bidirectional: true }],
  }, { src: '10.0.0.1', dst: '10.0.0.100' }), {
    kind: 'pim.c-rp-adv', checksum: 'good', prefixCount: 2, priority: 192, holdtime: 150, rpAddress: { family: 4, address: '10.0.0.1' },
    groups: [
      { family: 4, address: '239.0.0.0', maskLength: 8, bidirectional: false, adminScopeZone: false },
      { family: 4, address: '224.0.0.0', maskLength: 4, bidirectional: true, adminScopeZone: false },
    ],
    trailingBytes: 0,
  });
  const all = decodeValue({ kind: 'pim.c-rp-adv', priority: 0, holdtime: 150, rpAddress: '2001:db8::1', groups: [] }, IPV6_ENDS);
  assert.deepEqual(all.kind === 'pim.c-rp-adv' && [all.prefixCount, all.groups, all.rpAddress], [0, [], { family: 6, address: '2001:db8::1' }]);
});

test('state refresh: addresses, metrics, TTL, interval and every P/N/O flag', () => {
  for (let flags = 0; flags < 8; flags++) {
    const message = decodeValue({
      kind: 'pim.state-refresh', group: { address: '239.1.1.1' }, source: '10.1.1.1', originator: '10.0.0.1',
      rpt: flags === 5, metricPreference: 120, metric: 2, maskLength: 24, ttl: 16,
      pruneIndicator: (flags & 4) !== 0, pruneNow: (flags & 2) !== 0, assertOverride: (flags & 1) !== 0, intervalSeconds: 60,
    });
    assert.deepEqual(message, {
      kind: 'pim.state-refresh', checksum: 'good', group: GROUP_V4, source: { family: 4, address: '10.1.1.1' },
      originator: { family: 4, address: '10.0.0.1' }, rpt: flags === 5, metricPreference: 120, metric: 2, maskLength: 24, ttl: 16,
      pruneIndicator: (flags & 4) !== 0, pruneNow: (flags & 2) !== 0, assertOverride: (flags & 1) !== 0, intervalSeconds: 60, trailingBytes: 0,
    });
  }
});

test('a message whose fields are all present is whole: bytes after its last field are a note, not an error', () => {
  const cases: [number, string, number[]][] = [
    [2, 'pim.register-stop', [1, 0, 0, 32, 239, 1, 1, 1, 1, 0, 10, 1, 1, 1, 0]],
    [5, 'pim.assert', [1, 0, 0, 32, 239, 1, 1, 1, 1, 0, 10, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xaa]],
    [8, 'pim.c-rp-adv', [0, 1, 0, 150, 1, 0, 10, 0, 0, 1, 0xaa]],
    // A C-RP-Adv whose one prefix is an admin scope zone (Z), with padding after it.
    [8, 'pim.c-rp-adv', [1, 1, 0, 150, 1, 0, 10, 0, 0, 1, 1, 0, 0x01, 8, 239, 0, 0, 0, 0, 0, 0, 0]],
  ];
  for (const [pimType, kind, body] of cases) {
    const { bytes, ip } = encodePim({ kind: 'raw', pimType, body });
    const result = decodePim(bytes, ip);
    assert.ok(result.ok, `type ${pimType}: ${JSON.stringify(!result.ok && result.error)}`);
    assert.equal(result.value.kind, kind);
    assert.equal(result.value.checksum, 'good');
    assert.ok('trailingBytes' in result.value && result.value.trailingBytes > 0);
    if (result.value.kind === 'pim.c-rp-adv' && result.value.groups.length > 0) {
      assert.deepEqual(result.value.groups[0], { family: 4, address: '239.0.0.0', maskLength: 8, bidirectional: false, adminScopeZone: true });
      assert.equal(result.value.trailingBytes, 4);
    }
  }
});
