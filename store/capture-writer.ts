/**
 * Writes one analysis run (files, an upload or a live capture) into the store.
 *
 * Everything is buffered in memory and written in batches, each batch one transaction: when
 * `flushRows` rows are pending, or every `flushMs` of wall time while some are. A killed process
 * loses at most the batch being built (WAL keeps the database consistent and openable).
 *
 *   messages       one row per IGMP/MLD/PIM message, with a one-line summary
 *   counters       data packets aggregated per second of packet time, link and (source, group);
 *                  a second's rows are written once the capture is two seconds past it (merged
 *                  files interleave frames up to a second out of order; older ones count in the
 *                  oldest open second)
 *   link_counters  frames and decode errors per second and link, the same way
 *   media_seconds  each complete second of an RTP / MPEG-TS flow per link: packets, RFC 4445 DF:MLR,
 *                  packets lost so far, RTP jitter (capture/model/stream-quality.ts)
 *   changes        every timeline entry
 *   facts          `syncFacts(snapshot)` diffs the snapshot against the facts open so far: a row
 *                  whose key is new or whose stored content changed opens a fact (closing the
 *                  previous one), an open fact whose key is gone is closed
 *   checkpoints    `commitCheckpoint`: the run's state (pipeline/checkpoint.ts) in the same
 *                  transaction as the rows it stands for. A collector's writer commits nothing
 *                  else (flushRows and flushMs Infinity), so after a crash the store holds exactly
 *                  what its latest checkpoint had written, and resuming from it doubles nothing.
 */
import { randomUUID } from 'node:crypto';
import { hasBadChecksum, type FrameResult, type Packet } from '../capture/decode.js';
import type { Finding } from '../shapes/findings.js';
import type { NumberedFinding } from '../capture/findings/tracker.js';
import type { NetworkSnapshot } from '../shapes/snapshot.js';
import type { TimelineEntry } from '../capture/model/timeline.js';
import type { MediaSecond } from '../capture/model/stream-quality.js';
import { FACT_KINDS, FACT_SPECS, factColumns, factContent, type FactSpec } from './facts.js';
import { summarizeMessage } from './message-summary.js';
import { ThreeKeyMap } from '../capture/three-key-map.js';
import { readCapture } from './records.js';
import { insertStatements, type SqlDatabase, type SqlStatement, type SqlValue, type Upsert } from './database.js';
import type { CaptureRecord, FactKind } from './store-api.js';
import type { SecondCounts } from '../pipeline/probe/records.js';

export interface WriterOptions {
  /** Pending rows that start a flush. */
  flushRows: number;
  /** Wall-clock milliseconds after which pending rows are flushed anyway. */
  flushMs: number;
}

export const DEFAULT_WRITER_OPTIONS: Readonly<WriterOptions> = { flushRows: 20_000, flushMs: 1000 };

export interface WriterCounts {
  frames: number;
  decodeErrors: number;
  messages: number;
  changes: number;
  /** Fact intervals opened. */
  facts: number;
}

/** Frames between two looks at the wall clock. */
const CLOCK_CHECK_MASK = 0x3ff;

const MESSAGE_COLUMNS = ['capture_id', 'time', 'frame', 'link', 'kind', 'src', 'dst', 'groups', 'summary'];
const CHANGE_COLUMNS = ['capture_id', 'time', 'area', 'kind', 'link', 'grp', 'source', 'detail'];
const FACT_COLUMNS = ['capture_id', 'kind', 'key', 'start_time', 'link', 'grp', 'source', 'content'];
const COUNTER_COLUMNS = ['capture_id', 'second', 'link', 'source', 'grp', 'packets', 'bytes', 'total_packets', 'total_bytes'];
const LINK_COUNTER_COLUMNS = ['capture_id', 'second', 'link', 'frames', 'decode_errors', 'total_frames', 'total_decode_errors'];
const MEDIA_SECOND_COLUMNS = ['capture_id', 'second', 'link', 'source', 'grp', 'format', 'packets', 'bytes', 'delay_factor_ms', 'media_loss_rate', 'lost_packets', 'jitter_ms'];

/** What one second holds: for a flow `a` packets and `b` bytes, for a link `a` frames and `b` decode errors. */
interface Tally {
  a: number;
  b: number;
}

