/** The REST API's replies beyond the snapshot and the store's records (server/routes). */
import { Type, type Static, type TSchema } from 'typebox';
import { Address, Count, Family, Group, NullableAddress, NullableText, Shape, Text, Time } from './common.js';
import { CaptureRecord, CounterPoint, QualityPoint } from './records.js';
import { Anomaly, Tree, TreeKind } from './trees.js';
import { AssertState, FilterMode, FlowState, JoinState, MembershipState } from './snapshot.js';

/** `{ at, items }`: one list of the state at T. */
export function AtList<T extends TSchema>(item: T) {
  return Shape({ at: Time, items: Type.Array(item) });
}

export const GroupSummary = Shape({
  group: Group,
  family: Family,
  /** Links with members, and how many reporters each has (0: members known, reporters not). */
  links: Type.Array(Shape({ link: Text, members: Count, mode: FilterMode })),
  flows: Count,
  sources: Type.Array(Address),
  treeKinds: Type.Array(TreeKind),
});

export const GroupDetail = Shape({
  at: Time,
  group: Group,
  rp: NullableAddress,
  memberships: Type.Array(MembershipState),
  flows: Type.Array(FlowState),
  joins: Type.Array(JoinState),
  asserts: Type.Array(AssertState),
  trees: Type.Array(Tree),
  anomalies: Type.Array(Anomaly),
});

export const MemberPoint = Shape({ time: Time, link: Text, members: Count });

export const MemberSeries = Shape({ group: Group, from: Time, to: Time, items: Type.Array(MemberPoint) });

export const FlowSeries = Shape({ source: Address, group: Group, link: NullableText, from: Time, to: Time, items: Type.Array(CounterPoint) });

/** An RTP / MPEG-TS flow's delivery, second by second and link by link: RFC 4445 DF:MLR, loss, jitter. */
export const FlowQuality = Shape({ source: Address, group: Group, link: NullableText, from: Time, to: Time, items: Type.Array(QualityPoint) });

/** An uploaded capture as stored, and what the reader had to skip or stop at (a truncated file says where). */
export const UploadResult = Shape({ ...CaptureRecord.properties, problems: Type.Array(Text) });

export const ErrorReply = Shape({ statusCode: Type.Integer(), error: Text, message: Text });

export type GroupSummary = Static<typeof GroupSummary>;
export type GroupDetail = Static<typeof GroupDetail>;
export type MemberPoint = Static<typeof MemberPoint>;
export type MemberSeries = Static<typeof MemberSeries>;
export type FlowSeries = Static<typeof FlowSeries>;
export type FlowQuality = Static<typeof FlowQuality>;
export type ErrorReply = Static<typeof ErrorReply>;
export interface AtList<T> {
  at: number;
  items: T[];
}
export type UploadResult = Static<typeof UploadResult>;
