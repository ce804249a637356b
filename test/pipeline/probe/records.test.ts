/** Probe records: bytes survive the trip (Uint8Array and Buffer alike), and what is not a record of this version is refused by name. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecord, encodeRecord, isProbeName, ProbeRecordError, recordSubject, subjectToken, type PacketRecord } from '../../../pipeline/probe/records.js';

const encoder = new TextEncoder();

function packetRecord(): PacketRecord {
  const frame = Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]);
  return {
    v: 1, probe: 'edge-1', type: 'packet',
    packet: {
      frame: 3, time: 1_800_000_000.25, link: 'lan.1', srcMac: '02:00:00:00:00:01', dstMac: null, vlans: [], macMismatch: false, ospf: null,
      ip: { family: 4, src: '10.0.0.1', dst: '224.0.0.13', ttl: 1, routerAlert: false },
      message: {
        kind: 'pim.hello', checksum: 'ok', holdtime: 105, options: [{ type: 65001, value: frame.subarray(2, 5) }, { type: 65002, value: new Uint8Array([9, 8]) }],
      } as unknown as PacketRecord['packet']['message'],
    },
  };
}

test('a packet record comes back as it went, byte fields as Uint8Array', () => {
  const record = packetRecord();
  const back = decodeRecord(encodeRecord(record)) as PacketRecord;
  const options = (back.packet.message as unknown as { options: { value: Uint8Array }[] }).options;
  assert.ok(options.every((option) => option.value instanceof Uint8Array));
  assert.deepEqual([...options[0]!.value], [2, 3, 4]);
  assert.deepEqual([...options[1]!.value], [9, 8]);
  assert.deepEqual({ ...back, packet: { ...back.packet, message: null } }, { ...record, packet: { ...record.packet, message: null } });
});

test('records of another version, type or shape are refused with the reason', () => {
  const cases: [unknown, RegExp][] = [
    [{ ...packetRecord(), v: 2 }, /version 2 is not 1/],
    [{ v: 1, probe: 'a b', type: 'tick', time: 1, wall: 1 }, /valid probe name/],
    [{ v: 1, probe: 'a', type: 'gossip', time: 1 }, /unknown probe record type gossip/],
    [{ v: 1, probe: 'a', type: 'tick', time: 1 }, /tick record without its time and wall clock/],
    [{ v: 1, probe: 'a', type: 'second', link: 'l', time: 1, changes: [] }, /second record missing/],
    [{ v: 1, probe: 'a', type: 'packet', packet: { time: 1 } }, /packet record without a packet/],
    [[1, 2], /not an object|version/],
  ];
  for (const [value, reason] of cases) assert.throws(() => decodeRecord(encoder.encode(JSON.stringify(value))), (error: unknown) => error instanceof ProbeRecordError && reason.test(error.message));
  assert.throws(() => decodeRecord(encoder.encode('{"v":1,')), (error: unknown) => error instanceof ProbeRecordError && /not a probe record/.test(error.message));
});

test('subjects are mcast.PROBE.LINK with what NATS tokens cannot hold replaced', () => {
  assert.equal(recordSubject(packetRecord()), 'mcast.edge-1.lan_1');
  assert.equal(recordSubject({ v: 1, probe: 'p', type: 'end', time: 1 }), 'mcast.p._probe');
  assert.equal(subjectToken('a.b*c>d e'), 'a_b_c_d_e');
  assert.ok(isProbeName('site_A-1') && !isProbeName('') && !isProbeName('a.b') && !isProbeName('x'.repeat(65)));
});