/** The current second's tally, the previous second's (still open), and the totals of the written seconds. */
interface Counted {
  current: Tally;
  previous: Tally;
  total: Tally;
}

interface FlowCount extends Counted {
  link: string;
  source: string;
  group: string;
}

interface LinkCount extends Counted {
  firstSeen: number;
  lastSeen: number;
}

const counted = (): Counted => ({ current: { a: 0, b: 0 }, previous: { a: 0, b: 0 }, total: { a: 0, b: 0 } });

/** Facts are closed (an UPDATE per sync) and opened (a row to insert) in the order syncs produced them. */
type FactOperation = { open: SqlValue[] } | { close: { end: number; facts: [kind: FactKind, key: string][] } };

/** Keys per UPDATE that closes facts. */
const CLOSES_PER_UPDATE = 100;

interface Batch {
  messages: SqlValue[][];
  changes: SqlValue[][];
  facts: FactOperation[];
  counters: SqlValue[][];
  linkCounters: SqlValue[][];
  mediaSeconds: SqlValue[][];
  /** Findings opened, closed or refreshed since the last batch, by their number in the run (each replaces the stored row of that number). */
  findings: Map<number, Finding>;
  checkpoint: CheckpointRow | null;
  /** The run is over: the capture's status, set with the last rows (and any checkpoint dropped: a finished run is not one to go on from). */
  finalStatus: 'complete' | 'stopped' | null;
}

/** A run's state as of the rows committed with it, and the position in the probes' stream it was taken at. */
export interface CheckpointRow {
  /** The stream sequence of the last record the state has taken. */
  position: number;
  /** The analyzer's packet time then (null before any). */
  packetTime: number | null;
  /** What wrote the state (mcast's version and the checkpoint format): another one is not resumed from. */
  format: string;
  state: Uint8Array;
}

/** A claimed capture (`claim`) was claimed by a later writer. */
export class TakenOverError extends Error {}

/** A stored checkpoint and the capture it belongs to. */
export interface StoredCheckpoint extends CheckpointRow {
  captureId: number;
  status: CaptureRecord['status'];
  takenAt: number;
}

const emptyBatch = (): Batch => ({ messages: [], changes: [], facts: [], counters: [], linkCounters: [], mediaSeconds: [], findings: new Map(), checkpoint: null, finalStatus: null });

/** The checkpoint of the capture with this fingerprint, if it has one. */
export async function readCheckpoint(db: SqlDatabase, fingerprint: string): Promise<StoredCheckpoint | null> {
  const row = await db.get<{ capture_id: number; status: CaptureRecord['status']; stream_position: number; packet_time: number | null; taken_at: number; format: string; state: Uint8Array }>(
    `SELECT checkpoints.capture_id, captures.status, stream_position, packet_time, taken_at, format, state
     FROM checkpoints JOIN captures ON captures.id = checkpoints.capture_id WHERE captures.fingerprint = ?`, [fingerprint]);
  return row === undefined ? null : {
    captureId: row.capture_id, status: row.status, position: row.stream_position, packetTime: row.packet_time, takenAt: row.taken_at, format: row.format, state: row.state,
  };
}

const FINDING_COLUMNS = ['capture_id', 'serial', 'kind', 'severity', 'time', 'until', 'link', 'grp', 'source', 'router', 'detail', 'explanation', 'rule'];
/** A finding written again replaces its row (the same capture and serial). */
const FINDING_UPSERT: Upsert = { key: ['capture_id', 'serial'], update: ['severity', 'until', 'router', 'detail', 'explanation'] };

