/**
 * Real IGMP/MLD packets sent by the Linux kernel (a host joining and leaving ASM and SSM groups,
 * a bridge acting as IGMPv2/v3 and MLDv1/v2 querier, in network namespaces) must decode to what
 * tshark says, field by field. The expected values were produced by tshark (see each JSON's
 * `source`) and renamed to our schema; test/fixtures/decoders/capture-kernel.sh rebuilds the
 * captures and tshark-expected.py the JSON.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeIPv4 } from '../../../capture/ip/ipv4.js';
import { decodeIPv6 } from '../../../capture/ip/ipv6.js';
import { decodeIgmp } from '../../../capture/protocols/igmp.js';
import { decodeMld } from '../../../capture/protocols/mld.js';

const FIXTURES = new URL('../../../../test/fixtures/decoders/', import.meta.url);
const ETHERNET_HEADER_LENGTH = 14;
const PCAP_HEADER_LENGTH = 24;
const PCAP_RECORD_HEADER_LENGTH = 16;

interface ExpectedFrame {
  number: number;
  ip: Record<string, unknown>;
  message: Record<string, unknown> & { records?: ExpectedRecord[] };
}

interface ExpectedRecord {
  type: string;
  group?: string;
  multicastAddress?: string;
  sources: string[];
  auxLength: number;
}

/** Frames of a little-endian classic pcap file (the files here are written by tcpdump). */
function readPcapFrames(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  assert.equal(view.getUint32(0, true), 0xa1b2c3d4, 'little-endian microsecond pcap');
  assert.equal(view.getUint32(20, true), 1, 'Ethernet link type');
  const frames: Uint8Array[] = [];
  for (let at = PCAP_HEADER_LENGTH; at < file.length;) {
    const capturedLength = view.getUint32(at + 8, true);
    const start = at + PCAP_RECORD_HEADER_LENGTH;
    frames.push(file.subarray(start, start + capturedLength));
    at = start + capturedLength;
  }
  return frames;
}

/** The decoded value's fields named in `expected`, so deepEqual compares only what tshark gave. */
function pick(actual: object, expected: object): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(expected)) picked[key] = (actual as Record<string, unknown>)[key];
  return picked;
}

function checkCapture(name: string): void {
  const frames = readPcapFrames(readFileSync(new URL(`${name}.pcap`, FIXTURES)));
  const expected = JSON.parse(readFileSync(new URL(`${name}.tshark.json`, FIXTURES), 'utf8')) as { frames: ExpectedFrame[] };
  assert.equal(frames.length, expected.frames.length);
  assert.ok(frames.length > 20);
  for (const want of expected.frames) {
    const where = `${name} frame ${want.number}`;
    const data = frames[want.number - 1]!;
    const etherType = (data[12]! << 8) | data[13]!;
    const ipBytes = data.subarray(ETHERNET_HEADER_LENGTH);
    const { records: wantRecords, ...wantMessage } = want.message;
    let message: Record<string, unknown>;
    if (etherType === 0x0800) {
      const ip = decodeIPv4(ipBytes);
      assert.ok(ip.ok, where);
      assert.deepEqual(pick(ip.value, want.ip), want.ip, where);
      const igmp = decodeIgmp(ip.value.payload);
      assert.ok(igmp.ok, `${where}: ${igmp.ok ? '' : igmp.error.reason}`);
      message = igmp.value as unknown as Record<string, unknown>;
    } else {
      assert.equal(etherType, 0x86dd, where);
      const ip = decodeIPv6(ipBytes);
      assert.ok(ip.ok, where);
      assert.deepEqual(pick(ip.value, want.ip), want.ip, where);
      const mld = decodeMld(ip.value.payload, ip.value);
      assert.ok(mld.ok, `${where}: ${mld.ok ? '' : mld.error.reason}`);
      message = mld.value as unknown as Record<string, unknown>;
    }
    assert.deepEqual(pick(message, wantMessage), wantMessage, where);
    if (wantRecords) {
      const records = message['records'] as { auxData: Uint8Array }[];
      assert.deepEqual(
        records.map((record) => ({ ...pick(record, wantRecords[0] ?? {}), auxLength: record.auxData.length })),
        wantRecords.map((record) => ({ ...record, auxLength: record.auxLength })),
        where,
      );
    }
  }
}

describe('decoders agree with tshark on real kernel packets', () => {
  it('IGMPv3 and MLDv2 (reports with every change record, general/group/group-source queries)', () => checkCapture('igmpv3-mldv2'));
  it('IGMPv2 and MLDv1 (reports, leave/done, general and group queries)', () => checkCapture('igmpv2-mldv1'));
});
