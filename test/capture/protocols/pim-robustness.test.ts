import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePim } from '../../../capture/protocols/pim.js';
import { MESSAGE_KINDS } from '../../../capture/message-kinds.js';
import { seededRandom } from '../../helpers/seeded-random.js';
import {
  encodePim, helloOption, ipv4Packet, ipv6Packet, IPV4_ENDS, IPV6_ENDS, type EncodedPim, type PimInput,
} from '../../helpers/encode-pim.js';

const GROUPS = [
  { group: { address: '239.1.1.1' }, joinedSources: [{ address: '10.9.9.9', sparse: true, wildcard: true, rpt: true }],
    prunedSources: [{ address: '10.1.1.1', sparse: true, rpt: true }] },
  { group: { address: '232.1.1.1' }, joinedSources: [{ address: '10.1.1.2', sparse: true }], prunedSources: [] },
];
const GROUPS_V6 = [
  { group: { address: 'ff3e::1' }, joinedSources: [{ address: '2001:db8::9', sparse: true, wildcard: true, rpt: true }],
    prunedSources: [{ address: '2001:db8::1', sparse: true, rpt: true }] },
];

/** One message of every type, IPv4 and IPv6: the inputs for the truncation and fuzz loops. */
function samples(): { name: string; encoded: EncodedPim; counted: boolean }[] {
  const v4: PimInput[] = [
    { kind: 'pim.hello', options: [helloOption.holdtime(105), helloOption.lanPruneDelay(true, 500, 2500), helloOption.drPriority(7),
      helloOption.generationId(0x12345678), helloOption.stateRefresh(1, 60), helloOption.addressList(['10.0.0.2']), { type: 65004, value: [1] }] },
    { kind: 'pim.register', inner: ipv4Packet('192.168.1.10', '239.1.2.3', 17, [1, 2, 3, 4, 5, 6, 7, 8, 9]) },
    { kind: 'pim.register', nullRegister: true, inner: ipv4Packet('192.168.1.10', '239.1.2.3', 0, []) },
    { kind: 'pim.register-stop', group: { address: '239.1.1.1' }, source: '192.168.1.10' },
    { kind: 'pim.join-prune', upstreamNeighbor: '10.0.0.2', holdtime: 210, groups: GROUPS },
    { kind: 'pim.graft', upstreamNeighbor: '10.0.0.2', holdtime: 0, groups: GROUPS },
    { kind: 'pim.graft-ack', upstreamNeighbor: '10.0.0.2', holdtime: 0, groups: GROUPS },
    { kind: 'pim.assert', group: { address: '239.1.1.1' }, source: '10.1.1.1', rpt: true, metricPreference: 110, metric: 20 },
    { kind: 'pim.bootstrap', noForward: true, fragmentTag: 7, hashMaskLength: 30, bsrPriority: 1, bsrAddress: '10.0.0.100',
      groups: [{ group: { address: '224.0.0.0', maskLength: 4 }, rps: [{ address: '10.0.0.1', holdtime: 150, priority: 1 }] }] },
    { kind: 'pim.c-rp-adv', priority: 1, holdtime: 150, rpAddress: '10.0.0.1', groups: [{ address: '239.0.0.0', maskLength: 8 }] },
    { kind: 'pim.state-refresh', group: { address: '239.1.1.1' }, source: '10.1.1.1', originator: '10.0.0.1', rpt: false,
      metricPreference: 120, metric: 2, maskLength: 24, ttl: 16, pruneIndicator: true, pruneNow: false, assertOverride: true, intervalSeconds: 60 },
  ];
  const v6: PimInput[] = [
    { kind: 'pim.hello', options: [helloOption.holdtime(105), helloOption.addressList(['2001:db8::2'])] },
    { kind: 'pim.register', inner: ipv6Packet('2001:db8::10', 'ff3e::1', 17, [1, 2, 3, 4, 5, 6, 7, 8]) },
    { kind: 'pim.register', nullRegister: true, inner: ipv6Packet('2001:db8::10', 'ff3e::1', 59, []) },
    { kind: 'pim.register-stop', group: { address: 'ff3e::1' }, source: '2001:db8::10' },
    { kind: 'pim.join-prune', upstreamNeighbor: 'fe80::2', holdtime: 210, groups: GROUPS_V6 },
    { kind: 'pim.assert', group: { address: 'ff3e::1' }, source: '2001:db8::10', rpt: false, metricPreference: 1, metric: 1 },
    { kind: 'pim.bootstrap', fragmentTag: 7, hashMaskLength: 126, bsrPriority: 1, bsrAddress: '2001:db8::100',
      groups: [{ group: { address: 'ff00::', maskLength: 8 }, rps: [{ address: '2001:db8::1', holdtime: 150, priority: 1 }] }] },
    { kind: 'pim.c-rp-adv', priority: 1, holdtime: 150, rpAddress: '2001:db8::1', groups: [{ address: 'ff00::', maskLength: 8 }] },
    { kind: 'pim.state-refresh', group: { address: 'ff3e::1' }, source: '2001:db8::10', originator: 'fe80::1', rpt: false,
      metricPreference: 120, metric: 2, maskLength: 64, ttl: 16, pruneIndicator: false, pruneNow: true, assertOverride: false, intervalSeconds: 60 },
  ];
  /** Messages whose counts or fixed layout leave no valid shorter prefix. */
  const isCounted = (kind: PimInput['kind']) => !['pim.hello', 'pim.bootstrap', 'pim.register'].includes(kind);
  return [
    ...v4.map((input) => ({ name: `${input.kind} v4`, encoded: encodePim(input, IPV4_ENDS), counted: isCounted(input.kind) })),
    ...v6.map((input) => ({ name: `${input.kind} v6`, encoded: encodePim(input, IPV6_ENDS), counted: isCounted(input.kind) })),
  ];
}