export class CaptureWriter {
  private readonly options: WriterOptions;
  private id: number | null = null;
  private pending = emptyBatch();
  private pendingRows = 0;
  private writing: Promise<void> | null = null;
  private writesInFlight = 0;
  private failure: Error | null = null;
  private lastFlushAt = performance.now();
  /** The stamp `claim` put on the capture (null: unclaimed, nothing is checked). */
  private token: string | null = null;
  private frameCount = 0;
  private startTime: number | null = null;
  private endTime: number | null = null;
  /** The latest second of packet time being counted; the one before it is still open, earlier ones are written. */
  private second = -Infinity;
  private readonly flows = new ThreeKeyMap<FlowCount>();
  private readonly links = new Map<string, LinkCount>();
  private readonly openFacts = new Map<string, string>();
  /**
   * The row each open fact was last synced from, by `kind\nkey`: a model part whose state did not
   * change hands out the same rows again (capture/model/snapshot.ts), and they are not encoded again
   * (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts).
   */
  private lastRows?: Map<string, Record<string, unknown>>;
  /** Each kind's list at the last sync and the fact keys it gave (a cache too). */
  private lastLists?: Map<FactKind, { list: readonly object[]; keys: string[] }>;
  readonly counts: WriterCounts = { frames: 0, decodeErrors: 0, messages: 0, changes: 0, facts: 0 };

  constructor(private readonly db: SqlDatabase, options: Partial<WriterOptions> = {}) {
    this.options = { ...DEFAULT_WRITER_OPTIONS, ...options };
  }

  get captureId(): number {
    if (this.id === null) throw new Error('CaptureWriter: begin() first');
    return this.id;
  }

  /**
   * Starts a capture record. An earlier capture with the same fingerprint (the same inputs
   * analyzed again) is deleted first, with all its rows.
   */
  async begin(source: string, fingerprint: string): Promise<CaptureRecord> {
    this.id = await this.db.transaction(async () => {
      await this.db.run('DELETE FROM captures WHERE fingerprint = ?', [fingerprint]);
      return this.db.insertReturningId(
        "INSERT INTO captures (source, fingerprint, status, analyzed_at) VALUES (?, ?, 'running', ?)", [source, fingerprint, Date.now() / 1000]);
    });
    return (await readCapture(this.db, this.id))!;
  }

  /** Every frame, decoded or not: link counters, then messages and data counters. */
  onFrame(result: FrameResult): void {
    const time = result.ok ? result.packet.time : result.error.time;
    const link = result.ok ? result.packet.link : result.error.link;
    this.advanceSecond(time);
    const failed = !result.ok || hasBadChecksum(result.packet.message);
    this.countFrames(time, time, link, 1, failed ? 1 : 0);
    if (result.ok) this.onPacket(result.packet);
    if ((++this.frameCount & CLOCK_CHECK_MASK) === 0 && this.pendingRows > 0 && performance.now() - this.lastFlushAt >= this.options.flushMs) this.startFlush();
  }

  /** A decoded packet (onFrame also counts its frame): a control message becomes a message row, multicast data a counter. */
  onPacket(packet: Packet): void {
    this.advanceSecond(packet.time);
    const { message, ip } = packet;
    if (message.kind === 'data.ipv4' || message.kind === 'data.ipv6') {
      this.countData(packet.time, packet.link, message.source, message.group, message.length);
      return;
    }
    const summary = summarizeMessage(packet);
    if (summary === null) return;
    this.add('messages', [this.captureId, packet.time, packet.frame, packet.link, message.kind, ip?.src ?? null, ip?.dst ?? null, summary.groups, summary.summary]);
    this.counts.messages++;
  }

  /**
   * What a probe counted on a link, per second (a collector's run): frames, decode errors and data
   * packets, as onFrame and onPacket count them from frames. `seen`: the probe's first and latest frame on the link.
   */
  onCounts(link: string, counts: readonly SecondCounts[], seen: { firstSeen: number; lastSeen: number } | null): void {
    // The capture's span is the probes' first and latest frames, not the seconds they counted in.
    if (seen) {
      this.advanceSecond(seen.firstSeen);
      this.advanceSecond(seen.lastSeen);
    }
    for (const count of counts) {
      this.advanceSecond(count.second, seen === null);
      this.countFrames(seen?.firstSeen ?? count.second, seen?.lastSeen ?? count.second, link, count.frames, count.decodeErrors, count.second);
      for (const flow of count.flows) this.countData(count.second, link, flow.source, flow.group, flow.bytes, flow.packets);
    }
  }

