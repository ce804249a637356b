/**
 * What the SQLite store offers the server (REST routes, socket.io, CLI). The store is written by
 * an analysis run (a file, an upload, or a live capture) and read by time: "state at T", "what
 * changed between T1 and T2", "rate of a flow over time". Implemented in sqlite-store.ts.
 *
 * Facts: every row of a snapshot (a membership, a join, an assert, a link's querier/DR, a router,
 * a flow, a tree, an RP, an anomaly) is stored as an interval [start, end) of packet time during
 * which it held with the same content. Volatile fields (timer expiries, counters, rates) are left
 * out of the stored content; rates come from the per-second counters.
 */
import type { NetworkSnapshot } from '../shapes/snapshot.js';
import type { CaptureRecord, ChangeRecord, CounterPoint, MessageRecord, Page, QualityPoint } from '../shapes/records.js';
import type { MemberPoint } from '../shapes/api.js';
import type { FindingRecord, Severity } from '../shapes/findings.js';

export type { CaptureRecord, ChangeRecord, CounterPoint, MessageRecord, Page, QualityPoint } from '../shapes/records.js';
export type { FindingRecord } from '../shapes/findings.js';

export type FactKind = 'router' | 'link' | 'membership' | 'join' | 'assert' | 'flow' | 'tree' | 'rp' | 'anomaly' | 'bsr' | 'register' | 'latency';

/**
 * The network at T as the store rebuilds it: a NetworkSnapshot whose timer fields (and the flows'
 * loss counters, a mac-mismatch anomaly's packet count) are null. Flow packets/bytes/pps/bps and
 * link frames/decodeErrors come from the per-second counters, so they count whole seconds: every
 * packet of the second T falls in.
 */
export type StoredSnapshot = NetworkSnapshot;

export interface MessageFilter {
  captureId?: number;
  link?: string;
  kind?: string;
  group?: string;
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export interface ChangeFilter {
  captureId?: number;
  from?: number;
  to?: number;
  area?: string;
  kind?: string;
  link?: string;
  group?: string;
  /** Leave out changes of link-local groups (224.0.0.0/24, ff02::/16). */
  routable?: boolean;
  limit: number;
  offset: number;
}

export interface FindingFilter {
  captureId?: number;
  /** Findings holding at some time in [from, to]. */
  from?: number;
  to?: number;
  /** The least severe shown: 'warning' gives errors and warnings. */
  severity?: Severity;
  kind?: string;
  link?: string;
  group?: string;
  limit: number;
  offset: number;
}

export interface StoreReader {
  captures(): Promise<CaptureRecord[]>;
  capture(id: number): Promise<CaptureRecord | null>;
  /** First and last packet time over all captures (or one). */
  timeRange(captureId?: number): Promise<{ start: number; end: number } | null>;
  /**
   * Where a finished capture is best opened: the middle of the longest stretch holding the most
   * routable state (group memberships off the link-local ranges, forwarded flows, joins); null
   * with none. `running`: some capture in the store is still being written (live).
   */
  busiestMoment(captureId?: number): Promise<{ at: number | null; running: boolean }>;
  /**
   * The network at T, rebuilt from stored facts (timer fields null, counters from the per-second
   * counters). Without captureId: every capture counting at T, merged as one network seen from
   * several points (merged-state.ts).
   */
  stateAt(time: number, captureId?: number): Promise<StoredSnapshot>;
  changes(filter: ChangeFilter): Promise<Page<ChangeRecord>>;
  messages(filter: MessageFilter): Promise<Page<MessageRecord>>;
  /** What is wrong, errors first, then by when it began (capture/findings/). */
  findings(filter: FindingFilter): Promise<Page<FindingRecord>>;
  /** Per-second counters of one flow on one link (or summed over links when link is omitted). */
  flowSeries(query: { source: string; group: string; link?: string; from: number; to: number; captureId?: number }): Promise<CounterPoint[]>;
  /** Each complete second of an RTP / MPEG-TS flow, per link (one link when given), in time order. */
  mediaSeries(query: { source: string; group: string; link?: string; from: number; to: number; captureId?: number }): Promise<QualityPoint[]>;
  /** Members (reporters) per link of a group over time, one point per change. */
  memberSeries(query: { group: string; from: number; to: number; captureId?: number }): Promise<MemberPoint[]>;
}