/** Re-encodes `bytes` (header included) with a checksum that is correct for their length. */
function withFreshChecksum(bytes: Uint8Array, ends: typeof IPV4_ENDS): EncodedPim {
  const type = bytes[0]! & 0x0f;
  const fresh = encodePim({ kind: 'raw', pimType: type, body: bytes.subarray(4) }, ends, { version: bytes[0]! >> 4, flags: bytes[1]! });
  return fresh;
}

function endsOf(encoded: EncodedPim) {
  return encoded.ip.family === 4 ? IPV4_ENDS : IPV6_ENDS;
}

test('every sample decodes whole', () => {
  for (const { name, encoded } of samples()) {
    const result = decodePim(encoded.bytes, encoded.ip);
    assert.ok(result.ok, `${name}: ${JSON.stringify(!result.ok && result.error)}`);
  }
});

test('truncation at every byte offset of every message type is an error or a message flagged bad, never a throw', () => {
  for (const { name, encoded, counted } of samples()) {
    for (let length = 0; length < encoded.bytes.length; length++) {
      const cut = encoded.bytes.slice(0, length);
      const decoded = decodePim(cut, encoded.ip);
      assert.ok(!decoded.ok || decoded.value.checksum === 'bad', `${name} cut to ${length}`);
      const snaplen = decodePim(cut, { ...encoded.ip, payloadLengthOnWire: encoded.bytes.length });
      if (!name.startsWith('pim.register v') || length < 8 + 20) assert.equal(snaplen.ok, false, `${name} snaplen ${length}`);
      if (length < 4) continue;
      // With a checksum made right for the shorter message, only the structure can reject it.
      const resummed = withFreshChecksum(cut, endsOf(encoded));
      const structural = decodePim(resummed.bytes, resummed.ip);
      // A bare Graft / Graft-Ack header is whole (pim-join-prune.ts); any other cut of a counted message is not.
      const bareGraft = length === 4 && (name.startsWith('pim.graft') || name.startsWith('pim.graft-ack'));
      if (counted && !bareGraft) assert.equal(structural.ok, false, `${name} cut to ${length}, checksum fixed`);
    }
  }
});


test('seeded fuzz: thousands of mutated messages never throw, and every success has a known kind', () => {
  const random = seededRandom(0x5eed);
  const all = samples();
  const kinds = new Set<string>(MESSAGE_KINDS);
  let decoded = 0;
  for (let round = 0; round < 20000; round++) {
    const { encoded } = all[Math.floor(random() * all.length)]!;
    let bytes = encoded.bytes.slice();
    const mutations = 1 + Math.floor(random() * 4);
    for (let m = 0; m < mutations; m++) {
      const choice = random();
      if (choice < 0.6 && bytes.length) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      else if (choice < 0.8) bytes = bytes.slice(0, Math.floor(random() * (bytes.length + 1)));
      else bytes = Uint8Array.from([...bytes, ...Array.from({ length: Math.floor(random() * 24) }, () => Math.floor(random() * 256))]);
    }
    // Half the time fix the checksum, so the body decoders see the damage rather than the checksum check.
    const input = random() < 0.5 && bytes.length >= 4 ? withFreshChecksum(bytes, endsOf(encoded)) : { bytes, ip: encoded.ip };
    const wire = random() < 0.2 ? { ...input.ip, payloadLengthOnWire: input.bytes.length + 10 } : input.ip;
    let result;
    try {
      result = decodePim(input.bytes, wire);
    } catch (error) {
      assert.fail(`round ${round} threw ${String(error)} on ${Buffer.from(input.bytes).toString('hex')}`);
    }
    if (result.ok) {
      decoded++;
      assert.ok(kinds.has(result.value.kind), result.value.kind);
      assert.doesNotThrow(() => JSON.stringify(result.value));
    } else {
      assert.equal(result.error.layer, 'pim');
      assert.ok(result.error.offset >= 0 && result.error.offset <= input.bytes.length + 10, JSON.stringify(result.error));
    }
  }
  assert.ok(decoded > 1000, `only ${decoded} mutated messages decoded: the fuzz is not reaching the body decoders`);
});
