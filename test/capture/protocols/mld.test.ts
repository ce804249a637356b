import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMld, type MldMessage, type OtherIcmpv6 } from '../../../capture/protocols/mld.js';
import { decodeIPv6 } from '../../../capture/ip/ipv6.js';
import { GROUP_RECORD_TYPES } from '../../../capture/message-kinds.js';
import { ipv6Bytes } from '../../helpers/encode-ip.js';
import {
  encodeMldV1, encodeMldV2Query, encodeMldV2Report, type MldAddresses, mldPacket, MLD_QUERY, MLD_V1_DONE, MLD_V1_REPORT,
  setIcmpv6Checksum,
} from '../../helpers/encode-mld.js';

const QUERIER: MldAddresses = { src: 'fe80::1', dst: 'ff02::1' };
const HOST: MldAddresses = { src: 'fe80::2', dst: 'ff02::16' };
const IP = (addresses: MldAddresses) => ({ srcBytes: ipv6Bytes(addresses.src), dstBytes: ipv6Bytes(addresses.dst) });

type Message = MldMessage | OtherIcmpv6;
type ByKind<M, K> = M extends { kind: infer MK } ? (K extends MK ? M : never) : never;

function decodeOk(bytes: Uint8Array, addresses: MldAddresses): Message {
  const decoded = decodeMld(bytes, IP(addresses));
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.reason);
  return decoded.value;
}

function decodeError(bytes: Uint8Array, addresses: MldAddresses) {
  const decoded = decodeMld(bytes, IP(addresses));
  assert.ok(!decoded.ok, 'expected a decode error');
  assert.equal(decoded.error.layer, 'mld');
  return decoded.error;
}

function expectKind<K extends Message['kind']>(message: Message, kind: K): ByKind<Message, K> {
  assert.equal(message.kind, kind);
  return message as ByKind<Message, K>;
}

const SAMPLE_MLD: [string, Uint8Array, MldAddresses][] = [
  ['v1 general query', encodeMldV1(MLD_QUERY, 10000, '::', QUERIER), QUERIER],
  ['v1 address query', encodeMldV1(MLD_QUERY, 1000, 'ff05::1:3', QUERIER), QUERIER],
  ['v1 report', encodeMldV1(MLD_V1_REPORT, 0, 'ff05::1:3', HOST), HOST],
  ['v1 done', encodeMldV1(MLD_V1_DONE, 0, 'ff05::1:3', { src: 'fe80::2', dst: 'ff02::2' }), { src: 'fe80::2', dst: 'ff02::2' }],
  ['v2 general query', encodeMldV2Query({}, QUERIER), QUERIER],
  ['v2 address query', encodeMldV2Query({ address: 'ff0e::1234' }, QUERIER), QUERIER],
  ['v2 address-source query', encodeMldV2Query({ address: 'ff3e::1234', sources: ['2001:db8::1', '2001:db8::2'] }, QUERIER), QUERIER],
  ['v2 report', encodeMldV2Report([
    { type: 3, address: 'ff0e::1' },
    { type: 5, address: 'ff3e::8000:1', sources: ['2001:db8::10'], auxData: [1, 2, 3, 4] },
  ], HOST), HOST],
];

