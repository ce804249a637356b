import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureFileReader } from '../../../capture/sources/capture-file.js';
import {
  decodeLink, LINKTYPE_ETHERNET, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP, LINKTYPE_NULL, LINKTYPE_RAW,
} from '../../../capture/link/link.js';

const bytes = (...parts: (number[] | Uint8Array)[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const be16 = (v: number) => [v >> 8, v & 0xff];
const DST = [0x01, 0x00, 0x5e, 0x00, 0x00, 0x16];
const SRC = [0x02, 0x42, 0xac, 0x11, 0x00, 0x02];
const IPV4 = [0x45, 0x00, 0x00, 0x14, 1, 2, 3, 4];
const IPV6 = [0x60, 0x00, 0x00, 0x00, 9, 9];

/** Every strict prefix of a valid frame shorter than `headerLength` must fail cleanly. */
function assertTruncationsFail(linkType: number, frame: Uint8Array, headerLength: number) {
  for (let cut = 0; cut < headerLength; cut++) {
    const result = decodeLink(linkType, frame.subarray(0, cut));
    assert.equal(result.ok, false, `cut at ${cut} should fail`);
    if (!result.ok) assert.equal(result.error.layer, 'link');
  }
}

describe('Ethernet', () => {
  it('decodes an untagged IPv4 frame', () => {
    const result = decodeLink(LINKTYPE_ETHERNET, bytes(DST, SRC, be16(0x0800), IPV4));
    assert.ok(result.ok);
    assert.deepEqual({ ...result.value, payload: [...result.value.payload] }, {
      srcMac: '02:42:ac:11:00:02', dstMac: '01:00:5e:00:00:16', vlans: [], etherType: 0x0800, payload: IPV4,
    });
  });

  it('reads 802.1Q and QinQ tags of any depth, outer first', () => {
    const frame = bytes(DST, SRC, be16(0x88a8), be16(0x2000 | 100), be16(0x9100), be16(200), be16(0x8100), be16(0xf000 | 4095), be16(0x86dd), IPV6);
    const result = decodeLink(LINKTYPE_ETHERNET, frame);
    assert.ok(result.ok);
    assert.deepEqual(result.value.vlans, [100, 200, 4095]);
    assert.equal(result.value.etherType, 0x86dd);
    assert.deepEqual([...result.value.payload], IPV6);
    assertTruncationsFail(LINKTYPE_ETHERNET, frame, 26);
  });

  it('reports 802.3 length frames as etherType 0 with the LLC bytes as payload', () => {
    const llc = [0x42, 0x42, 0x03, 0, 0];
    const result = decodeLink(LINKTYPE_ETHERNET, bytes(DST, SRC, be16(llc.length), llc));
    assert.ok(result.ok);
    assert.equal(result.value.etherType, 0);
    assert.deepEqual([...result.value.payload], llc);
  });

  it('fails on every truncated header', () => {
    assertTruncationsFail(LINKTYPE_ETHERNET, bytes(DST, SRC, be16(0x0800), IPV4), 14);
    const cut = decodeLink(LINKTYPE_ETHERNET, bytes(DST, SRC, be16(0x8100), [0]));
    assert.ok(!cut.ok);
    assert.equal(cut.error.code, 'truncated');
    assert.equal(cut.error.offset, 14);
  });
});

describe('Linux cooked captures', () => {
  it('decodes SLL with a MAC source and packet type', () => {
    const frame = bytes(be16(2), be16(1), be16(6), SRC, [0, 0], be16(0x0800), IPV4);
    const result = decodeLink(LINKTYPE_LINUX_SLL, frame);
    assert.ok(result.ok);
    assert.equal(result.value.srcMac, '02:42:ac:11:00:02');
    assert.equal(result.value.dstMac, null);
    assert.equal(result.value.packetType, 'multicast');
    assert.equal(result.value.etherType, 0x0800);
    assert.deepEqual([...result.value.payload], IPV4);
    assertTruncationsFail(LINKTYPE_LINUX_SLL, frame, 16);
  });

  it('gives no MAC when the address is not 6 bytes, and reads reinserted VLAN tags', () => {
    const frame = bytes(be16(4), be16(772), be16(0), [0, 0, 0, 0, 0, 0, 0, 0], be16(0x8100), be16(7), be16(0x86dd), IPV6);
    const result = decodeLink(LINKTYPE_LINUX_SLL, frame);
    assert.ok(result.ok);
    assert.equal(result.value.srcMac, null);
    assert.equal(result.value.packetType, 'outgoing');
    assert.deepEqual(result.value.vlans, [7]);
    assert.equal(result.value.etherType, 0x86dd);
    assertTruncationsFail(LINKTYPE_LINUX_SLL, frame, 20);
  });

  it('decodes SLL2', () => {
    const frame = bytes(be16(0x86dd), [0, 0], [0, 0, 0, 3], be16(1), [0], [6], SRC, [0, 0], IPV6);
    const result = decodeLink(LINKTYPE_LINUX_SLL2, frame);
    assert.ok(result.ok);
    assert.equal(result.value.srcMac, '02:42:ac:11:00:02');
    assert.equal(result.value.packetType, 'host');
    assert.equal(result.value.etherType, 0x86dd);
    assert.deepEqual([...result.value.payload], IPV6);
    assertTruncationsFail(LINKTYPE_LINUX_SLL2, frame, 20);
  });

  it('leaves unknown packet types undefined and pseudo-protocols as etherType 0', () => {
    const result = decodeLink(LINKTYPE_LINUX_SLL, bytes(be16(5), be16(1), be16(6), SRC, [0, 0], be16(4), [0xaa]));
    assert.ok(result.ok);
    assert.equal(result.value.packetType, undefined);
    assert.equal(result.value.etherType, 0);
  });
});

describe('raw IP link types', () => {
  for (const linkType of [LINKTYPE_RAW, 12, 14]) {
    it(`link type ${linkType} chooses by version nibble`, () => {
      const v4 = decodeLink(linkType, Uint8Array.from(IPV4));
      const v6 = decodeLink(linkType, Uint8Array.from(IPV6));
      assert.ok(v4.ok && v6.ok);
      assert.equal(v4.value.etherType, 0x0800);
      assert.equal(v6.value.etherType, 0x86dd);
      assert.deepEqual([...v6.value.payload], IPV6);
      const bad = decodeLink(linkType, Uint8Array.of(0x55));
      assert.ok(!bad.ok);
      assert.equal(bad.error.code, 'bad-version');
      assertTruncationsFail(linkType, Uint8Array.from(IPV4), 1);
    });
  }

  it('IPv4 (228) and IPv6 (229) link types', () => {
    const v4 = decodeLink(LINKTYPE_IPV4, Uint8Array.from(IPV4));
    const v6 = decodeLink(LINKTYPE_IPV6, Uint8Array.from(IPV6));
    assert.ok(v4.ok && v6.ok);
    assert.equal(v4.value.etherType, 0x0800);
    assert.equal(v6.value.etherType, 0x86dd);
    assertTruncationsFail(LINKTYPE_IPV4, Uint8Array.from(IPV4), 1);
    assertTruncationsFail(LINKTYPE_IPV6, Uint8Array.from(IPV6), 1);
  });
});

describe('BSD loopback', () => {
  it('NULL reads the family in either byte order', () => {
    const little = decodeLink(LINKTYPE_NULL, bytes([2, 0, 0, 0], IPV4));
    const big = decodeLink(LINKTYPE_NULL, bytes([0, 0, 0, 30], IPV6));
    assert.ok(little.ok && big.ok);
    assert.equal(little.value.etherType, 0x0800);
    assert.deepEqual([...little.value.payload], IPV4);
    assert.equal(big.value.etherType, 0x86dd);
  });

  it('knows every AF_INET6 value and maps other families to 0', () => {
    for (const family of [24, 28, 30]) {
      const result = decodeLink(LINKTYPE_NULL, bytes([family, 0, 0, 0], IPV6));
      assert.ok(result.ok);
      assert.equal(result.value.etherType, 0x86dd);
    }
    const other = decodeLink(LINKTYPE_NULL, bytes([7, 0, 0, 0], [1]));
    assert.ok(other.ok);
    assert.equal(other.value.etherType, 0);
  });

  it('LOOP is network byte order', () => {
    const result = decodeLink(LINKTYPE_LOOP, bytes([0, 0, 0, 24], IPV6));
    assert.ok(result.ok);
    assert.equal(result.value.etherType, 0x86dd);
    assertTruncationsFail(LINKTYPE_LOOP, bytes([0, 0, 0, 2], IPV4), 4);
    assertTruncationsFail(LINKTYPE_NULL, bytes([2, 0, 0, 0], IPV4), 4);
  });
});

it('rejects unknown link types as unsupported', () => {
  const result = decodeLink(147, Uint8Array.of(1, 2, 3));
  assert.ok(!result.ok);
  assert.equal(result.error.code, 'unsupported');
});

describe('real captures', () => {
  const fixture = (name: string) => join(process.cwd(), 'test/fixtures/reader', name);

  async function decodeFile(name: string) {
    const decoded = [];
    for await (const frame of new CaptureFileReader(fixture(name))) {
      const result = decodeLink(frame.linkType, frame.data);
      assert.ok(result.ok, `frame ${frame.number}`);
      decoded.push(result.value);
    }
    return decoded;
  }

  it('decodes the loopback Ethernet capture as tshark does (4 IPv4, 4 IPv6)', async () => {
    const frames = await decodeFile('lo-dumpcap.pcapng');
    assert.deepEqual(frames.map((f) => f.etherType).sort(), [0x0800, 0x0800, 0x0800, 0x0800, 0x86dd, 0x86dd, 0x86dd, 0x86dd]);
    for (const f of frames) assert.equal(f.payload[0]! >> 4, f.etherType === 0x0800 ? 4 : 6);
  });

  it('decodes the SLL2 capture as tshark does (host packets from 00:00:00:00:00:00)', async () => {
    const frames = await decodeFile('any-sll2.pcap');
    assert.equal(frames.length, 10);
    assert.equal(frames.filter((f) => f.etherType === 0x86dd).length, 5);
    for (const f of frames) {
      assert.deepEqual([f.srcMac, f.packetType], ['00:00:00:00:00:00', 'host']);
      assert.equal(f.payload[0]! >> 4, f.etherType === 0x0800 ? 4 : 6);
    }
  });
});
