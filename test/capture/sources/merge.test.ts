import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Frame } from '../../../capture/frame.js';
import { openCaptureFiles } from '../../../capture/sources/capture-file.js';
import { mergeFrameBatches } from '../../../capture/sources/merge.js';
import { encodePcapFileHeader, encodePcapRecord } from '../../../capture/sources/pcap-writer.js';
import { encodeEnhancedPacketBlock, encodeInterfaceDescriptionBlock, encodeSectionHeaderBlock, interfaceOptions } from '../../../capture/sources/pcapng-writer.js';
import { payload, TempDir } from './reader-fixtures.js';

const frame = (link: string, seconds: number, nanos = 0): Frame =>
  ({ number: 0, link, linkType: 1, seconds, nanos, originalLength: 1, data: Uint8Array.of(1) });

/** A source of batches that records how many it has given and whether it was closed. */
function source(batches: Frame[][]) {
  const state = { pulled: 0, closed: false };
  const iterable: AsyncIterable<Frame[]> = {
    [Symbol.asyncIterator]: () => ({
      next: async () => (state.pulled < batches.length ? { done: false, value: batches[state.pulled++]! } : { done: true, value: undefined }),
      return: async () => { state.closed = true; return { done: true, value: undefined }; },
    }),
  };
  return { iterable, state };
}

/** One frame per batch: a stream as a live interface gives it. */
const single = (frames: Frame[]) => source(frames.map((entry) => [entry]));

async function collect(frames: AsyncIterable<Frame> | AsyncIterable<Frame[]>): Promise<Frame[]> {
  const all: Frame[] = [];
  for await (const item of frames) all.push(...(Array.isArray(item) ? item : [item]));
  return all;
}

describe('mergeFrameBatches', () => {
  it('orders by time, keeps ties in source order, and renumbers', async () => {
    const a = single([frame('a', 1), frame('a', 2, 5), frame('a', 4)]);
    const b = single([frame('b', 0, 999_999_999), frame('b', 2, 5), frame('b', 3)]);
    const c = source([]);
    const merged = await collect(mergeFrameBatches([a.iterable, b.iterable, c.iterable]));
    assert.deepEqual(merged.map((f) => [f.number, f.link, f.seconds, f.nanos]), [
      [1, 'b', 0, 999_999_999], [2, 'a', 1, 0], [3, 'a', 2, 5], [4, 'b', 2, 5], [5, 'b', 3, 0], [6, 'a', 4, 0],
    ]);
  });

  it('merges across batch boundaries, whatever the batches (empty ones too)', async () => {
    const a = source([[frame('a', 1), frame('a', 3)], [], [frame('a', 5), frame('a', 6)]]);
    const b = source([[frame('b', 2)], [frame('b', 4), frame('b', 5), frame('b', 7)]]);
    const merged = await collect(mergeFrameBatches([a.iterable, b.iterable]));
    assert.deepEqual(merged.map((f) => `${f.number}${f.link}${f.seconds}`), ['1a1', '2b2', '3a3', '4b4', '5a5', '6b5', '7a6', '8b7']);
  });

  it("keeps a source's own order even when its time goes backwards", async () => {
    const a = source([[frame('a', 5), frame('a', 1)]]);
    const b = single([frame('b', 3)]);
    const merged = await collect(mergeFrameBatches([a.iterable, b.iterable]));
    assert.deepEqual(merged.map((f) => `${f.link}${f.seconds}`), ['b3', 'a5', 'a1']);
  });

  it('a single source passes through, renumbered', async () => {
    const a = source([[frame('a', 2), frame('a', 1)], [frame('a', 3)]]);
    const merged = await collect(mergeFrameBatches([a.iterable]));
    assert.deepEqual(merged.map((f) => `${f.number}${f.seconds}`), ['12', '21', '33']);
  });

  it('pulls one batch at a time per source, hands on what is merged before pulling more, and closes every source when stopped early', async () => {
    const a = source([[frame('a', 1), frame('a', 2)], [frame('a', 3)]]);
    const b = source([[frame('b', 10)], [frame('b', 11)]]);
    for await (const batch of mergeFrameBatches([a.iterable, b.iterable])) {
      assert.deepEqual(batch.map((f) => f.link + f.seconds), ['a1', 'a2']);
      assert.deepEqual([a.state.pulled, b.state.pulled], [1, 1]);
      break;
    }
    assert.deepEqual([a.state.closed, b.state.closed], [true, true]);
  });
});

describe('openCaptureFiles', () => {
  let dir: TempDir;
  before(async () => { dir = await TempDir.create(); });
  after(() => dir.remove());

  it('merges a pcap and a pcapng into one numbered stream, with a reader per file', async () => {
    const format = { littleEndian: true, nanosecond: true };
    const pcap = await dir.write('lan1.pcap', encodePcapFileHeader(1, format),
      ...[[10, 0], [10, 500], [12, 0]].map(([seconds, nanos]) => encodePcapRecord({ seconds: seconds!, nanos: nanos!, data: payload(20) }, format)));
    const pcapng = await dir.write('r2.pcapng', encodeSectionHeaderBlock(),
      encodeInterfaceDescriptionBlock(1, 0, interfaceOptions('r2-eth1')),
      encodeEnhancedPacketBlock(0, 10_000_000_500n, payload(30)),
      encodeEnhancedPacketBlock(0, 11_000_000_000n, payload(30)));
    const { frames, readers } = openCaptureFiles([pcap, pcapng]);
    const merged = await collect(frames);
    assert.deepEqual(merged.map((f) => [f.number, f.link, f.seconds, f.nanos]), [
      [1, 'lan1', 10, 0], [2, 'lan1', 10, 500], [3, 'r2-eth1', 10, 500], [4, 'r2-eth1', 11, 0], [5, 'lan1', 12, 0],
    ]);
    assert.deepEqual(readers.map((r) => [r.info.format, r.problems.length]), [['pcap', 0], ['pcapng', 0]]);
  });

  it('rejects when one of the files is missing', async () => {
    const { frames } = openCaptureFiles([await dir.write('ok.pcap', encodePcapFileHeader(1, { littleEndian: true, nanosecond: false })), `${dir.path}/missing.pcap`]);
    await assert.rejects(collect(frames), /cannot read capture file .*missing\.pcap/);
  });
});
