/**
 * The network at one moment: `mcast analyze --json`, `/api/snapshot`, the store's state at T and
 * the dashboard's overview all carry this shape. Timer fields (`expiresAt`, `since`, ...) are
 * null when a timer never fires, and in a state rebuilt from the store (which keeps timers and
 * loss counters out of its facts: store/facts.ts).
 */
import { Type, type Static } from 'typebox';
import { Address, Addresses, Count, Family, Group, Nullable, NullableAddress, NullableText, NullableTime, Shape, Text, Time } from './common.js';
import { Anomaly, Tree } from './trees.js';

export const RouterInterface = Shape({ link: Text, addresses: Addresses, mac: NullableText });

/** One router as the wire shows it: interfaces joined by OSPF, Hello address lists, MACs, data correlation or the topology file. */
/** What joined a router's interfaces into one router (routers.ts). */
export const RouterEvidence = Type.Union([
  Type.Literal('ospf'), Type.Literal('hello-address-list'), Type.Literal('pim-source-address'),
  Type.Literal('shared-mac'), Type.Literal('data-path'), Type.Literal('topology'),
]);

export const Router = Shape({
  id: Text,
  name: NullableText,
  ospfRouterId: NullableAddress,
  interfaces: Type.Array(RouterInterface),
  /** Each kind of evidence that joined two of its interfaces; empty for a one-interface router. */
  evidence: Type.Array(RouterEvidence),
});

export const LinkState = Shape({
  name: Text,
  querier: NullableAddress,
  igmpVersion: Nullable(Type.Integer()),
  mldQuerier: NullableAddress,
  mldVersion: Nullable(Type.Integer()),
  /** Every router seen sending IGMP / MLD queries on the link (the querier and those that lost the election). */
  igmpRouters: Addresses,
  mldRouters: Addresses,
  dr: NullableAddress,
  pimNeighbors: Addresses,
  frames: Count,
  decodeErrors: Count,
});

export const FilterMode = Type.Enum(['INCLUDE', 'EXCLUDE']);

export const MembershipState = Shape({
  link: Text,
  group: Group,
  family: Family,
  mode: FilterMode,
  /** INCLUDE list A, or the EXCLUDE mode's requested list X (RFC 3376 §6.2.1). */
  sources: Addresses,
  /** The EXCLUDE mode's list Y. */
  excluded: Addresses,
  reporters: Addresses,
  /** Host Compatibility Mode as a protocol version (RFC 3376 §7.3.2, RFC 3810 §8.3.2). */
  version: Type.Integer(),
  expiresAt: NullableTime,
});

export const JoinType = Type.Enum(['*,G', 'S,G', 'S,G,rpt']);
export const DownstreamState = Type.Enum(['join', 'prune-pending', 'pruned']);

/** A downstream Join/Prune row as its upstream router holds it (RFC 7761 §4.5). */
export const JoinState = Shape({
  link: Text,
  from: Address,
  upstream: Address,
  type: JoinType,
  source: NullableAddress,
  group: Group,
  /** (*,G): the RP named in the entry. */
  rp: NullableAddress,
  state: DownstreamState,
  expiresAt: NullableTime,
});

export const AssertState = Shape({
  link: Text,
  source: NullableAddress,
  group: Group,
  winner: Address,
  rpt: Type.Boolean(),
  metricPreference: Type.Integer(),
  metric: Type.Integer(),
  expiresAt: NullableTime,
});

export const PayloadFormat = Type.Enum(['rtp', 'mpeg-ts']);

/** One complete second of a flow's delivery on a link (capture/model/stream-quality.ts). */
export const QualitySecond = Shape({
  second: Type.Integer(),
  packets: Count,
  bytes: Count,
  /** RFC 4445 Delay Factor, ms: the buffer that absorbs the delivery's jitter at the media rate; null without a previous second's rate. */
  delayFactorMs: Nullable(Type.Number()),
  /** RFC 4445 Media Loss Rate: media packets (TS packets, else RTP packets) lost in the second. */
  mediaLossRate: Count,
});

export const StreamQuality = Shape({
  payloadFormat: Nullable(PayloadFormat),
  sequenceGaps: Count,
  lostPackets: Count,
  reordered: Count,
  duplicates: Count,
  /** RTP interarrival jitter (RFC 3550 §6.4.1), ms; null without RTP of a static payload type's clock. */
  jitterMs: Nullable(Type.Number()),
  /** MPEG-TS continuity-counter errors per PID. */
  continuityErrors: Type.Array(Shape({ pid: Type.Integer(), errors: Count })),
  last: Nullable(QualitySecond),
  maxDelayFactorMs: Nullable(Type.Number()),
  maxMediaLossRate: Count,
  /** Most packets in any 100 ms (Wireshark's burst interval). */
  maxBurst: Count,
  /** Largest virtual buffer at the previous second's rate, bytes. */
  maxBufferBytes: Count,
  /** The latest loss episode (gaps less than 10 s apart): its first and latest gap; null before any loss. */
  lossEpisode: Nullable(Shape({ from: Time, to: Time })),
});

