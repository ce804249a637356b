/**
 * A state change as it leaves the analysis (capture/model/timeline.ts has each area's typed
 * kinds and details): stored in the store's changes table, streamed live, listed by the API.
 * Every change names the link, group and source it concerns (null where it has none).
 */
import { Type, type Static } from 'typebox';
import { NullableAddress, NullableText, Shape, Text, Time } from './common.js';

export const ChangeArea = Type.Enum(['membership', 'pim', 'flow', 'tree', 'router']);

export const ChangeFields = {
  time: Time,
  area: ChangeArea,
  kind: Text,
  link: NullableText,
  group: NullableAddress,
  source: NullableAddress,
  /** What the kind carries (capture/model/timeline.ts); free-form here. */
  detail: Type.Unknown(),
};

export const Change = Shape(ChangeFields);

export type ChangeArea = Static<typeof ChangeArea>;
export type Change = Static<typeof Change>;
