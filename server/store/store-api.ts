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
import type { AssertState, FlowState, JoinState, MembershipState, NetworkSnapshot } from '../../capture/model/snapshot.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import type { BsrSnapshot, RegisterSnapshot, RpSnapshot } from '../../capture/model/pim/index.js';
import type { Anomaly } from '../../capture/model/trees.js';

export type FactKind = 'router' | 'link' | 'membership' | 'join' | 'assert' | 'flow' | 'tree' | 'rp' | 'anomaly' | 'bsr' | 'register';

/** `T` with its timer fields `K` not stored: always null in a snapshot rebuilt from the store. */
export type Untimed<T, K extends keyof T> = Omit<T, K> & { [P in K]: null };

/** A mac-mismatch anomaly's packet count is a counter: not stored. */
export type StoredAnomaly = Exclude<Anomaly, { kind: 'mac-mismatch' }> | Untimed<Extract<Anomaly, { kind: 'mac-mismatch' }>, 'packets'>;

/**
 * The network at T as the store rebuilds it: a NetworkSnapshot whose timer fields (and the flows'
 * loss counters) are null. Flow packets/bytes/pps/bps and link frames/decodeErrors come from the
 * per-second counters, so they count whole seconds: every packet of the second T falls in.
 */
export interface StoredSnapshot extends Omit<NetworkSnapshot, 'memberships' | 'joins' | 'asserts' | 'flows' | 'rps' | 'bsrs' | 'registers' | 'anomalies'> {
  memberships: Untimed<MembershipState, 'expiresAt'>[];
  joins: Untimed<JoinState, 'expiresAt'>[];
  asserts: Untimed<AssertState, 'expiresAt'>[];
  flows: Untimed<FlowState, 'sequenceGaps' | 'lostPackets'>[];
  rps: Untimed<RpSnapshot, 'since' | 'expiresAt'>[];
  bsrs: Untimed<BsrSnapshot, 'since' | 'expiresAt'>[];
  registers: Untimed<RegisterSnapshot, 'since' | 'lastRegisterAt' | 'lastNullRegisterAt' | 'registerStopAt' | 'suppressedUntil' | 'observedSuppressionTime'>[];
  anomalies: StoredAnomaly[];
}

export interface CaptureRecord {
  id: number;
  /** Files analyzed (base names), or `live:<iface>,...` for a live capture. */
  source: string;
  /** Content hash of the inputs: re-analyzing the same files replaces the earlier capture. */
  fingerprint: string;
  startTime: number | null;
  endTime: number | null;
  frames: number;
  decodeErrors: number;
  links: string[];
  status: 'running' | 'complete' | 'stopped';
  analyzedAt: number;
}

/** A timeline entry as stored (see capture/model/timeline.ts for the kinds per area). */
export interface ChangeRecord {
  id: number;
  captureId: number;
  time: number;
  area: TimelineEntry['area'];
  kind: string;
  link: string | null;
  group: string | null;
  source: string | null;
  detail: unknown;
}

export interface MessageRecord {
  id: number;
  captureId: number;
  time: number;
  frame: number;
  link: string;
  kind: string;
  src: string | null;
  dst: string | null;
  /** The group(s) the message is about, comma-separated, or null. */
  groups: string | null;
  /** One-line human summary: "IS_EX 239.1.1.1 {}", "Join (*,239.1.1.1) RP 10.0.0.2 → 10.0.12.2". */
  summary: string;
}

export interface CounterPoint {
  /** Whole second, epoch. */
  time: number;
  packets: number;
  bytes: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

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
  limit: number;
  offset: number;
}

export interface StoreReader {
  captures(): Promise<CaptureRecord[]>;
  capture(id: number): Promise<CaptureRecord | null>;
  /** First and last packet time over all captures (or one). */
  timeRange(captureId?: number): Promise<{ start: number; end: number } | null>;
  /**
   * The network at T, rebuilt from stored facts (timer fields null, counters from the per-second
   * counters). Without captureId: the latest capture whose time span contains T (else the latest).
   */
  stateAt(time: number, captureId?: number): Promise<StoredSnapshot>;
  changes(filter: ChangeFilter): Promise<Page<ChangeRecord>>;
  messages(filter: MessageFilter): Promise<Page<MessageRecord>>;
  /** Per-second counters of one flow on one link (or summed over links when link is omitted). */
  flowSeries(query: { source: string; group: string; link?: string; from: number; to: number; captureId?: number }): Promise<CounterPoint[]>;
  /** Members (reporters) per link of a group over time, one point per change. */
  memberSeries(query: { group: string; from: number; to: number; captureId?: number }): Promise<{ time: number; link: string; members: number }[]>;
}
