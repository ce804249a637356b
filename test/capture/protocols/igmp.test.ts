import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIgmp, type IgmpMessage } from '../../../capture/protocols/igmp.js';
import { GROUP_RECORD_TYPES } from '../../../capture/message-kinds.js';
import {
  encodeIgmpMessage, encodeIgmpV3Query, encodeIgmpV3Report, IGMP_QUERY, IGMP_V1_REPORT, IGMP_V2_LEAVE, IGMP_V2_REPORT,
  setIgmpChecksum,
} from '../../helpers/encode-igmp.js';

function decodeOk(bytes: Uint8Array): IgmpMessage {
  const decoded = decodeIgmp(bytes);
  assert.ok(decoded.ok, decoded.ok ? '' : decoded.error.reason);
  return decoded.value;
}

function decodeError(bytes: Uint8Array) {
  const decoded = decodeIgmp(bytes);
  assert.ok(!decoded.ok, 'expected a decode error');
  assert.equal(decoded.error.layer, 'igmp');
  return decoded.error;
}

/** The member of a union whose `kind` admits K. */
type ByKind<M, K> = M extends { kind: infer MK } ? (K extends MK ? M : never) : never;

function expectKind<K extends IgmpMessage['kind']>(message: IgmpMessage, kind: K): ByKind<IgmpMessage, K> {
  assert.equal(message.kind, kind);
  return message as ByKind<IgmpMessage, K>;
}

/** One valid message of every kind, for the truncation, checksum and fuzz tests. */
const SAMPLE_IGMP: Record<string, Uint8Array> = {
  'v1 query': encodeIgmpMessage(IGMP_QUERY, 0, '0.0.0.0'),
  'v2 general query': encodeIgmpMessage(IGMP_QUERY, 100, '0.0.0.0'),
  'v2 group query': encodeIgmpMessage(IGMP_QUERY, 10, '239.1.1.1'),
  'v3 general query': encodeIgmpV3Query({ maxRespCode: 100 }),
  'v3 group query': encodeIgmpV3Query({ group: '239.1.1.1', maxRespCode: 10 }),
  'v3 group-source query': encodeIgmpV3Query({ group: '232.1.1.1', sources: ['10.0.0.1', '10.0.0.2'] }),
  'v1 report': encodeIgmpMessage(IGMP_V1_REPORT, 0, '239.1.1.1'),
  'v2 report': encodeIgmpMessage(IGMP_V2_REPORT, 0, '239.1.1.1'),
  'v2 leave': encodeIgmpMessage(IGMP_V2_LEAVE, 0, '239.1.1.1'),
  'v3 report': encodeIgmpV3Report([
    { type: 1, group: '239.1.1.1', sources: ['10.0.0.1'] },
    { type: 4, group: '239.2.2.2', auxData: [1, 2, 3, 4] },
    { type: 5, group: '232.1.1.1', sources: ['10.0.0.1', '10.0.0.2'] },
  ]),
  'mtrace query': encodeIgmpMessage(0x1f, 5, '239.1.1.1'),
};

