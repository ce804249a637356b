/**
 * Group membership as a querier router on one link holds it (RFC 3376 §6 IGMPv3, RFC 3810 §7 MLDv2,
 * with RFC 2236 IGMPv2 / RFC 2710 MLDv1 hosts and queriers through the compatibility rules of
 * RFC 3376 §7 and RFC 3810 §8).
 *
 * Inputs are observations kept close to the wire: one per IGMP/MLD message seen on the link. Outputs are
 * change records (what a router's state did and when, in packet time) and JSON-friendly snapshots.
 * Every time is absolute packet-time seconds (the Frame's float epoch); no wall clock is ever read.
 */
import type { GroupRecordType } from '../../message-kinds.js';

export type AddressFamily = 4 | 6;
export type MembershipProtocol = 'igmp' | 'mld';
export type FilterMode = 'INCLUDE' | 'EXCLUDE';

/** One group record as sent (RFC 3376 §4.2.4, RFC 3810 §5.2.4). */
export interface ObservedGroupRecord {
  type: GroupRecordType;
  group: string;
  sources: readonly string[];
}

interface Observation {
  /** Packet time, seconds. */
  time: number;
  link: string;
  family: AddressFamily;
  protocol: MembershipProtocol;
}

/** A Membership Report (IGMP v1/v2/v3) or Multicast Listener Report (MLD v1/v2). */
export interface ObservedReport extends Observation {
  /** Message version on the wire: IGMP 1 | 2 | 3, MLD 1 | 2. */
  version: number;
  /** IP source of the report. */
  reporter: string;
  /**
   * IGMPv3 / MLDv2: the group records as sent. IGMPv1/v2 and MLDv1 reports name one group: give it as one
   * record `{ type: 'IS_EX', group, sources: [] }` (RFC 3376 §7.3.2, RFC 3810 §8.3.2); for these older
   * versions only the group of each record is read.
   */
  records: readonly ObservedGroupRecord[];
}

/** An IGMPv2 Leave Group (RFC 2236 §2) or an MLDv1 Done (RFC 2710 §3.7). */
export interface ObservedLeave extends Observation {
  /** IGMP 2, MLD 1. */
  version: number;
  reporter: string;
  group: string;
}

/** A Membership Query (IGMP) or Multicast Listener Query (MLD), any version. */
export interface ObservedQuery extends Observation {
  /** IGMP 1 | 2 | 3 (RFC 3376 §7.1 length rule), MLD 1 | 2 (RFC 3810 §8.1). */
  version: number;
  /** IP source of the query. */
  querier: string;
  /** null for a General Query. */
  group: string | null;
  /** Group-and-Source-Specific Query sources; empty otherwise. */
  sources: readonly string[];
  /** Max Resp Code decoded to seconds (IGMPv1 queries carry 0). */
  maxRespSeconds: number;
  /** The S flag (IGMPv3/MLDv2); false for older versions. */
  suppressRouterSide: boolean;
  /** QRV field (IGMPv3/MLDv2), null for older versions. */
  qrv: number | null;
  /** QQIC decoded to seconds (IGMPv3/MLDv2), null for older versions. */
  qqiSeconds: number | null;
}

/** Router configuration; the RFC defaults apply to whatever is not given. */
export interface ProtocolDefaults {
  /** Robustness Variable (RFC 3376 §8.1, RFC 3810 §9.1). */
  robustness: number;
  /** Query Interval, seconds (RFC 3376 §8.2, RFC 3810 §9.2). */
  queryInterval: number;
  /** Query Response Interval, seconds (RFC 3376 §8.3, RFC 3810 §9.3). */
  queryResponseInterval: number;
  /** Last Member (Listener) Query Interval, seconds (RFC 3376 §8.8, RFC 3810 §9.8). */
  lastMemberQueryInterval: number;
}

/** Resource limits: exceeding one drops the new state and records a `limit-exceeded` change. */
export interface MembershipLimits {
  maxGroups: number;
  /** Counts both lists of a group: the requested sources and, in EXCLUDE mode, the excluded ones. */
  maxSourcesPerGroup: number;
}

export type MembershipOptions = ProtocolDefaults & MembershipLimits;

export type ReporterRemovalReason =
  | 'left'                    // TO_IN({}), IS_IN({}), a BLOCK of all its sources, a v2 Leave / MLDv1 Done
  | 'report-expired'          // no report from it for a Group Membership Interval
  | 'group-removed'
  | 'sources-expired'         // every source it asked for timed out
  | 'filter-mode-expired';    // EXCLUDE reporter, group timer expired (RFC 3376 §6.5)

export type GroupRemovalReason =
  | 'group-timer-expired'     // EXCLUDE with no running source timer (RFC 3376 §6.5)
  | 'source-timers-expired';  // INCLUDE and the last source timer expired (RFC 3376 §6.3)

