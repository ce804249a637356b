/**
 * One analysis run into the store: the NetworkAnalyzer and a CaptureWriter fed the same frames.
 * `StoreFeed` is the part shared by files, uploads and live capture; `analyzeIntoStore` runs it
 * over capture files (like the CLI's decodeCaptureFiles, plus progress reports and waiting for
 * the database when it falls behind).
 *
 * Facts are synced at most once per second of packet time, when the first frame of a later
 * second arrives (before it is analyzed), and only when a timeline entry was emitted since the
 * last sync (forwarder activity too is a change: the flow tracker's forwarder-started and
 * forwarder-stopped). The facts take the analyzer's time: the last frame's, or the second a
 * silence was stepped through.
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeFrame, type FrameResult } from '../capture/decode.js';
import { frameTime } from '../capture/frame.js';
import { NetworkAnalyzer } from '../capture/model/network-analyzer.js';
import type { TimelineListener } from '../capture/model/timeline.js';
import type { Topology } from '../capture/model/topology.js';
import { openCaptureFiles, type CaptureProblem } from '../capture/sources/capture-file.js';
import { CliError } from '../capture/input-error.js';
import type { CaptureWriter, WriterOptions } from '../store/capture-writer.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { CaptureRecord } from '../store/store-api.js';

export interface StoreFeedOptions {
  topology: Topology | null;
  /** Also told every change (a live push, a timeline printer). */
  onChange: TimelineListener | null;
}

/**
 * Seconds of a silence stepped through one by one: longer than every protocol timer (the longest
 * defaults are 260 s for membership, 210 s for Join/Prune state).
 */
const MAX_SILENCE_STEPS = 3600;

export class StoreFeed {
  readonly analyzer: NetworkAnalyzer;
  private changedSinceSync = false;
  private lastSync = -Infinity;

  constructor(readonly writer: CaptureWriter, options: Partial<StoreFeedOptions> = {}) {
    const listener = options.onChange ?? null;
    this.analyzer = new NetworkAnalyzer({
      topology: options.topology ?? null,
      onChange: (entry) => {
        this.changedSinceSync = true;
        writer.onChange(entry);
        listener?.(entry);
      },
    });
  }

  onFrame(result: FrameResult): void {
    this.syncUpTo(result.ok ? result.packet.time : result.error.time);
    this.analyzer.onFrame(result);
    this.writer.onFrame(result);
  }

  /** Packet time moves on without frames (a quiet live capture): timers run, facts follow. */
  tick(now: number): void {
    this.syncUpTo(now);
    this.analyzer.advance(now);
  }

  /** Syncs what is left and closes the capture record. */
  async finish(status: 'complete' | 'stopped' = 'complete'): Promise<CaptureRecord> {
    const end = this.analyzer.time;
    if (this.changedSinceSync && end >= this.lastSync) this.sync(end);
    return this.writer.finish(status);
  }

  /**
   * Before packet time moves on to `time`. Through a silence, the analyzer's timers are run
   * second by second (for the first MAX_SILENCE_STEPS seconds of it), so that what they change
   * is synced within a second too.
   */
  private syncUpTo(time: number): void {
    const from = this.analyzer.time;
    const last = Math.min(time, Math.floor(from) + MAX_SILENCE_STEPS);
    for (let second = Number.isFinite(from) ? Math.floor(from) + 1 : Infinity; second < last; second++) {
      this.syncIfDue(second);
      this.analyzer.advance(second);
    }
    this.syncIfDue(time);
  }

  /** A sync when something changed and `time` is in a later second than the last sync; it takes the state as of the analyzer's time. */
  private syncIfDue(time: number): void {
    const now = this.analyzer.time;
    if (!this.changedSinceSync || Math.floor(time) <= Math.floor(this.lastSync) || !Number.isFinite(now)) return;
    this.sync(now);
  }

  private sync(at: number): void {
    this.writer.syncFacts(this.analyzer.snapshot(at));
    this.lastSync = at;
    this.changedSinceSync = false;
  }
}

/** Bytes read from each end of a file for its fingerprint. */
const FINGERPRINT_EDGE = 1 << 20;

/**
 * What identifies a set of capture files cheaply: sha256 over each file's base name, size, first
 * and last MiB (the whole file when smaller), in base-name order.
 */
export async function captureFingerprint(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of [...paths].sort((a, b) => basename(a).localeCompare(basename(b)))) {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new CliError(`cannot read ${path}: no such file`);
    hash.update(`${basename(path)}\0${info.size}\0`);
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

export interface AnalyzeIntoStoreOptions {
  topology: Topology | null;
  /** Stop before the first frame after this time (epoch seconds). */
  until: number;
  /** The capture's name (default: the files' base names), e.g. an upload's original file name. */
  source: string;
  onChange: TimelineListener | null;
  onProgress: ((progress: { bytesRead: number; frames: number }) => void) | null;
  /** A file cut short or skipped in part (the rest of it was analyzed), told at the end. */
  onProblem: ((problem: CaptureProblem) => void) | null;
  writer: Partial<WriterOptions>;
}

/** Frames between progress reports and backpressure checks. */
const PROGRESS_MASK = 0x3fff;
/** Batches the writer may have in flight before decoding waits for the database. */
const MAX_WRITES_IN_FLIGHT = 2;

/**
 * Analyzes capture files into the store as one capture (replacing an earlier analysis of the same
 * files) and returns its record. A run that cannot read any file leaves nothing behind.
 */
export async function analyzeIntoStore(paths: string[], store: SqliteStore, options: Partial<AnalyzeIntoStoreOptions> = {}): Promise<CaptureRecord> {
  if (paths.length === 0) throw new CliError('no capture file given');
  const fingerprint = await captureFingerprint(paths);
  const writer = store.writer(options.writer);
  await writer.begin(options.source ?? paths.map((path) => basename(path)).join(','), fingerprint);
  const feed = new StoreFeed(writer, { topology: options.topology ?? null, onChange: options.onChange ?? null });
  const until = options.until ?? Infinity;
  const { frames, readers } = openCaptureFiles(paths);
  const bytesRead = () => readers.reduce((sum, reader) => sum + reader.info.fileBytesRead, 0);
  try {
    let count = 0;
    for await (const frame of frames) {
      if (frameTime(frame) > until) break;
      feed.onFrame(decodeFrame(frame));
      if ((++count & PROGRESS_MASK) === 0) {
        options.onProgress?.({ bytesRead: bytesRead(), frames: count });
        await writer.backpressure(MAX_WRITES_IN_FLIGHT);
      }
    }
    options.onProgress?.({ bytesRead: bytesRead(), frames: count });
    const problems = readers.flatMap((reader) => reader.problems);
    const unreadable = problems.filter((problem) => problem.fatal && problem.offset === 0);
    if (unreadable.length === readers.length) throw new CliError(unreadable.map((problem) => `${problem.file}: ${problem.reason}`).join('\n'), 1);
    for (const problem of problems) options.onProblem?.(problem);
  } catch (error) {
    await writer.discard();
    throw error;
  }
  if (Number.isFinite(until)) feed.tick(until);
  return feed.finish();
}