export const FlowState = Shape({
  link: Text,
  source: Address,
  group: Group,
  pps: Type.Number(),
  bps: Type.Number(),
  packets: Count,
  bytes: Count,
  /** Who puts it on the link: router interface addresses, else MACs. */
  forwarders: Type.Array(Text),
  duplicated: Type.Boolean(),
  payloadFormat: Nullable(PayloadFormat),
  /** Loss seen in the flow's own numbering (RTP / MPEG-TS); null in a state rebuilt from the store. */
  sequenceGaps: Nullable(Count),
  lostPackets: Nullable(Count),
  /** Delivery quality on the link; null in a state rebuilt from the store. */
  quality: Nullable(StreamQuality),
});

export const RpSource = Type.Enum(['bsr', 'c-rp-adv', 'register', 'join']);

export const RpState = Shape({
  rp: Address,
  groupPrefix: Text,
  learnedFrom: RpSource,
  priority: Nullable(Type.Integer()),
  holdtime: Nullable(Type.Integer()),
  since: NullableTime,
  expiresAt: NullableTime,
});

export const BsrState = Shape({
  address: Address,
  priority: Type.Integer(),
  hashMaskLength: Type.Integer(),
  since: NullableTime,
  expiresAt: NullableTime,
});

/** RFC 7761 §4.4.1 register state at the DR: JOIN, PRUNE, JOIN-PENDING. */
export const RegisterStateName = Type.Enum(['registering', 'suppressed', 'probing']);

export const RegisterState = Shape({
  source: Address,
  group: Group,
  dr: Address,
  rp: Address,
  state: RegisterStateName,
  since: NullableTime,
  lastRegisterAt: NullableTime,
  lastNullRegisterAt: NullableTime,
  registerStopAt: NullableTime,
  suppressedUntil: NullableTime,
  /** The DR's Register_Suppression_Time as the wire shows it (RFC 7761 §4.4.1); null before any. */
  observedSuppressionTime: Nullable(Type.Number()),
});

/** A host's join or leave latency on a link (capture/model/latency.ts): the latest per link, group, host and kind. */
export const LatencyState = Shape({
  link: Text,
  group: Group,
  host: Address,
  kind: Type.Enum(['join', 'leave']),
  /** The report, or the Leave / TO_IN({}). */
  requestedAt: Time,
  /** The group's first (join) or last (leave) data packet on the link. */
  dataAt: Time,
  seconds: Type.Number(),
  /** Join: the data already flowed there. */
  alreadyFlowing: Type.Boolean(),
});

export const NetworkSnapshot = Shape({
  at: Time,
  routers: Type.Array(Router),
  links: Type.Array(LinkState),
  memberships: Type.Array(MembershipState),
  joins: Type.Array(JoinState),
  asserts: Type.Array(AssertState),
  flows: Type.Array(FlowState),
  trees: Type.Array(Tree),
  rps: Type.Array(RpState),
  bsrs: Type.Array(BsrState),
  registers: Type.Array(RegisterState),
  anomalies: Type.Array(Anomaly),
  latencies: Type.Array(LatencyState),
});

export type RouterInterface = Static<typeof RouterInterface>;
export type Router = Static<typeof Router>;
export type RouterEvidence = Static<typeof RouterEvidence>;
export type LinkState = Static<typeof LinkState>;
export type FilterMode = Static<typeof FilterMode>;
export type MembershipState = Static<typeof MembershipState>;
export type JoinType = Static<typeof JoinType>;
export type DownstreamState = Static<typeof DownstreamState>;
export type JoinState = Static<typeof JoinState>;
export type AssertState = Static<typeof AssertState>;
export type PayloadFormat = Static<typeof PayloadFormat>;
export type QualitySecond = Static<typeof QualitySecond>;
export type LatencyState = Static<typeof LatencyState>;
export type StreamQuality = Static<typeof StreamQuality>;
export type FlowState = Static<typeof FlowState>;
export type RpSource = Static<typeof RpSource>;
export type RpState = Static<typeof RpState>;
export type BsrState = Static<typeof BsrState>;
export type RegisterStateName = Static<typeof RegisterStateName>;
export type RegisterState = Static<typeof RegisterState>;
export type NetworkSnapshot = Static<typeof NetworkSnapshot>;