  private countFrames(firstSeen: number, lastSeen: number, link: string, frames: number, decodeErrors: number, second = firstSeen): void {
    let count = this.links.get(link);
    if (!count) {
      count = { ...counted(), firstSeen, lastSeen };
      this.links.set(link, count);
    }
    const tally = this.tallyOf(count, second);
    tally.a += frames;
    tally.b += decodeErrors;
    count.firstSeen = Math.min(count.firstSeen, firstSeen);
    count.lastSeen = Math.max(count.lastSeen, lastSeen);
    this.counts.frames += frames;
    this.counts.decodeErrors += decodeErrors;
  }

  /** A complete second of an RTP / MPEG-TS flow on a link (the analyzer's FlowTracker.onMediaSecond). */
  onMediaSecond(link: string, source: string, group: string, second: MediaSecond): void {
    this.add('mediaSeconds', [this.captureId, second.second, link, source, group, second.format, second.packets, second.bytes,
      second.delayFactorMs, second.mediaLossRate, second.lostPackets, second.jitterMs]);
  }

  onChange(entry: TimelineEntry): void {
    this.add('changes', [this.captureId, entry.time, entry.area, entry.kind, entry.link, entry.group, entry.source, JSON.stringify(entry.detail)]);
    this.counts.changes++;
  }

  /** Diffs the snapshot against the open facts (see the header); the facts it opens and closes take `snapshot.at` as their time. */
  syncFacts(snapshot: NetworkSnapshot): void {
    const time = snapshot.at;
    const closed: [FactKind, string][] = [];
    const opened: SqlValue[][] = [];
    const lastRows = this.lastRows ??= new Map();
    const lastLists = this.lastLists ??= new Map();
    for (const kind of FACT_KINDS) {
      const spec = FACT_SPECS[kind];
      const list = snapshot[spec.list] as unknown as Record<string, unknown>[];
      // The same list as at the last sync (a model part that did not change): its facts stand as they are.
      const last = lastLists.get(kind);
      if (last?.list === list) continue;
      const seen = new Set<string>();
      const keys: string[] = [];
      lastLists.set(kind, { list, keys });
      for (const row of list) {
        const baseKey = `${kind}\n${spec.key(row)}`;
        let mapKey = baseKey;
        for (let duplicate = 2; seen.has(mapKey); duplicate++) mapKey = `${baseKey}#${duplicate}`;
        seen.add(mapKey);
        keys.push(mapKey);
        const previous = this.openFacts.get(mapKey);
        const lastRow = lastRows.get(mapKey);
        lastRows.set(mapKey, row);
        // The row the open fact was last synced from, or one storing the same (a flow whose rates moved): nothing to encode.
        if (previous !== undefined && lastRow !== undefined && (lastRow === row || sameStoredFields(spec, lastRow, row))) continue;
        const content = factContent(spec, row);
        if (previous === content) continue;
        const key = mapKey.slice(kind.length + 1);
        if (previous !== undefined) closed.push([kind, key]);
        const { link, group, source } = factColumns(kind, row);
        opened.push([this.captureId, kind, key, time, link, group, source, content]);
        this.openFacts.set(mapKey, content);
      }
      // The kind's facts open before this sync: its last list's keys (after a checkpoint's restore, every open fact of the kind).
      const before = last?.keys ?? [...this.openFacts.keys()].filter((mapKey) => mapKey.startsWith(`${kind}\n`));
      for (const mapKey of before) {
        if (seen.has(mapKey)) continue;
        closed.push([kind, mapKey.slice(kind.length + 1)]);
        this.openFacts.delete(mapKey);
        lastRows.delete(mapKey);
      }
    }
    // Every fact closed here was opened by an earlier sync: closing them all first is safe.
    if (closed.length > 0) this.add('facts', { close: { end: time, facts: closed } });
    for (const row of opened) this.add('facts', { open: row });
    this.counts.facts += opened.length;
  }

  /** Findings opened, closed or refreshed (FindingsTracker.takeChanged): each is written over its stored row, or added. */
  syncFindings(findings: readonly NumberedFinding[]): void {
    for (const { serial, finding } of findings) {
      this.pending.findings.set(serial, finding);
      this.pendingRows++;
    }
  }

  /**
   * Takes up a capture whose state a checkpoint restores into this writer (pipeline/checkpoint.ts
   * lays it over a writer made for the same store): `adopt` before the restore, `resumeCapture` after it.
   */
  adopt(captureId: number): void {
    this.id = captureId;
  }

