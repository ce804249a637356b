/**
 * The common-frame path (capture/common-frame.ts) must give exactly what the general path gives:
 * on every frame of every bundled capture, and on those frames mutated byte by byte in their
 * headers (each mutation either leaves the common path, returning null, or decodes the same).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { decodeCommonFrame } from '../../capture/common-frame.js';
import { decodeAnyFrame } from '../../capture/decode.js';
import { frameTime, type Frame } from '../../capture/frame.js';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { computeChecksum } from '../../capture/ip/checksum.js';
import { seededRandom } from '../helpers/seeded-random.js';

const SAMPLES = new URL('../../../samples/', import.meta.url);
const MUTATED_FRAMES_PER_SAMPLE = 300;
/** Ethernet header, IPv4 header and the UDP header: the bytes the path reads. */
const HEADER_BYTES = 14 + 20 + 8;

function sampleFiles(): string[] {
  return readdirSync(SAMPLES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => readdirSync(new URL(`${entry.name}/`, SAMPLES)).filter((file) => /\.pcapng\.gz$/.test(file)).map((file) => new URL(`${entry.name}/${file}`, SAMPLES).pathname));
}

async function framesOf(path: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of openCaptureFiles([path]).frames) frames.push({ ...frame, data: frame.data.slice() });
  return frames;
}

function assertSameDecode(frame: Frame, what: string): boolean {
  const time = frameTime(frame);
  const common = decodeCommonFrame(frame, time);
  if (common === null) return false;
  assert.deepStrictEqual(common, decodeAnyFrame(frame, time), what);
  return true;
}

/** Writes a correct IPv4 header checksum, so mutations get past it to the rules behind it. */
function fixChecksum(data: Uint8Array): void {
  data[24] = 0;
  data[25] = 0;
  const checksum = computeChecksum(data, 14, 34);
  data[24] = checksum >> 8;
  data[25] = checksum & 0xff;
}

describe('the common-frame path', () => {
  for (const path of sampleFiles()) {
    const name = path.split('/').at(-1)!;
    it(`decodes every frame of ${name} as the general path does`, async () => {
      const frames = await framesOf(path);
      let common = 0;
      let data = 0;
      for (const frame of frames) {
        if (assertSameDecode(frame, `frame ${frame.number}`)) common++;
        const general = decodeAnyFrame(frame, frameTime(frame));
        if (general.ok && general.packet.message.kind === 'data.ipv4' && general.packet.ospf === null) data++;
      }
      // The path must carry the capture's IPv4 data but OSPF (untagged, without options, in these labs), not stand aside.
      assert.equal(common, data, `${common} frames on the common path, ${data} IPv4 data frames other than OSPF`);
    });

    it(`decodes mutated frames of ${name} as the general path does, or leaves them to it`, async () => {
      const random = seededRandom(name.length * 7919);
      const frames = (await framesOf(path)).filter((frame) => decodeCommonFrame(frame, frameTime(frame)) !== null);
      let stillCommon = 0;
      let leftToGeneral = 0;
      for (let n = 0; n < MUTATED_FRAMES_PER_SAMPLE && frames.length > 0; n++) {
        const frame = frames[Math.floor(random() * frames.length)]!;
        const data = frame.data.slice();
        const at = Math.floor(random() * Math.min(HEADER_BYTES, data.length));
        data[at] = Math.floor(random() * 256);
        if (random() < 0.7) fixChecksum(data);
        const cut = random() < 0.2 ? data.subarray(0, Math.floor(random() * data.length)) : data;
        if (assertSameDecode({ ...frame, data: cut }, `frame ${frame.number}, byte ${at} set to ${data[at]}, ${cut.length} bytes`)) stillCommon++;
        else leftToGeneral++;
      }
      if (frames.length > 0) assert.ok(stillCommon > 0 && leftToGeneral > 0, `${stillCommon} mutations decoded, ${leftToGeneral} left to the general path`);
    });
  }
});