describe('decodeIgmp: queries and the RFC 3376 §7.1 version rule', () => {
  it('length 8 with Max Resp Code 0 is an IGMPv1 query', () => {
    const query = decodeOk(SAMPLE_IGMP['v1 query']!);
    assert.deepEqual(query, { kind: 'igmp.v1.query', protocol: 'igmp', igmpType: 0x11, checksum: 'good' });
  });

  it('length 8 otherwise is an IGMPv2 query, general or group-specific', () => {
    const general = expectKind(decodeOk(SAMPLE_IGMP['v2 general query']!), 'igmp.v2.query.general');
    assert.equal(general.maxRespTime, 100);
    assert.equal(general.maxRespSeconds, 10);
    assert.equal(general.group, '0.0.0.0');
    const group = expectKind(decodeOk(SAMPLE_IGMP['v2 group query']!), 'igmp.v2.query.group');
    assert.equal(group.maxRespSeconds, 1);
    assert.equal(group.group, '239.1.1.1');
  });

  it('lengths 9 to 11 are not a valid query', () => {
    for (let length = 9; length <= 11; length++) {
      const message = setIgmpChecksum(encodeIgmpV3Query().slice(0, length));
      const error = decodeError(message);
      assert.equal(error.code, 'bad-length', `length ${length}`);
      assert.equal(error.offset, 8);
    }
  });

  it('length ≥ 12 is an IGMPv3 query with every field', () => {
    const general = expectKind(decodeOk(encodeIgmpV3Query({ maxRespCode: 100, qrv: 2, qqic: 125 })), 'igmp.v3.query.general');
    assert.deepEqual(general, {
      kind: 'igmp.v3.query.general', protocol: 'igmp', igmpType: 0x11, checksum: 'good',
      maxRespCode: 100, maxRespSeconds: 10, suppressRouterSideProcessing: false, qrv: 2, qqic: 125,
      queryIntervalSeconds: 125, group: '0.0.0.0', sources: [],
    });
    const group = expectKind(decodeOk(encodeIgmpV3Query({ group: '239.9.9.9', suppressRouterSideProcessing: true, qrv: 7 })), 'igmp.v3.query.group');
    assert.equal(group.suppressRouterSideProcessing, true);
    assert.equal(group.qrv, 7);
    assert.equal(group.group, '239.9.9.9');
    const source = expectKind(decodeOk(SAMPLE_IGMP['v3 group-source query']!), 'igmp.v3.query.group-source');
    assert.deepEqual(source.sources, ['10.0.0.1', '10.0.0.2']);
  });

  it('decodes the floating-point Max Resp Code and QQIC at their boundaries', () => {
    const cases: [number, number][] = [[127, 12.7], [128, 12.8], [129, 13.6], [255, 3174.4]];
    for (const [code, seconds] of cases) {
      const query = expectKind(decodeOk(encodeIgmpV3Query({ maxRespCode: code })), 'igmp.v3.query.general');
      assert.equal(query.maxRespCode, code);
      assert.equal(query.maxRespSeconds, seconds);
    }
    const qqics: [number, number][] = [[127, 127], [128, 128], [255, 31744]];
    for (const [qqic, seconds] of qqics) {
      const query = expectKind(decodeOk(encodeIgmpV3Query({ qqic })), 'igmp.v3.query.general');
      assert.equal(query.queryIntervalSeconds, seconds);
    }
  });

  it('accepts and ignores bytes after the sources (RFC 3376 §4.1.10)', () => {
    const query = expectKind(decodeOk(encodeIgmpV3Query({ group: '239.1.1.1', sources: ['10.1.1.1'], trailing: [9, 9, 9, 9, 9] })), 'igmp.v3.query.group-source');
    assert.deepEqual(query.sources, ['10.1.1.1']);
  });

  it('rejects a general query with sources, and sources beyond the message', () => {
    assert.equal(decodeError(encodeIgmpV3Query({ sources: ['10.0.0.1'] })).code, 'bad-value');
    const error = decodeError(encodeIgmpV3Query({ group: '239.1.1.1', sources: ['10.0.0.1'], sourceCount: 2 }));
    assert.equal(error.code, 'truncated');
    assert.equal(error.offset, 12);
  });
});

describe('decodeIgmp: v1/v2 reports and leave', () => {
  const cases: [string, IgmpMessage['kind'], number][] = [
    ['v1 report', 'igmp.v1.report', IGMP_V1_REPORT],
    ['v2 report', 'igmp.v2.report', IGMP_V2_REPORT],
    ['v2 leave', 'igmp.v2.leave', IGMP_V2_LEAVE],
  ];
  for (const [name, kind, type] of cases) {
    it(name, () => {
      assert.deepEqual(decodeOk(SAMPLE_IGMP[name]!), { kind, protocol: 'igmp', igmpType: type, checksum: 'good', group: '239.1.1.1' });
    });
  }
  it('ignores bytes past 8 in a v2 report (RFC 2236 §2.5)', () => {
    const long = setIgmpChecksum(Uint8Array.of(...encodeIgmpMessage(IGMP_V2_REPORT, 0, '239.1.1.1'), 1, 2, 3, 4));
    assert.equal(decodeOk(long).kind, 'igmp.v2.report');
  });
});

