/**
 * Capture files as a run's source: checked up front (one clear line for a missing, unreadable
 * or duplicated file, a directory, a device), opened, merged by time (capture/sources), and fed
 * to the run frame by frame, waiting for its sinks now and then (the store's database). A file
 * cut short keeps every frame before the cut and is reported as a problem; a run in which no
 * file could be read at all is an InputError.
 */
import { createHash } from 'node:crypto';
import { access, constants, open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { frameTime } from '../capture/frame.js';
import { InputError } from '../capture/input-error.js';
import { openCaptureFiles, type CaptureProblem } from '../capture/sources/capture-file.js';
import type { Topology } from '../capture/model/topology.js';
import { AnalysisRun, type Sink } from './run.js';

/** A capture file, and the name the user knows it by (its path, or an upload's original name). */
export interface CaptureInput {
  path: string;
  name: string;
}

export function inputsOf(paths: readonly string[]): CaptureInput[] {
  return paths.map((path) => ({ path, name: path }));
}

export interface FileRunOptions {
  /** Stop before the first frame later than this (epoch seconds); time then moves on to it. */
  until: number;
  /** Replay at this many times the capture's own pace (a probe replaying files as if live); null: as fast as it reads. */
  speed: number | null;
  /** Called every PROGRESS_FRAMES frames and at the end. */
  onProgress: ((progress: { bytesRead: number; totalBytes: number; frames: number }) => void) | null;
}

/** The earliest and latest frame times (epoch seconds). */
export interface TimeSpan {
  first: number;
  last: number;
}

export interface FileRunResult {
  /** Files cut short or skipped in part (the rest of each was analyzed), named as the user named them. */
  problems: CaptureProblem[];
  frames: number;
  /** Of the frames given to the run; null when none was. */
  span: TimeSpan | null;
  /** Whether a frame later than `until` stopped the reading (frames were left unread). */
  stoppedEarly: boolean;
}

/** A paced replay sleeps only when it is this far ahead of the capture's pace. */
const PACE_SLACK_MS = 10;

/** Frames between progress reports and waits for the sinks. */
const PROGRESS_FRAMES = 0x4000;

/** Checks that every input is a readable regular file, given once; returns their sizes. */
export async function checkInputs(inputs: readonly CaptureInput[]): Promise<number[]> {
  if (inputs.length === 0) throw new InputError('no capture file given', 'usage');
  const seen = new Map<string, string>();
  const sizes: number[] = [];
  for (const { path, name } of inputs) {
    // A path that names no file, or no regular file, is a wrong argument (exit 2); a file that cannot be read is not.
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read ${name}: ${describeSystemError(error)}`, error.code === 'ENOENT' ? 'usage' : 'input');
    });
    if (info.isDirectory()) throw new InputError(`${name} is a directory, not a capture file`, 'usage');
    if (!info.isFile()) throw new InputError(`${name} is not a capture file (not a regular file)`, 'usage');
    await access(path, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`cannot read ${name}: ${describeSystemError(error)}`);
    });
    const identity = `${info.dev}:${info.ino}`;
    const earlier = seen.get(identity);
    if (earlier !== undefined) throw new InputError(`${earlier} and ${name} are the same file: give each capture once`, 'usage');
    seen.set(identity, name);
    sizes.push(info.size);
  }
  return sizes;
}

/** Reads the files into the run, in time order (see the header). */
export async function runFiles(inputs: readonly CaptureInput[], run: AnalysisRun, options: Partial<FileRunOptions> = {}): Promise<FileRunResult> {
  const sizes = await checkInputs(inputs);
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0);
  const until = options.until ?? Infinity;
  const nameOf = new Map(inputs.map((input) => [input.path, input.name]));
  const { batches, readers } = openCaptureFiles(inputs.map((input) => input.path));
  const progress = () => options.onProgress?.({ bytesRead: readers.reduce((sum, reader) => sum + reader.info.fileBytesRead, 0), totalBytes, frames: count });
  let count = 0;
  const span = { first: Infinity, last: -Infinity };
  let stoppedEarly = false;
  const speed = options.speed ?? null;
  const startedAt = performance.now();
  reading: for await (const batch of batches) for (const frame of batch) {
    const time = frameTime(frame);
    if (time > until) {
      stoppedEarly = true;
      break reading;
    }
    if (speed !== null && count > 0) {
      const aheadMs = ((time - span.first) * 1000) / speed - (performance.now() - startedAt);
      if (aheadMs > PACE_SLACK_MS) await new Promise((resolve) => setTimeout(resolve, aheadMs));
    }
    widen(span, time);
    run.frame(frame);
    if ((++count & (PROGRESS_FRAMES - 1)) === 0) {
      progress();
      await run.drain();
    }
  }
  progress();
  const problems = readers.flatMap((reader) => reader.problems).map((problem) => ({ ...problem, file: nameOf.get(problem.file) ?? problem.file }));
  const unreadable = problems.filter((problem) => problem.fatal && problem.offset === 0);
  if (unreadable.length === readers.length) throw new InputError(unreadable.map((problem) => `${problem.file}: ${problem.reason}`).join('\n'));
  if (Number.isFinite(until)) run.advance(until);
  return { problems, frames: count, span: count === 0 ? null : span, stoppedEarly };
}

function widen(span: TimeSpan, time: number): void {
  if (time < span.first) span.first = time;
  if (time > span.last) span.last = time;
}

/** The time span of capture files (checked as runFiles checks them), read without analysis; null when they hold no frame. */
export async function captureSpan(inputs: readonly CaptureInput[]): Promise<TimeSpan | null> {
  await checkInputs(inputs);
  const span = { first: Infinity, last: -Infinity };
  let count = 0;
  for await (const batch of openCaptureFiles(inputs.map((input) => input.path)).batches) {
    for (const frame of batch) widen(span, frameTime(frame));
    count += batch.length;
  }
  return count === 0 ? null : span;
}

export function describeProblem(problem: CaptureProblem): string {
  return `${problem.file}: ${problem.fatal ? 'stopped' : 'skipped'} at byte ${problem.offset}: ${problem.reason}`;
}

/** Bytes read from each end of a file for its fingerprint. */
const FINGERPRINT_EDGE = 1 << 20;

/**
 * What identifies a set of capture files cheaply: sha256 over each file's base name, size, first
 * and last MiB (the whole file when smaller), in base-name order. The store replaces an earlier
 * analysis of the same inputs.
 */
export async function captureFingerprint(inputs: readonly CaptureInput[]): Promise<string> {
  const hash = createHash('sha256');
  for (const { path, name } of [...inputs].sort((a, b) => basename(a.name).localeCompare(basename(b.name)))) {
    const info = await stat(path);
    hash.update(`${basename(name)}\0${info.size}\0`);
    const file = await open(path, 'r');
    try {
      const edge = Math.min(info.size, FINGERPRINT_EDGE);
      const buffer = Buffer.alloc(edge);
      await file.read(buffer, 0, edge, 0);
      hash.update(buffer);
      if (info.size > FINGERPRINT_EDGE) {
        await file.read(buffer, 0, edge, info.size - edge);
        hash.update(buffer);
      }
    } finally {
      await file.close();
    }
  }
  return hash.digest('hex');
}

/** A system error as a short phrase: "no such file", "permission denied". */
export function describeSystemError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory';
    case 'ELOOP': return 'too many symbolic links';
    case 'ENAMETOOLONG': return 'name too long';
    default: return error.message;
  }
}

/** The analysis of capture files up to `until` (default: all of them): the run, whose analyzer holds the state, and the files' problems. */
export async function analyzeFiles(paths: readonly string[], options: { until?: number; topology?: Topology | null; sinks?: Sink[] } = {}) {
  const run = new AnalysisRun({ topology: options.topology ?? null, sinks: options.sinks ?? [] });
  const { problems } = await runFiles(inputsOf(paths), run, { until: options.until ?? Infinity });
  return { run, analyzer: run.analyzer, problems };
}
