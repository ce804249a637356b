/**
 * Real PIM from FRR 8.4 routers, decoded by mcast and compared field by field with tshark's own dissection of
 * the same capture (NAME.expected.json, made by test/fixtures/pim/tshark-expected.py):
 *   frr-pim.pcap     two routers (capture-frr.sh): hellos, join/prunes, register, null-register, register-stop
 *   frr-assert.pcap  the Assert one router sent in the samples/pim-lan lab
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeIPv4 } from '../../../capture/ip/ipv4.js';
import { decodePim, type PimMessage } from '../../../capture/protocols/pim.js';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'pim');
const PCAP_MAGIC_LE_MICROSECONDS = 0xa1b2c3d4;
const PCAP_FILE_HEADER = 24;
const PCAP_RECORD_HEADER = 16;
const LINKTYPE_ETHERNET = 1;
const ETHERNET_HEADER = 14;
const ETHERTYPE_IPV4 = 0x0800;

/** The frames of a little-endian microsecond pcap file (what tcpdump writes here), numbered from 1. */
function readPcapFrames(path: string): Uint8Array[] {
  const file = readFileSync(path);
  assert.equal(file.readUInt32LE(0), PCAP_MAGIC_LE_MICROSECONDS);
  assert.equal(file.readUInt32LE(20), LINKTYPE_ETHERNET);
  const frames: Uint8Array[] = [];
  for (let at = PCAP_FILE_HEADER; at < file.length;) {
    const capturedLength = file.readUInt32LE(at + 8);
    frames.push(new Uint8Array(file.subarray(at + PCAP_RECORD_HEADER, at + PCAP_RECORD_HEADER + capturedLength)));
    at += PCAP_RECORD_HEADER + capturedLength;
  }
  return frames;
}

interface ExpectedSource { address: string; maskLength: number; sparse: boolean; wildcard: boolean; rpt: boolean }
interface ExpectedGroup { address: string; maskLength: number; bidirectional: boolean; adminScopeZone: boolean }
type Expected = { frame: number; kind: string; checksum: string } & Record<string, unknown>;

function decodeFrame(frame: Uint8Array): PimMessage {
  assert.equal((frame[12]! << 8) | frame[13]!, ETHERTYPE_IPV4);
  const ip = decodeIPv4(frame.subarray(ETHERNET_HEADER));
  assert.ok(ip.ok);
  assert.equal(ip.value.protocol, 103);
  const pim = decodePim(ip.value.payload, { family: 4, srcBytes: ip.value.srcBytes, dstBytes: ip.value.dstBytes });
  assert.ok(pim.ok, JSON.stringify(!pim.ok && pim.error));
  return pim.value;
}

/** Our group record without `family`, to compare with tshark's. */
function groupFields(group: ExpectedGroup & { family?: number }): ExpectedGroup {
  return { address: group.address, maskLength: group.maskLength, bidirectional: group.bidirectional, adminScopeZone: group.adminScopeZone };
}

function sourceFields(source: ExpectedSource): ExpectedSource {
  return { address: source.address, maskLength: source.maskLength, sparse: source.sparse, wildcard: source.wildcard, rpt: source.rpt };
}

/** Decodes every frame of a fixture and checks it against tshark; the value is the kinds seen. */
function checkAgainstTshark(name: string): string[] {
  const frames = readPcapFrames(join(FIXTURES, `${name}.pcap`));
  const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), 'utf8')) as Expected[];
  assert.equal(expected.length, frames.length);
  const kindsSeen = new Set<string>();
  for (const want of expected) {
    const got = decodeFrame(frames[want.frame - 1]!);
    const where = `${name} frame ${want.frame}`;
    kindsSeen.add(got.kind);
    assert.equal(got.kind, want.kind, where);
    assert.equal(got.checksum, want.checksum, where);
    switch (got.kind) {
      case 'pim.hello':
        assert.deepEqual(got.options.map((o) => o.type), want.optionTypes, where);
        assert.deepEqual(
          [got.holdtime, got.lanPruneDelay, got.drPriority, got.generationId, got.secondaryAddresses],
          [want.holdtime, want.lanPruneDelay, want.drPriority, want.generationId, want.secondaryAddresses], where);
        break;
      case 'pim.register':
      case 'pim.null-register':
        assert.deepEqual(
          [got.border, got.nullRegister, got.innerSource, got.innerGroup, got.innerProtocol, got.innerLength],
          [want.border, want.nullRegister, want.innerSource, want.innerGroup, want.innerProtocol, want.innerLength], where);
        assert.equal(got.checksumCoverage, 'header', `${where}: FRR sums the Register header only (RFC 7761 §4.9)`);
        break;
      case 'pim.register-stop':
        assert.deepEqual([groupFields(got.group), got.source.address], [want.group, want.source], where);
        break;
      case 'pim.join-prune':
        assert.equal(got.upstreamNeighbor.address, want.upstreamNeighbor, where);
        assert.equal(got.holdtime, want.holdtime, where);
        assert.deepEqual(got.groups.map((g) => ({
          group: groupFields(g.group),
          joinedSources: g.joinedSources.map(sourceFields),
          prunedSources: g.prunedSources.map(sourceFields),
        })), want.groups, where);
        break;
      case 'pim.assert':
        assert.deepEqual(
          [groupFields(got.group), got.source.address, got.rpt, got.metricPreference, got.metric],
          [want.group, want.source, want.rpt, want.metricPreference, want.metric], where);
        break;
      default:
        assert.fail(`${where}: unexpected ${got.kind}`);
    }
  }
  return [...kindsSeen].sort();
}

test('FRR hellos, join/prunes, register, null-register and register-stop decode exactly as tshark dissects them', () => {
  assert.deepEqual(checkAgainstTshark('frr-pim'), ['pim.hello', 'pim.join-prune', 'pim.null-register', 'pim.register', 'pim.register-stop']);
});

test('an FRR assert decodes exactly as tshark dissects it', () => {
  assert.deepEqual(checkAgainstTshark('frr-assert'), ['pim.assert']);
});

test('FRR join/prune entries classify as (S,G) for the SSM join and (*,G) for the any-source join', () => {
  const frames = readPcapFrames(join(FIXTURES, 'frr-pim.pcap'));
  const types = new Set<string>();
  for (const frame of frames) {
    const message = decodeFrame(frame);
    if (message.kind !== 'pim.join-prune') continue;
    for (const group of message.groups) {
      for (const source of [...group.joinedSources, ...group.prunedSources]) types.add(`${group.group.address} ${source.entryType}`);
    }
  }
  assert.deepEqual([...types].sort(), ['232.1.1.1 S,G', '239.1.1.1 *,G']);
});