/** What each change kind carries. */
export interface MembershipChangeDetails {
  'group-added': { mode: FilterMode; reporter: string; compatibilityVersion: number };
  'group-removed': { reason: GroupRemovalReason };
  'mode-changed': { from: FilterMode; to: FilterMode };
  /** Requested sources (INCLUDE list A / EXCLUDE list X) and excluded sources (EXCLUDE list Y). */
  'sources-changed': { added: string[]; removed: string[]; excludedAdded: string[]; excludedRemoved: string[] };
  'reporter-added': { reporter: string };
  'reporter-removed': { reporter: string; reason: ReporterRemovalReason };
  'querier-changed': {
    from: string | null;
    to: string | null;
    reason: 'first-query' | 'lower-address' | 'other-querier-present-expired';
  };
  /** scope 'link': the querier's version (RFC 3376 §7.3.1); scope 'group': Host Compatibility Mode (§7.3.2). */
  'version-changed': { scope: 'link' | 'group'; from: number; to: number };
  'limit-exceeded': { limit: 'maxGroups' | 'maxSourcesPerGroup'; max: number; dropped: string[] };
  /** The first request of a reporter for an SSM group that RFC 4604 routers ignore (see IgnoredSsmRequest). */
  'ssm-request-ignored': { reporter: string; version: number; recordType: GroupRecordType };
}

export type MembershipChangeKind = keyof MembershipChangeDetails;

export type MembershipChange = {
  [K in MembershipChangeKind]: {
    time: number;
    link: string;
    family: AddressFamily;
    kind: K;
    /** The group concerned; null for link-wide changes (querier, link version). */
    group: string | null;
    /** Membership changes name sources in their detail (a change may concern several): always null here. */
    source: null;
    detail: MembershipChangeDetails[K];
  };
}[MembershipChangeKind];

export interface QuerierSnapshot {
  address: string;
  /** IGMP 1 | 2 | 3, MLD 1 | 2: the version of its latest query. */
  version: number;
  /** When it became the querier. */
  since: number;
  lastQueryAt: number;
  /** When other routers would take over if it stays silent (Other Querier Present Interval). */
  otherQuerierExpiresAt: number;
}

export interface ParametersSnapshot {
  robustness: number;
  queryInterval: number;
  queryResponseInterval: number;
  lastMemberQueryInterval: number;
  lastMemberQueryCount: number;
  lastMemberQueryTime: number;
  groupMembershipInterval: number;
  otherQuerierPresentInterval: number;
  olderVersionHostPresentInterval: number;
  /** Which of the four base values came from a query on the wire (the rest are configured/RFC defaults). */
  fromWire: { robustness: boolean; queryInterval: boolean; queryResponseInterval: boolean; lastMemberQueryInterval: boolean };
}

export interface SourceSnapshot {
  address: string;
  expiresAt: number;
  /** INCLUDE-mode reporters that asked for this source. */
  reporters: string[];
}

export interface ReporterSnapshot {
  address: string;
  lastReportAt: number;
  expiresAt: number;
  /** Message version of its latest report. */
  version: number;
  /** The host's own filter as its reports show it. */
  mode: FilterMode;
  sources: string[];
  /** Its latest record for this group, after the RFC 3376 §7.3.2 / RFC 3810 §8.3.2 translation of older messages. */
  lastRecord: { type: GroupRecordType; sources: string[] };
}

export interface GroupSnapshot {
  group: string;
  mode: FilterMode;
  /** INCLUDE list A, or EXCLUDE requested list X, with their source timers. */
  sources: SourceSnapshot[];
  /** EXCLUDE list Y (source timer zero); empty in INCLUDE mode. */
  excluded: string[];
  /** Group timer; null in INCLUDE mode, where it is not used (RFC 3376 §6.2.1). */
  expiresAt: number | null;
  /** Host Compatibility Mode (RFC 3376 §7.3.2, RFC 3810 §8.3.2) as a protocol version. */
  compatibilityVersion: number;
  /** Running Older Version Host Present timers. */
  olderVersionHosts: { version: number; expiresAt: number }[];
  reporters: ReporterSnapshot[];
}

export interface LinkMembershipSnapshot {
  time: number;
  link: string;
  family: AddressFamily;
  protocol: MembershipProtocol;
  /** The version the link operates in: the querier's, or the newest when no querier is present. */
  operatingVersion: number;
  querier: QuerierSnapshot | null;
  parameters: ParametersSnapshot;
  groups: GroupSnapshot[];
  /** Requests for SSM groups that RFC 4604 routers ignore, one per group and reporter (the latest). */
  ignoredSsmRequests: IgnoredSsmRequest[];
}

/**
 * RFC 4604 §3.1, §3.5: routers ignore IGMPv1/v2 and MLDv1 reports and EXCLUDE-mode records (IS_EX, TO_EX)
 * for groups in the SSM range; they ask for "any source", which SSM does not serve.
 */
export interface IgnoredSsmRequest {
  group: string;
  reporter: string;
  /** The message version (IGMP 1 | 2 | 3, MLD 1 | 2). */
  version: number;
  /** The record type as sent, or translated for older messages (a v1/v2 report is IS_EX). */
  recordType: GroupRecordType;
  firstSeen: number;
  lastSeen: number;
  count: number;
}
