/**
 * A big capture from a small one: the sample written again and again as one pcapng, each copy
 * shifted in time past the previous one, up to `target` frames (for benches and load tests).
 */
import { createWriteStream } from 'node:fs';
import { frameTime } from '../../capture/frame.js';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { PcapngWriter } from '../../capture/sources/pcapng-writer.js';

export async function replicateCapture(sample: string, path: string, target: number): Promise<number> {
  const frames: { link: string; linkType: number; seconds: number; nanos: number; data: Uint8Array; originalLength: number }[] = [];
  for await (const frame of openCaptureFiles([sample]).frames) frames.push({ ...frame, data: frame.data.slice() });
  if (frames.length === 0) throw new Error(`${sample}: no frames`);
  const links = [...new Map(frames.map((frame) => [frame.link, frame.linkType])).entries()];
  const writer = new PcapngWriter(createWriteStream(path), links.map(([name, linkType]) => ({ name, linkType })));
  const span = Math.ceil(frameTime(frames.at(-1)!) - frameTime(frames[0]!)) + 1;
  let written = 0;
  for (let copy = 0; written < target; copy++) {
    for (const frame of frames) {
      const interfaceId = links.findIndex(([name]) => name === frame.link);
      if (!writer.write({ interfaceId, seconds: frame.seconds + copy * span, nanos: frame.nanos, data: frame.data, originalLength: frame.originalLength })) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (++written >= target) break;
    }
  }
  await writer.end();
  return written;
}
