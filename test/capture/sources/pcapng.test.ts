import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  encodeEnhancedPacketBlock, encodeInterfaceDescriptionBlock, encodeSectionHeaderBlock, interfaceOptions,
} from '../../../capture/sources/pcapng-writer.js';
import { concat, payload, rawBlock, readAll, TempDir, u16, u32 } from './reader-fixtures.js';

const SECONDS = 1_700_000_000;
const tsresolOption = (value: number) => ({ code: 9, value: Uint8Array.of(value) });
const nameOption = (name: string) => ({ code: 2, value: new TextEncoder().encode(name) });

/** An EPB whose 64-bit timestamp is `units` (any if_tsresol). */
const epb = (interfaceId: number, units: bigint, data: Uint8Array, littleEndian = true, originalLength = data.length) =>
  encodeEnhancedPacketBlock(interfaceId, units, data, originalLength, littleEndian);

describe('pcapng', () => {
  let dir: TempDir;
  before(async () => { dir = await TempDir.create(); });
  after(() => dir.remove());

  for (const littleEndian of [true, false]) {
    it(`reads a ${littleEndian ? 'little' : 'big'}-endian section with the default µs resolution`, async () => {
      const path = await dir.write(`edge-${littleEndian}.pcapng`,
        encodeSectionHeaderBlock(littleEndian),
        encodeInterfaceDescriptionBlock(1, 0, [], littleEndian),
        epb(0, BigInt(SECONDS) * 1_000_000n + 654_321n, payload(61), littleEndian, 1514));
      const { frames, reader } = await readAll(path);
      assert.deepEqual(reader.problems, []);
      assert.equal(reader.info.format, 'pcapng');
      assert.equal(reader.info.interfaces[0]!.tsResolution, '1e-6');
      assert.equal(frames.length, 1);
      const frame = frames[0]!;
      assert.deepEqual([frame.number, frame.link, frame.linkType, frame.seconds, frame.nanos, frame.originalLength],
        [1, `edge-${littleEndian}`, 1, SECONDS, 654_321_000, 1514]);
      assert.deepEqual(frame.data, payload(61));
    });
  }

  it('converts every if_tsresol exactly: powers of 10 and of 2, with if_tsoffset', async () => {
    const tsoffset = { code: 14, value: concat(u32(100), u32(0)) };
    const cases: { option: number | null; units: bigint; nanos: number; offset?: boolean }[] = [
      { option: 9, units: BigInt(SECONDS) * 1_000_000_000n + 999_999_999n, nanos: 999_999_999 },
      { option: 3, units: BigInt(SECONDS) * 1000n + 7n, nanos: 7_000_000 },
      { option: 0, units: BigInt(SECONDS), nanos: 0 },
      { option: 0x80 | 20, units: (BigInt(SECONDS) << 20n) + (1n << 19n), nanos: 500_000_000 },
      { option: 0x80 | 10, units: (BigInt(SECONDS) << 10n) + 1n, nanos: 976_562 },
      { option: 10, units: BigInt(SECONDS) * 10_000_000_000n + 1_234_567_899n, nanos: 123_456_789 },
      { option: null, units: BigInt(SECONDS - 100) * 1_000_000n + 5n, nanos: 5000, offset: true },
    ];
    for (const { option, units, nanos, offset } of cases) {
      const options = [...(option === null ? [] : [tsresolOption(option)]), ...(offset ? [tsoffset] : [])];
      const path = await dir.write('tsresol.pcapng', encodeSectionHeaderBlock(),
        encodeInterfaceDescriptionBlock(101, 0, options), epb(0, units, Uint8Array.of(0x45)));
      const { frames, reader } = await readAll(path);
      assert.deepEqual(reader.problems, []);
      assert.deepEqual([frames[0]!.seconds, frames[0]!.nanos], [SECONDS, nanos], `tsresol ${option}`);
    }
  });

  it('names interfaces by if_name, else base name with #id when there are several', async () => {
    const path = await dir.write('r1.pcapng', encodeSectionHeaderBlock(),
      encodeInterfaceDescriptionBlock(1, 0, interfaceOptions('eth0')),
      encodeInterfaceDescriptionBlock(113, 0, []),
      encodeInterfaceDescriptionBlock(101, 96, [tsresolOption(9)]),
      epb(2, BigInt(SECONDS) * 1_000_000_000n + 3n, payload(100), true, 300),
      epb(0, BigInt(SECONDS) * 1_000_000_000n, payload(10)),
      epb(1, BigInt(SECONDS) * 1_000_000n, payload(20)));
    const { frames, reader } = await readAll(path);
    assert.deepEqual(frames.map((f) => [f.link, f.linkType, f.nanos, f.data.length]), [
      ['r1#2', 101, 3, 100], ['eth0', 1, 0, 10], ['r1#1', 113, 0, 20],
    ]);
    assert.deepEqual(reader.info.interfaces.map((i) => [i.id, i.name, i.snaplen, i.tsResolution]), [
      [0, 'eth0', 0, '1e-9'], [1, 'r1#1', 0, '1e-6'], [2, 'r1#2', 96, '1e-9'],
    ]);
    const overridden = await readAll(path, { linkName: 'x' });
    assert.deepEqual(overridden.frames.map((f) => f.link), ['x#2', 'x#0', 'x#1']);
  });

  it('resets interfaces at each section, whatever its byte order', async () => {
    const blocks = [
      encodeSectionHeaderBlock(true),
      encodeInterfaceDescriptionBlock(1, 0, interfaceOptions('a')),
      encodeInterfaceDescriptionBlock(1, 0, interfaceOptions('b')),
      epb(1, 1n, payload(8), true),
      encodeSectionHeaderBlock(false),
      encodeInterfaceDescriptionBlock(113, 0, interfaceOptions('c'), false),
      epb(0, 2_000_000_000n, payload(9), false),
      epb(1, 3n, payload(9), false),
      epb(0, 3_000_000_000n, payload(7), false),
    ];
    const { frames, reader } = await readAll(await dir.write('sections.pcapng', ...blocks));
    assert.deepEqual(frames.map((f) => [f.number, f.link, f.linkType, f.seconds]), [[1, 'b', 1, 0], [2, 'c', 113, 2], [3, 'c', 113, 3]]);
    assert.equal(reader.problems.length, 1);
    const problem = reader.problems[0]!;
    assert.equal(problem.fatal, false);
    assert.match(problem.reason, /interface 1/);
    assert.equal(problem.offset, blocks.slice(0, 7).reduce((sum, block) => sum + block.length, 0));
    assert.deepEqual(reader.info.interfaces.map((i) => [i.section, i.id, i.name]), [[0, 0, 'a'], [0, 1, 'b'], [1, 0, 'c']]);
  });

  it('reads Simple Packet Blocks (interface 0, cut at snaplen) and obsolete Packet Blocks', async () => {
    for (const littleEndian of [true, false]) {
      const spb = (original: number, data: Uint8Array) => rawBlock(3, concat(u32(original, littleEndian), data), littleEndian);
      const units = SECONDS * 1000 + 1;
      const pb = rawBlock(2, concat(u16(0, littleEndian), u16(0, littleEndian),
        u32(Math.floor(units / 2 ** 32), littleEndian), u32(units % 2 ** 32, littleEndian),
        u32(5, littleEndian), u32(5, littleEndian), payload(5)), littleEndian);
      const path = await dir.write('spb.pcapng', encodeSectionHeaderBlock(littleEndian),
        encodeInterfaceDescriptionBlock(1, 16, [tsresolOption(3)], littleEndian),
        spb(60, payload(16)), spb(5, payload(5)), pb);
      const { frames, reader } = await readAll(path);
      assert.deepEqual(reader.problems, []);
      assert.deepEqual(frames.map((f) => [f.originalLength, f.data.length, f.seconds, f.nanos]),
        [[60, 16, 0, 0], [5, 5, 0, 0], [5, 5, SECONDS, 1_000_000]]);
      assert.deepEqual(frames[1]!.data, payload(5));
    }
  });

  it('skips NRB, ISB, custom, decryption-secrets and unknown blocks', async () => {
    const path = await dir.write('skips.pcapng', encodeSectionHeaderBlock(),
      rawBlock(4, concat(u16(1), u16(8), payload(8), u32(0))),
      encodeInterfaceDescriptionBlock(1, 0, []),
      rawBlock(5, payload(20)), rawBlock(0xbad, payload(7)), rawBlock(0x40000bad, payload(3)),
      rawBlock(0x0a, payload(12)), rawBlock(0x12345678, new Uint8Array(0)),
      epb(0, 1_000_000n, payload(3)));
    const { frames, reader } = await readAll(path);
    assert.deepEqual(reader.problems, []);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.seconds, 1);
  });

  it('stops on impossible block lengths and mismatched trailing lengths', async () => {
    const head = concat(encodeSectionHeaderBlock(), encodeInterfaceDescriptionBlock(1, 0, []), epb(0, 0n, payload(4)));
    const withLength = (length: number) => { const block = epb(0, 0n, payload(4)); new DataView(block.buffer).setUint32(4, length, true); return block; };
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', withLength(8), /impossible length 8/],
      ['not a multiple of 4', withLength(34), /impossible length 34/],
      ['huge', withLength(0x7ffffff0), /impossible length/],
      ['trailing mismatch', withLength(28), /trailing length/],
    ];
    for (const [label, bad, reason] of cases) {
      const { frames, reader } = await readAll(await dir.write('bad.pcapng', head, bad, epb(0, 0n, payload(4))));
      assert.equal(frames.length, 1, label);
      assert.equal(reader.problems.length, 1, label);
      assert.equal(reader.problems[0]!.offset, head.length, label);
      assert.equal(reader.problems[0]!.fatal, true, label);
      assert.match(reader.problems[0]!.reason, reason, label);
    }
  });

  it('skips a packet block that does not fit its own length, and goes on', async () => {
    const bad = epb(0, 0n, payload(8));
    new DataView(bad.buffer).setUint32(20, 9, true);
    const prefix = concat(encodeSectionHeaderBlock(), encodeInterfaceDescriptionBlock(1, 0, []));
    const { frames, reader } = await readAll(await dir.write('fit.pcapng', prefix, bad, epb(0, 0n, payload(4))));
    assert.equal(frames.length, 1);
    assert.deepEqual(reader.problems.map((p) => [p.offset, p.fatal]), [[prefix.length, false]]);
    assert.match(reader.problems[0]!.reason, /captured length 9 exceeds/);
  });

  it('stops at a bad byte-order magic or an unsupported major version', async () => {
    const badMagic = encodeSectionHeaderBlock();
    badMagic.set(u32(0x11223344), 8);
    const badVersion = encodeSectionHeaderBlock();
    badVersion.set(u16(2), 12);
    for (const [shb, reason] of [[badMagic, /byte-order magic 0x44332211/], [badVersion, /version 2\.0/]] as const) {
      const { frames, reader } = await readAll(await dir.write('shb.pcapng', shb, encodeInterfaceDescriptionBlock(1, 0, []), epb(0, 0n, payload(4))));
      assert.equal(frames.length, 0);
      assert.deepEqual(reader.problems.map((p) => [p.offset, p.fatal]), [[0, true]]);
      assert.match(reader.problems[0]!.reason, reason);
    }
  });

  it('reports an option running past its block but keeps the interface', async () => {
    const idb = encodeInterfaceDescriptionBlock(1, 0, [nameOption('abcd')]);
    idb.set(u16(200), 18);
    const { frames, reader } = await readAll(await dir.write('opt.pcapng', encodeSectionHeaderBlock(), idb, epb(0, 0n, payload(4))));
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.link, 'opt');
    assert.deepEqual(reader.problems.map((p) => [p.offset, p.fatal]), [[28, false]]);
  });
});
