import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { captureBaseName } from '../../../capture/sources/capture-format.js';
import { CaptureFileReader } from '../../../capture/sources/capture-file.js';
import { encodePcapFileHeader, encodePcapRecord } from '../../../capture/sources/pcap-writer.js';
import {
  encodeEnhancedPacketBlock, encodeInterfaceDescriptionBlock, encodeSectionHeaderBlock, interfaceOptions, PcapngWriter,
} from '../../../capture/sources/pcapng-writer.js';
import { concat, FIXTURES, payload, rawBlock, readAll, TempDir } from './reader-fixtures.js';

setFlagsFromString('--expose-gc');
/** Full GC, so that memory samples count live buffers only. */
const collectGarbage = runInNewContext('gc') as () => void;

/** A small pcapng: the byte ranges of its blocks, and which of them carry frames. */
function samplePcapng(): { bytes: Uint8Array; blocks: { start: number; end: number; frame: boolean }[] } {
  const parts: [Uint8Array, boolean][] = [
    [encodeSectionHeaderBlock(), false],
    [encodeInterfaceDescriptionBlock(1, 0, interfaceOptions('lan1')), false],
    [encodeEnhancedPacketBlock(0, 1_000_000_000n, payload(30)), true],
    [rawBlock(5, payload(12)), false],
    [encodeEnhancedPacketBlock(0, 2_000_000_000n, payload(1)), true],
    [encodeEnhancedPacketBlock(0, 3_000_000_000n, payload(64)), true],
  ];
  let start = 0;
  const blocks = parts.map(([block, frame]) => {
    const range = { start, end: start + block.length, frame };
    start = range.end;
    return range;
  });
  return { bytes: concat(...parts.map(([block]) => block)), blocks };
}

function samplePcap(): { bytes: Uint8Array; blocks: { start: number; end: number; frame: boolean }[] } {
  const format = { littleEndian: true, nanosecond: false };
  const parts = [encodePcapFileHeader(1, format), ...[40, 1, 0, 70].map((length, i) => encodePcapRecord({ seconds: i, nanos: 0, data: payload(length) }, format))];
  let start = 0;
  const blocks = parts.map((part, i) => {
    const range = { start, end: start + part.length, frame: i > 0 };
    start = range.end;
    return range;
  });
  return { bytes: concat(...parts), blocks };
}

/** The seconds, nanoseconds, original and captured lengths of each frame, as tshark prints them. */
async function tsharkView(path: string): Promise<string[]> {
  const text = await readFile(`${path}.tshark.tsv`, 'utf8');
  return text.trim().split('\n');
}