describe('decodeMld: queries and the RFC 3810 §8.1 version rule', () => {
  it('length 24 is an MLDv1 query, general or address-specific', () => {
    const general = expectKind(decodeOk(SAMPLE_MLD[0]![1], QUERIER), 'mld.v1.query.general');
    assert.deepEqual(general, {
      kind: 'mld.v1.query.general', protocol: 'icmpv6', icmpType: 130, checksum: 'good',
      maxRespDelay: 10000, maxRespSeconds: 10, multicastAddress: '::',
    });
    const address = expectKind(decodeOk(SAMPLE_MLD[1]![1], QUERIER), 'mld.v1.query.address');
    assert.equal(address.multicastAddress, 'ff05::1:3');
    assert.equal(address.maxRespSeconds, 1);
  });

  it('lengths 25 to 27 are not a valid query', () => {
    for (let length = 25; length <= 27; length++) {
      const message = setIcmpv6Checksum(encodeMldV2Query({}, QUERIER).slice(0, length), QUERIER);
      const error = decodeError(message, QUERIER);
      assert.equal(error.code, 'bad-length', `length ${length}`);
      assert.equal(error.offset, 24);
    }
  });

  it('length ≥ 28 is an MLDv2 query with every field', () => {
    const general = expectKind(decodeOk(encodeMldV2Query({ maxRespCode: 10000, qrv: 2, qqic: 125 }, QUERIER), QUERIER), 'mld.v2.query.general');
    assert.deepEqual(general, {
      kind: 'mld.v2.query.general', protocol: 'icmpv6', icmpType: 130, checksum: 'good',
      maxRespCode: 10000, maxRespDelay: 10000, maxRespSeconds: 10, suppressRouterSideProcessing: false, qrv: 2,
      qqic: 125, queryIntervalSeconds: 125, multicastAddress: '::', sources: [],
    });
    const address = expectKind(decodeOk(encodeMldV2Query({ address: 'ff0e::1234', suppressRouterSideProcessing: true, qrv: 5 }, QUERIER), QUERIER), 'mld.v2.query.address');
    assert.equal(address.suppressRouterSideProcessing, true);
    assert.equal(address.qrv, 5);
    assert.equal(address.multicastAddress, 'ff0e::1234');
    const source = expectKind(decodeOk(SAMPLE_MLD[6]![1], QUERIER), 'mld.v2.query.address-source');
    assert.deepEqual(source.sources, ['2001:db8::1', '2001:db8::2']);
  });

  it('decodes the floating-point Maximum Response Code and QQIC at their boundaries', () => {
    const cases: [number, number][] = [[32767, 32767], [32768, 32768], [32769, 32776], [65535, 8387584]];
    for (const [code, ms] of cases) {
      const query = expectKind(decodeOk(encodeMldV2Query({ maxRespCode: code }, QUERIER), QUERIER), 'mld.v2.query.general');
      assert.equal(query.maxRespCode, code);
      assert.equal(query.maxRespDelay, ms);
      assert.equal(query.maxRespSeconds, ms / 1000);
    }
    for (const [qqic, seconds] of [[127, 127], [128, 128], [255, 31744]] as const) {
      const query = expectKind(decodeOk(encodeMldV2Query({ qqic }, QUERIER), QUERIER), 'mld.v2.query.general');
      assert.equal(query.queryIntervalSeconds, seconds);
    }
  });

  it('accepts trailing bytes after the sources', () => {
    const query = decodeOk(encodeMldV2Query({ address: 'ff3e::1', sources: ['2001:db8::1'], trailing: [7, 7, 7] }, QUERIER), QUERIER);
    assert.equal(query.kind, 'mld.v2.query.address-source');
  });

  it('rejects a general query with sources, and sources beyond the message', () => {
    assert.equal(decodeError(encodeMldV2Query({ sources: ['2001:db8::1'] }, QUERIER), QUERIER).code, 'bad-value');
    const error = decodeError(encodeMldV2Query({ address: 'ff3e::1', sources: ['2001:db8::1'], sourceCount: 3 }, QUERIER), QUERIER);
    assert.equal(error.code, 'truncated');
    assert.equal(error.offset, 28);
  });
});

describe('decodeMld: MLDv1 report and done', () => {
  it('decodes both', () => {
    assert.deepEqual(decodeOk(SAMPLE_MLD[2]![1], HOST), { kind: 'mld.v1.report', protocol: 'icmpv6', icmpType: 131, checksum: 'good', multicastAddress: 'ff05::1:3' });
    assert.deepEqual(decodeOk(SAMPLE_MLD[3]![1], SAMPLE_MLD[3]![2]), { kind: 'mld.v1.done', protocol: 'icmpv6', icmpType: 132, checksum: 'good', multicastAddress: 'ff05::1:3' });
  });
});