  /** After a checkpoint's state was restored: nothing is being written in this process yet; the capture runs again, claimed by this writer. */
  async resumeCapture(): Promise<void> {
    this.writing = null;
    this.writesInFlight = 0;
    this.failure = null;
    this.lastFlushAt = performance.now();
    await this.claim();
  }

  /**
   * Makes this writer the capture's only one: it stamps the capture with a token of its own, and
   * from then on every write first checks the stamp, failing with a TakenOverError (writing nothing)
   * once a later writer — a collector started again under the same name while this one still
   * runs — has stamped it instead.
   */
  async claim(): Promise<void> {
    const token = randomUUID();
    await this.db.run("UPDATE captures SET writer_token = ?, status = 'running' WHERE id = ?", [token, this.captureId]);
    this.token = token;
  }

  /**
   * Writes everything pending with the checkpoint `take` makes, in one transaction. `take` runs
   * once the pending rows are handed over, so the state it checkpoints holds none of them.
   */
  async commitCheckpoint(take: () => CheckpointRow): Promise<void> {
    this.startFlush(take);
    await this.writing;
    if (this.failure) throw this.failure;
  }

  /** Rows waiting for the next write. */
  get pendingRowCount(): number {
    return this.pendingRows;
  }

  /** Marks the capture stopped and writes nothing more: what its checkpoint holds is where a resumed run goes on from. */
  async suspend(): Promise<CaptureRecord> {
    while (this.writing) await this.writing;
    if (this.failure) throw this.failure;
    await this.db.transaction(async () => {
      await this.checkClaim();
      await this.db.run("UPDATE captures SET status = 'stopped' WHERE id = ?", [this.captureId]);
    });
    return (await readCapture(this.db, this.captureId))!;
  }

  /** Writes everything pending (the current second's counters stay until the capture moves on). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pendingRows > 0) {
      this.startFlush();
      await this.writing;
    }
    if (this.failure) throw this.failure;
  }

  /** Waits for the database when more than `maxInFlight` batches are still being written. */
  async backpressure(maxInFlight: number): Promise<void> {
    if (this.writesInFlight > maxInFlight) await this.writing;
    if (this.failure) throw this.failure;
  }

  /** Writes the last counters and everything pending, and marks the capture complete (or stopped). */
  async finish(status: 'complete' | 'stopped' = 'complete'): Promise<CaptureRecord> {
    this.advanceSecond(Infinity);
    this.pending.finalStatus = status;
    this.startFlush();
    await this.flush();
    await this.release();
    return (await readCapture(this.db, this.captureId))!;
  }