describe('decodeIgmp: IGMPv3 report', () => {
  it('decodes every group record type', () => {
    GROUP_RECORD_TYPES.forEach((name, index) => {
      const report = expectKind(decodeOk(encodeIgmpV3Report([{ type: index + 1, group: '239.0.0.1', sources: ['192.0.2.1', '192.0.2.2'] }])), 'igmp.v3.report');
      assert.equal(report.records.length, 1);
      assert.equal(report.records[0]!.type, name);
      assert.equal(report.records[0]!.group, '239.0.0.1');
      assert.deepEqual(report.records[0]!.sources, ['192.0.2.1', '192.0.2.2']);
      assert.equal(report.ignoredRecords, 0);
    });
  });

  it('decodes several records with aux data', () => {
    const report = expectKind(decodeOk(SAMPLE_IGMP['v3 report']!), 'igmp.v3.report');
    assert.deepEqual(report.records.map((record) => [record.type, record.group, record.sources, [...record.auxData]]), [
      ['IS_IN', '239.1.1.1', ['10.0.0.1'], []],
      ['TO_EX', '239.2.2.2', [], [1, 2, 3, 4]],
      ['ALLOW', '232.1.1.1', ['10.0.0.1', '10.0.0.2'], []],
    ]);
  });

  it('skips and counts records of unknown type (RFC 3376 §4.2.12)', () => {
    const report = expectKind(decodeOk(encodeIgmpV3Report([
      { type: 0, group: '239.0.0.1' },
      { type: 7, group: '239.0.0.2', sources: ['10.0.0.1'], auxData: [0, 0, 0, 0] },
      { type: 6, group: '239.0.0.3', sources: ['10.0.0.9'] },
    ])), 'igmp.v3.report');
    assert.equal(report.ignoredRecords, 2);
    assert.deepEqual(report.records.map((record) => record.type), ['BLOCK']);
    assert.equal(report.records[0]!.group, '239.0.0.3');
  });

  it('decodes an empty report', () => {
    const report = expectKind(decodeOk(encodeIgmpV3Report([])), 'igmp.v3.report');
    assert.deepEqual(report.records, []);
  });

  it('rejects a record count beyond the message', () => {
    const error = decodeError(encodeIgmpV3Report([{ type: 1, group: '239.0.0.1' }], 2));
    assert.equal(error.code, 'truncated');
    assert.equal(error.offset, 16);
  });
});

describe('decodeIgmp: other types', () => {
  const cases: [number, string][] = [
    [0x13, 'dvmrp'], [0x14, 'pim-v1'], [0x1e, 'mtrace-response'], [0x1f, 'mtrace-query'],
    [0x30, 'mrd-advertisement'], [0x31, 'mrd-solicitation'], [0x32, 'mrd-termination'], [0x99, 'IGMP_TYPE_153'],
  ];
  for (const [type, typeName] of cases) {
    it(`type 0x${type.toString(16)} → ${typeName}`, () => {
      assert.deepEqual(decodeOk(encodeIgmpMessage(type, 0, '0.0.0.0')), { kind: 'other', protocol: 'igmp', igmpType: type, checksum: 'good', typeName });
    });
  }
});

describe('decodeIgmp: checksum and malformed input', () => {
  it('decodes a message with a bad checksum and flags it, as Wireshark does', () => {
    for (const [name, message] of Object.entries(SAMPLE_IGMP)) {
      const bad = message.slice();
      bad[3] ^= 0x01;
      assert.deepEqual(decodeOk(bad), { ...decodeOk(message), checksum: 'bad' }, name);
    }
  });

  it('detects a corrupted body byte', () => {
    const bad = SAMPLE_IGMP['v3 report']!.slice();
    bad[13] ^= 0x40;
    assert.equal(decodeOk(bad).checksum, 'bad');
  });

  it('leaves the checksum unverified when the capture cut the IP payload short', () => {
    const report = SAMPLE_IGMP['v2 report']!.slice();
    report[2] ^= 0xff; // a checksum over bytes we do not have all of cannot be judged
    assert.deepEqual(decodeIgmp(report, true), { ok: true, value: { ...decodeOk(SAMPLE_IGMP['v2 report']!), checksum: 'unverified' } });
    const cutReport = SAMPLE_IGMP['v3 report']!.subarray(0, 20);
    assert.equal(decodeIgmp(cutReport, true).ok, false, 'records still need their bytes');
  });

  it('at every truncation of every message, fails without throwing, or reads a shorter message whose checksum is bad', () => {
    for (const [name, message] of Object.entries(SAMPLE_IGMP)) {
      for (let length = 0; length < message.length; length++) {
        const decoded = decodeIgmp(message.subarray(0, length));
        assert.ok(!decoded.ok || decoded.value.checksum === 'bad', `${name} cut to ${length}`);
        if (length < 8) assert.equal(decoded.ok, false);
      }
    }
  });
});
