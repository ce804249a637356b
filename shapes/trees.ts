/**
 * Inferred forwarding trees (capture/model/trees.ts builds them): per (S,G) and (*,G), which
 * router forwards onto which link, from which incoming link, and whether the link carries the
 * data and wants it; and the anomalies found on the way.
 */
import { Type, type Static } from 'typebox';
import { Address, Addresses, Count, Group, Nullable, NullableAddress, NullableText, NullableTime, Shape, Text, Time } from './common.js';

export const TreeEdge = Shape({
  router: Text,
  /** The router's incoming (RPF) link for the tree. */
  in: NullableText,
  out: Text,
  carriesData: Type.Boolean(),
  wanted: Type.Boolean(),
  /** Wanted, but the data arrives at the router with no TTL left to forward: the router holds the edge, nothing flows on it. */
  ttlLimited: Type.Boolean(),
});

/** A router holding state for the tree, with its incoming link: also those with nothing to forward. */
export const TreeNode = Shape({
  router: Text,
  in: NullableText,
  isRp: Type.Boolean(),
  isFirstHop: Type.Boolean(),
});

export const TreeKind = Type.Enum(['SPT', 'RPT', 'SSM']);

/** The last-hop router's switch from the RP tree to this SPT, timed on its two incoming links (capture/model/switchover.ts). */
export const SwitchoverTiming = Shape({
  router: Text,
  sptLink: Text,
  rptLink: Text,
  /** Its (S,G) Join. */
  joinedAt: Time,
  firstSptPacketAt: NullableTime,
  lastRptPacketAt: NullableTime,
  /** Last RP-tree packet minus first SPT packet: > 0 both trees delivered (overlap), < 0 a gap; null until both are seen. */
  seconds: Nullable(Type.Number()),
});

export const Tree = Shape({
  /** The source, or '*' for the (*,G) tree. */
  source: Text,
  group: Group,
  rp: NullableAddress,
  kind: TreeKind,
  switchoverAt: NullableTime,
  switchover: Nullable(SwitchoverTiming),
  edges: Type.Array(TreeEdge),
  nodes: Type.Array(TreeNode),
});

export const Anomaly = Type.Union([
  Shape({ kind: Type.Literal('unwanted-data'), link: Text, source: Address, group: Group, router: Text }),
  Shape({ kind: Type.Literal('members-without-data'), link: Text, group: Group, source: NullableAddress }),
  Shape({ kind: Type.Literal('duplicate-forwarding'), link: Text, source: Address, group: Group, forwarders: Addresses }),
  /** `packets` is a counter: null in a state rebuilt from the store. */
  Shape({ kind: Type.Literal('mac-mismatch'), link: Text, source: Address, group: Group, packets: Type.Union([Count, Type.Null()]) }),
]);

export type TreeEdge = Static<typeof TreeEdge>;
export type SwitchoverTiming = Static<typeof SwitchoverTiming>;
export type TreeNode = Static<typeof TreeNode>;
export type TreeKind = Static<typeof TreeKind>;
export type Tree = Static<typeof Tree>;
export type Anomaly = Static<typeof Anomaly>;
