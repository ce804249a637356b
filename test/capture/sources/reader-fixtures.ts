/** Helpers shared by the capture-source tests: temp files, raw pcapng blocks, reading a whole file. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../../capture/frame.js';
import { CaptureFileReader, type CaptureFileOptions } from '../../../capture/sources/capture-file.js';

export class TempDir {
  private constructor(readonly path: string) {}

  static async create(): Promise<TempDir> {
    return new TempDir(await mkdtemp(join(tmpdir(), 'mcast-reader-')));
  }

  async write(name: string, ...parts: Uint8Array[]): Promise<string> {
    const path = join(this.path, name);
    await writeFile(path, Buffer.concat(parts));
    return path;
  }

  remove(): Promise<void> {
    return rm(this.path, { recursive: true, force: true });
  }
}

export const FIXTURES = join(process.cwd(), 'test/fixtures/reader');

export interface ReadResult {
  frames: Frame[];
  reader: CaptureFileReader;
}

/** Reads every frame, copying each one's bytes (so the result does not depend on chunking). */
export async function readAll(path: string, options?: CaptureFileOptions): Promise<ReadResult> {
  const reader = new CaptureFileReader(path, options);
  const frames: Frame[] = [];
  for await (const frame of reader) frames.push({ ...frame, data: Uint8Array.from(frame.data) });
  return { frames, reader };
}

/** A pcapng block with an arbitrary body (padded to 4), for block types the writer does not produce. */
export function rawBlock(type: number, body: Uint8Array, littleEndian = true): Uint8Array {
  const length = 12 + ((body.length + 3) & ~3);
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, littleEndian);
  view.setUint32(4, length, littleEndian);
  bytes.set(body, 8);
  view.setUint32(length - 4, length, littleEndian);
  return bytes;
}

export function u16(value: number, littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(2);
  new DataView(bytes.buffer).setUint16(0, value, littleEndian);
  return bytes;
}

export function u32(value: number, littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value, littleEndian);
  return bytes;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** A recognisable payload: `length` bytes counting up from `seed`. */
export function payload(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed + i) & 0xff);
}
