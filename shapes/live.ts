/** What socket.io streams (server/live): changes as they are stored, rates once a second, upload progress. */
import { Type, type Static } from 'typebox';
import { Address, Count, Group, Nullable, Shape, Text, Time } from './common.js';
import { ChangeFields } from './timeline.js';

/** A change as the store keeps it, before (or without) a database id; captureId null outside any capture. */
export const LiveChange = Shape({ captureId: Nullable(Type.Integer()), ...ChangeFields });

export const FlowRate = Shape({ link: Text, source: Address, group: Group, pps: Type.Number(), bps: Type.Number() });
export const LinkRate = Shape({ link: Text, pps: Type.Number(), bps: Type.Number() });

export const CountersMessage = Shape({
  /** Packet time of the second the rates describe. */
  time: Time,
  flows: Type.Array(FlowRate),
  links: Type.Array(LinkRate),
});

export const UploadProgress = Shape({
  /** File name as uploaded. */
  name: Text,
  /** 'receiving' while the body streams in, 'analyzing' while frames are decoded. */
  phase: Type.Enum(['receiving', 'analyzing']),
  bytes: Count,
  total: Nullable(Count),
  frames: Count,
});

export type LiveChange = Static<typeof LiveChange>;
export type FlowRate = Static<typeof FlowRate>;
export type LinkRate = Static<typeof LinkRate>;
export type CountersMessage = Static<typeof CountersMessage>;
export type UploadProgress = Static<typeof UploadProgress>;