describe('decodeMld: MLDv2 report', () => {
  it('decodes every record type', () => {
    GROUP_RECORD_TYPES.forEach((name, index) => {
      const report = expectKind(decodeOk(encodeMldV2Report([{ type: index + 1, address: 'ff0e::1', sources: ['2001:db8::1', '2001:db8::2'] }], HOST), HOST), 'mld.v2.report');
      assert.equal(report.records[0]!.type, name);
      assert.equal(report.records[0]!.multicastAddress, 'ff0e::1');
      assert.deepEqual(report.records[0]!.sources, ['2001:db8::1', '2001:db8::2']);
    });
  });

  it('decodes several records with aux data', () => {
    const report = expectKind(decodeOk(SAMPLE_MLD[7]![1], HOST), 'mld.v2.report');
    assert.deepEqual(report.records.map((record) => [record.type, record.multicastAddress, record.sources, [...record.auxData]]), [
      ['TO_IN', 'ff0e::1', [], []],
      ['ALLOW', 'ff3e::8000:1', ['2001:db8::10'], [1, 2, 3, 4]],
    ]);
    assert.equal(report.ignoredRecords, 0);
  });

  it('skips and counts records of unknown type (RFC 3810 §5.2.12)', () => {
    const report = expectKind(decodeOk(encodeMldV2Report([
      { type: 9, address: 'ff0e::1', sources: ['2001:db8::1'] },
      { type: 2, address: 'ff0e::2' },
    ], HOST), HOST), 'mld.v2.report');
    assert.equal(report.ignoredRecords, 1);
    assert.deepEqual(report.records.map((record) => record.type), ['IS_EX']);
  });

  it('rejects a record count beyond the message', () => {
    const error = decodeError(encodeMldV2Report([{ type: 4, address: 'ff0e::1' }], HOST, 2), HOST);
    assert.equal(error.code, 'truncated');
    assert.equal(error.offset, 28);
  });
});

describe('decodeMld: other ICMPv6, checksum, malformed input', () => {
  it('reports other ICMPv6 types after checking their checksum', () => {
    const echo = setIcmpv6Checksum(Uint8Array.of(128, 0, 0, 0, 0, 1, 0, 1), HOST);
    assert.deepEqual(decodeOk(echo, HOST), { kind: 'other', protocol: 'icmpv6', icmpType: 128, checksum: 'good' });
    echo[7] ^= 1;
    assert.equal(decodeOk(echo, HOST).checksum, 'bad');
  });

  it('covers the pseudo-header: the same bytes from another source fail', () => {
    const [, message] = SAMPLE_MLD[7]!;
    assert.equal(decodeOk(message, { src: 'fe80::3', dst: HOST.dst }).checksum, 'bad');
  });

  it('decodes a message with a bad checksum and flags it, as Wireshark does', () => {
    for (const [name, message, addresses] of SAMPLE_MLD) {
      const bad = message.slice();
      bad[2] ^= 0x10;
      assert.deepEqual(decodeOk(bad, addresses), { ...decodeOk(message, addresses), checksum: 'bad' }, name);
    }
  });

  it('leaves the checksum unverified when the capture cut the IPv6 payload short', () => {
    const echo = Uint8Array.of(128, 0, 0x12, 0x34, 0, 1, 0, 1); // first bytes of a longer echo request
    assert.deepEqual(decodeMld(echo, { ...IP(HOST), truncated: true }), {
      ok: true, value: { kind: 'other', protocol: 'icmpv6', icmpType: 128, checksum: 'unverified' },
    });
    assert.equal(decodeMld(SAMPLE_MLD[7]![1].subarray(0, 30), { ...IP(HOST), truncated: true }).ok, false);
  });

  it('at every truncation of every message, fails without throwing, or reads a shorter message whose checksum is bad', () => {
    for (const [name, message, addresses] of SAMPLE_MLD) {
      for (let length = 0; length < message.length; length++) {
        const decoded = decodeMld(message.subarray(0, length), IP(addresses));
        assert.ok(!decoded.ok || decoded.value.checksum === 'bad', `${name} cut to ${length}`);
        if (length < 4) assert.equal(decoded.ok, false);
      }
    }
  });

  it('decodes behind the Hop-by-Hop Router Alert of a whole IPv6 packet', () => {
    const ip = decodeIPv6(mldPacket(HOST, SAMPLE_MLD[7]![1]));
    assert.ok(ip.ok);
    assert.equal(ip.value.routerAlert, 0);
    assert.equal(decodeMld(ip.value.payload, ip.value).ok, true);
  });
});
