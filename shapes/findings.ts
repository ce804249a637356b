/**
 * A finding: something wrong (or worth knowing) on the network, where, since when and why, with the
 * RFC rule it stands on. The same condition is one finding from when it began (`at`) to when it
 * ended (`until`, null while it holds). capture/findings/ derives them from the model.
 */
import { Type, type Static } from 'typebox';
import { NullableAddress, NullableText, NullableTime, Shape, Text, Time } from './common.js';

export const FINDING_KINDS = [
  'querier.missing', 'querier.conflict', 'querier.version-mismatch', 'querier.missing-specific-query',
  'membership.expired-while-receiving', 'ssm.asm-request',
  'tree.black-hole', 'tree.unwanted-data', 'tree.dead-end', 'tree.prune-ignored', 'tree.duplicate-forwarders',
  'pim.assert-not-converged', 'pim.assert-flapping', 'tree.ttl-limited', 'data.leak', 'data.mac-aliasing', 'data.mac-mismatch',
  'pim.no-rp', 'pim.join-to-non-rp', 'pim.neighbor-lost', 'pim.neighbor-restarted', 'pim.dr-changed', 'pim.hello-mismatch',
  'pim.register-not-stopped', 'group.multiple-senders', 'stream.loss',
  'packet.bad-checksum',
] as const;

export const FindingKind = Type.Enum([...FINDING_KINDS]);
export const Severity = Type.Union([Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')]);

const FindingFields = {
  kind: FindingKind,
  severity: Severity,
  /** First seen (packet time). */
  at: Time,
  /** When the condition ended; null while it holds. */
  until: NullableTime,
  link: NullableText,
  group: NullableAddress,
  source: NullableAddress,
  /** The router concerned (an interface address or the inferred router's id). */
  router: NullableText,
  detail: Type.Record(Type.String(), Type.Unknown()),
  /** One plain sentence. */
  explanation: Text,
  /** The rule it stands on, e.g. "RFC 3376 §6.6.2". */
  rule: Text,
};

export const Finding = Shape(FindingFields);
/** A finding as stored (store/), with its row id and capture. */
export const FindingRecord = Shape({ id: Type.Integer(), captureId: Type.Integer(), ...FindingFields });

export type FindingKind = Static<typeof FindingKind>;
export type Severity = Static<typeof Severity>;
export type Finding = Static<typeof Finding>;
export type FindingRecord = Static<typeof FindingRecord>;

export { SEVERITY_ORDER } from './severity.js';

/** A finding opening or closing, as `mcast analyze --timeline` lists it among the changes (at its own `at` / `until`). */
export const FindingChange = Shape({
  time: Time,
  area: Type.Literal('finding'),
  kind: Type.Enum(['opened', 'closed']),
  link: NullableText,
  group: NullableAddress,
  source: NullableAddress,
  detail: Finding,
});
export type FindingChange = Static<typeof FindingChange>;

/** What socket.io pushes when a finding opens or closes, as the analysis notices it (`time`: packet time then). */
export const FindingEvent = Shape({
  captureId: Type.Union([Type.Integer(), Type.Null()]),
  time: Time,
  change: Type.Enum(['opened', 'closed']),
  finding: Finding,
});
export type FindingEvent = Static<typeof FindingEvent>;
