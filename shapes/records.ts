/** What the store keeps and returns (store/store-api.ts): captures, changes, messages, counters. */
import { Type, type Static, type TSchema } from 'typebox';
import { Count, Nullable, NullableAddress, NullableText, NullableTime, Shape, Text, Time } from './common.js';
import { ChangeFields } from './timeline.js';

export const CaptureStatus = Type.Enum(['running', 'complete', 'stopped']);

export const CaptureRecord = Shape({
  id: Type.Integer({ minimum: 1 }),
  /** Files analyzed (base names), or `live:<iface>,...` for a live capture. */
  source: Text,
  /** Content hash of the inputs: re-analyzing the same files replaces the earlier capture. */
  fingerprint: Text,
  startTime: NullableTime,
  endTime: NullableTime,
  frames: Count,
  decodeErrors: Count,
  links: Type.Array(Text),
  status: CaptureStatus,
  /** Wall-clock time of the analysis. */
  analyzedAt: Time,
});

export const ChangeRecord = Shape({ id: Type.Integer(), captureId: Type.Integer(), ...ChangeFields });

export const MessageRecord = Shape({
  id: Type.Integer(),
  captureId: Type.Integer(),
  time: Time,
  frame: Type.Integer(),
  link: Text,
  kind: Text,
  src: NullableAddress,
  dst: NullableAddress,
  /** The group(s) the message is about, comma-separated. */
  groups: NullableText,
  /** One line: "IS_EX 239.1.1.1 {}", "Join (*,239.1.1.1) RP 10.0.0.2 → 10.0.12.2". */
  summary: Text,
});

export const CounterPoint = Shape({
  /** Whole second, epoch. */
  time: Time,
  packets: Count,
  bytes: Count,
});

/** One complete second of an RTP / MPEG-TS flow on one link (capture/model/stream-quality.ts). */
export const QualityPoint = Shape({
  /** Whole second, epoch. */
  time: Time,
  link: Text,
  /** How the flow is numbered: RTP sequence numbers, or MPEG-TS continuity counters (TS in RTP is rtp). */
  format: Type.Enum(['rtp', 'mpeg-ts']),
  packets: Count,
  bytes: Count,
  /** RFC 4445 Delay Factor, ms; null without the previous second's rate. */
  delayFactorMs: Nullable(Type.Number()),
  /** RFC 4445 Media Loss Rate: media packets lost in the second. */
  mediaLossRate: Count,
  /** Packets missing from the numbering since the flow began on the link. */
  lostPackets: Count,
  /** RTP interarrival jitter at the end of the second, ms (RFC 3550 §6.4.1); null without RTP of a known clock. */
  jitterMs: Nullable(Type.Number()),
});

export const TimeRange = Shape({
  start: NullableTime,
  end: NullableTime,
  /** Where the dashboard opens a finished capture: the busiest stretch of routable state (store-api.ts busiestMoment). */
  busiest: NullableTime,
  /** Some capture is still being written (live): the dashboard follows the end. */
  running: Type.Boolean(),
});

export function Page<T extends TSchema>(item: T) {
  return Shape({ items: Type.Array(item), total: Count, limit: Count, offset: Count });
}

export type CaptureStatus = Static<typeof CaptureStatus>;
export type CaptureRecord = Static<typeof CaptureRecord>;
export type ChangeRecord = Static<typeof ChangeRecord>;
export type MessageRecord = Static<typeof MessageRecord>;
export type CounterPoint = Static<typeof CounterPoint>;
export type QualityPoint = Static<typeof QualityPoint>;
export type TimeRange = Static<typeof TimeRange>;
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