describe('capture file reader', () => {
  let dir: TempDir;
  before(async () => { dir = await TempDir.create(); });
  after(() => dir.remove());

  for (const [format, sample] of [['pcapng', samplePcapng], ['pcap', samplePcap]] as const) {
    it(`${format}: a cut at any offset keeps the frames before it and names where it stopped`, async () => {
      const { bytes, blocks } = sample();
      const complete = await readAll(await dir.write(`whole.${format}`, bytes), { linkName: 'sample' });
      assert.deepEqual(complete.reader.problems, []);
      for (const chunkSize of [1 << 20, 5]) {
        for (let cut = 0; cut < bytes.length; cut++) {
          const { frames, reader } = await readAll(await dir.write(`cut.${format}`, bytes.subarray(0, cut)), { chunkSize, linkName: 'sample' });
          const whole = blocks.filter((block) => block.end <= cut);
          assert.deepEqual(frames, complete.frames.slice(0, whole.filter((block) => block.frame).length), `cut ${cut}`);
          const cutBlock = blocks.find((block) => block.start < cut && cut < block.end);
          if (cut === 0) {
            assert.deepEqual(reader.problems.map((p) => p.reason), ['empty file']);
          } else if (cutBlock === undefined) {
            assert.deepEqual(reader.problems, [], `cut ${cut} falls between units`);
          } else {
            assert.equal(reader.problems.length, 1, `cut ${cut}`);
            assert.equal(reader.problems[0]!.offset, cutBlock.start, `cut ${cut}`);
            assert.equal(reader.problems[0]!.fatal, true);
          }
        }
      }
    });
  }

  it('reads the same frames whatever the chunk size', async () => {
    const path = join(FIXTURES, 'lo-and-any-merged.pcapng.gz');
    const reference = await readAll(path);
    for (const chunkSize of [1, 2, 3, 7, 12, 13, 64, 1000]) {
      const { frames, reader } = await readAll(path, { chunkSize });
      assert.deepEqual(reader.problems, []);
      assert.deepEqual(frames, reference.frames, `chunk size ${chunkSize}`);
    }
  });

  for (const fixture of ['lo-dumpcap.pcapng', 'any-sll2.pcap', 'lo-and-any-merged.pcapng.gz']) {
    it(`agrees with tshark on ${fixture}`, async () => {
      const path = join(FIXTURES, fixture);
      const { frames, reader } = await readAll(path);
      assert.deepEqual(reader.problems, []);
      const ours = frames.map((f) => `${f.seconds}.${String(f.nanos).padStart(9, '0')}\t${f.originalLength}\t${f.data.length}`);
      assert.deepEqual(ours, await tsharkView(path));
    });
  }

  it('reads the hand-made big-endian fixtures as tshark does', async () => {
    // big-endian-2pow10.pcapng: SHB, IDB (if_name be0, if_tsresol 2^-10), EPB, SPB; big-endian-ns.pcap: one record.
    const pcapng = await readAll(join(FIXTURES, 'big-endian-2pow10.pcapng'));
    assert.deepEqual(pcapng.reader.problems, []);
    assert.deepEqual(pcapng.frames.map((f) => [f.link, f.seconds, f.nanos, f.originalLength, f.data.length]),
      [['be0', 1_700_000_000, 500_000_000, 60, 14], ['be0', 0, 0, 14, 14]]);
    assert.deepEqual(pcapng.frames[1]!.data, payload(14));
    const pcap = await readAll(join(FIXTURES, 'big-endian-ns.pcap'));
    assert.deepEqual(pcap.frames.map((f) => [f.link, f.seconds, f.nanos, f.originalLength]), [['big-endian-ns', 1_700_000_000, 999_999_999, 14]]);
  });

  it('describes real files: if_name, link types, compression', async () => {
    const dumpcap = await readAll(join(FIXTURES, 'lo-dumpcap.pcapng'));
    assert.deepEqual(new Set(dumpcap.frames.map((f) => f.link)), new Set(['lo']));
    assert.equal(dumpcap.reader.info.interfaces[0]!.tsResolution, '1e-9');
    const merged = await readAll(join(FIXTURES, 'lo-and-any-merged.pcapng.gz'));
    assert.equal(merged.reader.info.compressed, true);
    assert.deepEqual(merged.reader.info.interfaces.map((i) => [i.name, i.linkType]), [['lo-and-any-merged#0', 1], ['lo-and-any-merged#1', 276]]);
    const sll2 = await readAll(join(FIXTURES, 'any-sll2.pcap'));
    assert.equal(sll2.frames[0]!.link, 'any-sll2');
    assert.equal(sll2.frames[0]!.linkType, 276);
  });

  it('reads gzip-compressed files, and keeps the frames of a cut one', async () => {
    const { bytes, blocks } = samplePcapng();
    const plain = await readAll(await dir.write('s.pcapng', bytes));
    const compressed = gzipSync(bytes);
    const gz = await readAll(await dir.write('s.pcapng.gz', compressed));
    assert.deepEqual(gz.frames.map((f) => f.link), ['lan1', 'lan1', 'lan1']);
    assert.deepEqual(gz.frames, plain.frames);
    assert.equal(gz.reader.info.compressed, true);
    assert.equal(gz.reader.info.bytesRead, bytes.length);
    assert.equal(gz.reader.info.fileBytesRead, compressed.length);
    assert.equal(plain.reader.info.fileBytesRead, bytes.length);

    const lastBlock = blocks.at(-1)!;
    const cutInside = await readAll(await dir.write('cut.pcapng.gz', gzipSync(bytes.subarray(0, lastBlock.start + 10))));
    assert.deepEqual(cutInside.frames, plain.frames.slice(0, 2));
    assert.deepEqual(cutInside.reader.problems.map((p) => [p.offset, p.fatal]), [[lastBlock.start, true]]);

    const cutStream = await readAll(await dir.write('cut-stream.pcapng.gz', compressed.subarray(0, compressed.length - 12)));
    assert.equal(cutStream.reader.problems.length, 1);
    assert.match(cutStream.reader.problems[0]!.reason, /decompression failed|file ends inside/);
    assert.ok(cutStream.frames.length >= 2);
  });

  it('reports bad magic, empty and tiny files as fatal problems with no frames', async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['text.pcap', new TextEncoder().encode('hello, world\n'), /not a pcap or pcapng file \(starts with 68656c6c\)/],
      ['empty.pcap', new Uint8Array(0), /empty file/],
      ['tiny.pcap', Uint8Array.of(0xd4, 0xc3), /2 bytes is too short/],
      ['header.pcap', encodePcapFileHeader(1, { littleEndian: true, nanosecond: false }).subarray(0, 20), /file ends inside a pcap file header: 20 of 24 bytes/],
    ];
    for (const [name, bytes, reason] of cases) {
      const { frames, reader } = await readAll(await dir.write(name, bytes));
      assert.equal(frames.length, 0, name);
      assert.equal(reader.problems.length, 1, name);
      assert.match(reader.problems[0]!.reason, reason, name);
      assert.deepEqual([reader.problems[0]!.offset, reader.problems[0]!.fatal, reader.problems[0]!.file], [0, true, join(dir.path, name)]);
    }
  });

  it('rejects a missing file with a clear error, and a second iteration', async () => {
    await assert.rejects(readAll(join(dir.path, 'nope.pcap')), /cannot read capture file .*nope\.pcap: ENOENT/);
    const reader = new CaptureFileReader(join(FIXTURES, 'any-sll2.pcap'));
    for await (const frame of reader) { assert.equal(frame.number, 1); break; }
    assert.throws(() => reader[Symbol.asyncIterator](), /already being read/);
  });

  it('hands out frames that stay valid after the iterator moves on', async () => {
    const reader = new CaptureFileReader(join(FIXTURES, 'any-sll2.pcap'), { chunkSize: 64 });
    const kept = [];
    for await (const frame of reader) kept.push(frame);
    const copied = await readAll(join(FIXTURES, 'any-sll2.pcap'));
    assert.deepEqual(kept.map((f) => Uint8Array.from(f.data)), copied.frames.map((f) => f.data));
  });

  it('streams a 200k-frame file with bounded memory', async () => {
    const path = join(dir.path, 'big.pcapng');
    const out = createWriteStream(path);
    const writer = new PcapngWriter(out, [{ name: 'big0', linkType: 1 }, { name: 'big1', linkType: 113 }]);
    const frameCount = 200_000;
    const data = payload(400);
    for (let i = 0; i < frameCount; i++) {
      if (!writer.write({ interfaceId: i % 2, seconds: 1_700_000_000 + Math.floor(i / 1000), nanos: (i % 1000) * 1000, data })) {
        await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    }
    await writer.end();
    const reader = new CaptureFileReader(path);
    let count = 0;
    let bytes = 0;
    let peakBuffers = 0;
    for await (const frame of reader) {
      count += 1;
      bytes += frame.data.length;
      if (count % 10_000 === 0) {
        collectGarbage();
        peakBuffers = Math.max(peakBuffers, process.memoryUsage().arrayBuffers);
      }
    }
    assert.deepEqual(reader.problems, []);
    assert.equal(count, frameCount);
    assert.equal(bytes, frameCount * data.length);
    assert.ok(reader.info.bytesRead > 80_000_000);
    // The file is ~86 MB; the reader holds a chunk or two of 1 MiB.
    assert.ok(peakBuffers < 16 * 1024 * 1024, `peak live ArrayBuffer memory ${peakBuffers}`);
  });
});

describe('captureBaseName', () => {
  it('drops directories, compression and capture extensions only', () => {
    assert.equal(captureBaseName('pcap/lan1.pcap'), 'lan1');
    assert.equal(captureBaseName('x/lan1.pcapng.gz'), 'lan1');
    assert.equal(captureBaseName('/a/b/10.0.0.1.PCAP'), '10.0.0.1');
    assert.equal(captureBaseName('r1.eth0.cap.gz'), 'r1.eth0');
    assert.equal(captureBaseName('lan2.trace'), 'lan2');
    assert.equal(captureBaseName('.hidden'), '.hidden');
    assert.equal(captureBaseName('plain'), 'plain');
  });
});