  /** Waits for the writes in flight, writing nothing more: a run that stops on an error, before its store closes. */
  async release(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Deletes the capture and everything written for it (an analysis that could not run). */
  async discard(): Promise<void> {
    this.pending = emptyBatch();
    this.pendingRows = 0;
    await this.release();
    if (this.id !== null) await this.db.run('DELETE FROM captures WHERE id = ?', [this.id]);
  }

  private add(table: 'messages' | 'changes' | 'counters' | 'linkCounters' | 'mediaSeconds', row: SqlValue[]): void;
  private add(table: 'facts', row: FactOperation): void;
  private add(table: keyof Batch, row: SqlValue[] | FactOperation): void {
    (this.pending[table] as unknown[]).push(row);
    if (++this.pendingRows >= this.options.flushRows) this.startFlush();
  }

  private countData(time: number, link: string, source: string, group: string, bytes: number, packets = 1): void {
    let count = this.flows.get(link, source, group);
    if (!count) {
      count = { ...counted(), link, source, group };
      this.flows.set(link, source, group, count);
    }
    const tally = this.tallyOf(count, time);
    tally.a += packets;
    tally.b += bytes;
  }

  /** The open second a frame at `time` counts in (`advanceSecond(time)` has run). */
  private tallyOf(count: Counted, time: number): Tally {
    return Math.floor(time) >= this.second ? count.current : count.previous;
  }

  /** Moves the counters on to the second of `time`, writing the seconds that are now final. */
  private advanceSecond(time: number, spans = true): void {
    if (spans && Number.isFinite(time)) {
      if (this.startTime === null || time < this.startTime) this.startTime = time;
      if (this.endTime === null || time > this.endTime) this.endTime = time;
    }
    const second = Math.floor(time);
    if (second <= this.second) return;
    const captureId = this.captureId;
    const flowRow = (count: FlowCount, at: number, tally: Tally) =>
      this.add('counters', [captureId, at, count.link, count.source, count.group, tally.a, tally.b, count.total.a, count.total.b]);
    const linkRow = (count: LinkCount, link: string) => (at: number, tally: Tally) =>
      this.add('linkCounters', [captureId, at, link, tally.a, tally.b, count.total.a, count.total.b]);
    for (const count of this.flows.values()) this.rollOver(count, second, (at, tally) => flowRow(count, at, tally));
    for (const [link, count] of this.links) this.rollOver(count, second, linkRow(count, link));
    this.second = second;
  }

  /** Writes the previous second (and the current one too when `second` skips past it), then shifts. */
  private rollOver(count: Counted, second: number, write: (at: number, tally: Tally) => void): void {
    const { current, previous, total } = count;
    const final = second === this.second + 1 ? [previous] : [previous, current];
    final.forEach((tally, i) => {
      if (tally.a === 0) return;
      total.a += tally.a;
      total.b += tally.b;
      write(this.second - 1 + i, tally);
    });
    if (final.length === 1) {
      count.previous = current;
      count.current = previous;
    }
    previous.a = previous.b = 0;
    if (final.length === 2) current.a = current.b = 0;
  }

  /** Hands the pending rows to a background transaction (chained after the one running, if any). */
  private startFlush(checkpoint: (() => CheckpointRow) | null = null): void {
    const batch = this.pending;
    this.pending = emptyBatch();
    this.pendingRows = 0;
    batch.checkpoint = checkpoint?.() ?? null;
    this.lastFlushAt = performance.now();
    const totals = this.captureTotals();
    const previous = this.writing ?? Promise.resolve();
    this.writesInFlight++;
    const writing: Promise<void> = previous
      .then(() => this.write(batch, totals))
      .catch((error: unknown) => {
        this.failure ??= error as Error;
      })
      .then(() => {
        this.writesInFlight--;
        if (this.writing === writing) this.writing = null;
      });
    this.writing = writing;
  }

  /** The capture's totals over the final seconds, so that they match the counter rows written with them. */
  private captureTotals() {
    let frames = 0;
    let decodeErrors = 0;
    const links: [string, { firstSeen: number; lastSeen: number; frames: number; decodeErrors: number }][] = [];
    for (const [link, count] of this.links) {
      frames += count.total.a;
      decodeErrors += count.total.b;
      links.push([link, { firstSeen: count.firstSeen, lastSeen: count.lastSeen, frames: count.total.a, decodeErrors: count.total.b }]);
    }
    return { frames, decodeErrors, links };
  }

  /**
   * One transaction: the claim checked, then every row of the batch in one round trip
   * (SqlDatabase.runAll; each statement a round trip of its own waited for the busy main thread),
   * and the checkpoint, a large blob, bound on its own.
   */
  private async write(batch: Batch, totals: ReturnType<CaptureWriter['captureTotals']>): Promise<void> {
    const captureId = this.captureId;
    const statements = [
      ...insertStatements('messages', MESSAGE_COLUMNS, batch.messages),
      ...insertStatements('changes', CHANGE_COLUMNS, batch.changes),
      ...insertStatements('counters', COUNTER_COLUMNS, batch.counters),
      ...insertStatements('link_counters', LINK_COUNTER_COLUMNS, batch.linkCounters),
      ...insertStatements('media_seconds', MEDIA_SECOND_COLUMNS, batch.mediaSeconds),
      ...this.factStatements(batch.facts),
      ...insertStatements('findings', FINDING_COLUMNS, [...batch.findings].map(([serial, finding]) => [
        captureId, serial, finding.kind, finding.severity, finding.at, finding.until, finding.link, finding.group, finding.source, finding.router,
        JSON.stringify(finding.detail), finding.explanation, finding.rule,
      ]), FINDING_UPSERT),
      ...totals.links.map(([link, count]): SqlStatement => ({
        sql: `INSERT INTO links (capture_id, name, first_seen, last_seen, frames, decode_errors) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (capture_id, name) DO UPDATE SET last_seen = excluded.last_seen, frames = excluded.frames, decode_errors = excluded.decode_errors`,
        params: [captureId, link, count.firstSeen, count.lastSeen, count.frames, count.decodeErrors],
      })),
      {
        sql: 'UPDATE captures SET start_time = ?, end_time = ?, frames = ?, decode_errors = ?, links = ? WHERE id = ?',
        params: [this.startTime, this.endTime, totals.frames, totals.decodeErrors, JSON.stringify(totals.links.map(([link]) => link).sort()), captureId],
      },
    ];
    if (batch.finalStatus !== null) {
      statements.push({ sql: 'UPDATE captures SET status = ? WHERE id = ?', params: [batch.finalStatus, captureId] });
      statements.push({ sql: 'DELETE FROM checkpoints WHERE capture_id = ?', params: [captureId] });
    }
    await this.db.transaction(async () => {
      await this.checkClaim();
      await this.db.runAll(statements);
      const { checkpoint } = batch;
      if (checkpoint !== null) {
        await this.db.run(
          `INSERT INTO checkpoints (capture_id, stream_position, packet_time, taken_at, format, state) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (capture_id) DO UPDATE SET stream_position = excluded.stream_position, packet_time = excluded.packet_time,
             taken_at = excluded.taken_at, format = excluded.format, state = excluded.state`,
          [captureId, checkpoint.position, checkpoint.packetTime, Date.now() / 1000, checkpoint.format, checkpoint.state]);
      }
    });
  }

  private async checkClaim(): Promise<void> {
    if (this.token === null) return;
    const row = await this.db.get<{ writer_token: string | null }>('SELECT writer_token FROM captures WHERE id = ?', [this.captureId]);
    if (row?.writer_token !== this.token) throw new TakenOverError(`capture ${this.captureId} was taken over by another writer (a collector started again under the same name): this one writes no more`);
  }

  /** The facts opened and closed, in their order (a fact may open, close and open again in one batch). */
  private factStatements(operations: readonly FactOperation[]): SqlStatement[] {
    const statements: SqlStatement[] = [];
    let opened: SqlValue[][] = [];
    for (const operation of operations) {
      if ('open' in operation) {
        opened.push(operation.open);
        continue;
      }
      statements.push(...insertStatements('facts', FACT_COLUMNS, opened));
      opened = [];
      const { end, facts } = operation.close;
      // One kind per UPDATE: `kind = ? AND key IN (...)` seeks the open facts' index (facts_open) on
      // all its columns, where a (kind, key) pair list made SQLite walk every fact of the capture.
      const keysByKind = new Map<FactKind, string[]>();
      for (const [kind, key] of facts) {
        const keys = keysByKind.get(kind);
        if (keys === undefined) keysByKind.set(kind, [key]);
        else keys.push(key);
      }
      for (const [kind, keys] of keysByKind) {
        for (let start = 0; start < keys.length; start += CLOSES_PER_UPDATE) {
          const chunk = keys.slice(start, start + CLOSES_PER_UPDATE);
          statements.push({
            sql: `UPDATE facts SET end_time = ? WHERE capture_id = ? AND kind = ? AND key IN (${chunk.map(() => '?').join(', ')}) AND end_time IS NULL`,
            params: [end, this.captureId, kind, ...chunk],
          });
        }
      }
    }
    statements.push(...insertStatements('facts', FACT_COLUMNS, opened));
    return statements;
  }
}

/**
 * Whether two rows of a fact store the same content: every field but the volatile ones equal, as
 * numbers, text, null or arrays of those. Anything nested is not looked into (false: encode it).
 */
function sameStoredFields(spec: FactSpec, before: Record<string, unknown>, row: Record<string, unknown>): boolean {
  let fields = 0;
  for (const field in row) {
    fields++;
    if (Object.hasOwn(spec.volatile, field)) continue;
    const a = before[field];
    const b = row[field];
    if (a === b && (typeof a !== 'object' || a === null)) continue;
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] || (typeof a[i] === 'object' && a[i] !== null)) return false;
  }
  for (const _field in before) fields--;
  return fields === 0;
}
