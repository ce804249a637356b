/**
 * The store as a run's sink: every frame's counters and messages, every change, and the facts —
 * the state diffed against what is stored (store/capture-writer.ts) on the snapshots the findings
 * engine (capture/findings/) looks at: at most once a second of packet time, the first moment of a
 * later second after a change. Besides, once more FOLLOW_UP seconds after the latest change (what
 * the model derives from packets, not changes, has settled) and at least every MAX_SYNC_GAP seconds,
 * when time is about to move into a later second than the last sync. The facts take the analyzer's
 * time then: the last frame's, or the second a silence was stepped through (pipeline/run.ts). The
 * findings are stored, when one opened or closed, at most every FINDINGS_SYNC seconds of packet
 * time, and at the end.
 */
import type { FrameResult, Packet } from '../../capture/decode.js';
import type { SecondCounts } from '../probe/records.js';
import { FindingsEngine } from '../../capture/findings/engine.js';
import type { FindingListener } from '../../capture/findings/tracker.js';
import type { LinkActivity, NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import type { CaptureWriter, WriterOptions } from '../../store/capture-writer.js';
import type { SqlStore } from '../../store/sql-store.js';
import type { CaptureRecord } from '../../store/store-api.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { RunEnd, Sink } from '../run.js';

/** Batches the writer may have in flight before the source waits for the database. */
const MAX_WRITES_IN_FLIGHT = 2;
/** Seconds of packet time between two writes of the findings (a live dashboard sees them this late at most). */
const FINDINGS_SYNC = 5;
/**
 * Seconds after a change when the facts are synced once more, change or not: state the model
 * derives from packets rather than from changes (a forwarding edge once its forwarder is more than
 * a leak, rates) has settled by then.
 */
const FOLLOW_UP = 5;
/** Longest stretch of packet time without a sync while packets come (slow flows' edges, quiet links). */
const MAX_SYNC_GAP = 60;

export class StoreSink implements Sink {
  private changedSinceSync = false;
  private lastSync = -Infinity;
  /** When the follow-up sync after the latest change is due; null: none pending. */
  private followUpAt: number | null = null;
  private lastFindingsSync = -Infinity;
  private storedRevision = 0;
  readonly findings: FindingsEngine;
  /** The capture record as `finish` left it. */
  record: CaptureRecord | null = null;

  private constructor(readonly writer: CaptureWriter, onFinding: FindingListener | null) {
    this.findings = new FindingsEngine(onFinding);
  }

  /**
   * Starts a capture in the store: `source` names it (file base names, an upload's name,
   * `live:...`); an earlier capture with the same fingerprint (the same inputs) is replaced.
   * `onFinding`: told of each finding as it opens or closes (the live push), with the capture's id.
   */
  static async begin(store: SqlStore, capture: { source: string; fingerprint: string }, onFinding?: (captureId: number) => FindingListener,
    writerOptions: Partial<WriterOptions> = {}): Promise<StoreSink> {
    const writer = store.writer(writerOptions);
    await writer.begin(capture.source, capture.fingerprint);
    return new StoreSink(writer, onFinding?.(writer.captureId) ?? null);
  }

  /**
   * A sink for a capture already in the store, to restore a checkpoint's state into
   * (pipeline/checkpoint.ts); then `writer.resumeCapture()`.
   */
  static forCheckpoint(store: SqlStore, captureId: number, onFinding?: (captureId: number) => FindingListener, writerOptions: Partial<WriterOptions> = {}): StoreSink {
    const writer = store.writer(writerOptions);
    writer.adopt(captureId);
    return new StoreSink(writer, onFinding?.(captureId) ?? null);
  }

  get captureId(): number {
    return this.writer.captureId;
  }

  beforeTime(time: number, analyzer: NetworkAnalyzer): void {
    analyzer.flows.onMediaSecond ??= (link, source, group, second) => this.writer.onMediaSecond(link, source, group, second);
    const now = analyzer.time;
    if (!Number.isFinite(now)) return;
    // One snapshot for both: the findings' look after a change is the store's sync.
    const looked = this.findings.evaluate(analyzer);
    const settling = (this.followUpAt !== null && now >= this.followUpAt) || now - this.lastSync >= MAX_SYNC_GAP;
    if (looked !== null ? this.changedSinceSync || settling : settling && Math.floor(time) > Math.floor(this.lastSync)) this.sync(analyzer, now, looked);
    if (this.findings.revision !== this.storedRevision && now - this.lastFindingsSync >= FINDINGS_SYNC) this.syncFindings(now);
  }

  decoded(result: FrameResult): void {
    this.writer.onFrame(result);
    if (result.ok) this.findings.onPacket(result.packet);
  }

  received(packet: Packet): void {
    // A probe's data packets are its fingerprint sample: the store counts data from its counts.
    if (packet.message.kind !== 'data.ipv4' && packet.message.kind !== 'data.ipv6') this.writer.onPacket(packet);
    this.findings.onPacket(packet);
  }

  counted(link: string, counts: readonly SecondCounts[], seen: LinkActivity | null): void {
    this.writer.onCounts(link, counts, seen);
  }

  change(entry: TimelineEntry): void {
    this.changedSinceSync = true;
    this.followUpAt = entry.time + FOLLOW_UP;
    this.writer.onChange(entry);
    this.findings.onChange(entry);
  }

  drain(): Promise<void> {
    return this.writer.backpressure(MAX_WRITES_IN_FLIGHT);
  }

  /** Syncs what is left and closes the capture record. */
  async finish(end: RunEnd, analyzer: NetworkAnalyzer): Promise<void> {
    const now = analyzer.time;
    const synced = this.changedSinceSync && now >= this.lastSync ? this.sync(analyzer, now) : undefined;
    this.findings.evaluate(analyzer, true, synced);
    this.syncFindings(now);
    this.record = await this.writer.finish(end);
  }

  /** Deletes the capture (a run that could not read anything, or never started capturing). */
  discard(): Promise<void> {
    return this.writer.discard();
  }

  private syncFindings(at: number): void {
    this.writer.syncFindings(this.findings.takeChanged());
    this.storedRevision = this.findings.revision;
    this.lastFindingsSync = at;
  }

  private sync(analyzer: NetworkAnalyzer, at: number, taken: NetworkSnapshot | null = null): NetworkSnapshot {
    const snapshot = taken?.at === at ? taken : analyzer.snapshot(at);
    this.writer.syncFacts(snapshot);
    this.lastSync = at;
    if (!this.changedSinceSync && this.followUpAt !== null && at >= this.followUpAt) this.followUpAt = null;
    this.changedSinceSync = false;
    return snapshot;
  }
}
