/**
 * What the REST routes accept: querystring, params and header schemas (TypeBox, validated by
 * fastify), with their static types. Reply shapes are in shapes/. Times are epoch seconds of
 * packet time, as everywhere in mcast.
 */
import { Type, type Static, type TProperties, type TSchema } from 'typebox';
import { ChangeArea } from '../../shapes/timeline.js';
import { ErrorReply } from '../../shapes/api.js';
import { FindingKind, Severity } from '../../shapes/findings.js';

/** A closed querystring object: an unknown parameter is a 400. */
function Query<P extends TProperties>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** A multicast group or unicast address as text (IPv4 dotted quad or IPv6). */
export const AddressParam = Type.String({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] });
export const GROUP_RANGE_PATTERN = '^[0-9A-Fa-f.:]+/[0-9]{1,3}$';
/** A group range as RP mappings name it (239.0.0.0/8, ff3e::/32). */
export const GroupRangeParam = Type.String({ pattern: GROUP_RANGE_PATTERN });
/** A group, or a group range. */
export const GroupOrPrefixParam = Type.String({ anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }, { pattern: GROUP_RANGE_PATTERN }] });

const time = Type.Number({ minimum: 0 });
const capture = Type.Integer({ minimum: 1, description: 'restrict to one capture' });

export const CaptureQuery = Query({ capture: Type.Optional(capture) });
export const AtQuery = Query({ at: Type.Optional(time), capture: Type.Optional(capture) });
export const RangeProperties = { from: Type.Optional(time), to: Type.Optional(time), capture: Type.Optional(capture) };
export const RangeQuery = Query(RangeProperties);
const PageProperties = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const GroupsQuery = Query({
  ...AtQuery.properties, routable: Type.Optional(Type.Boolean({ description: 'leave out link-local groups' })),
  within: Type.Optional({ ...GroupRangeParam, description: 'only the groups this range covers' }),
});
export const TreesQuery = Query({ ...AtQuery.properties, group: Type.Optional(AddressParam) });
export const GroupParams = Type.Object({ group: AddressParam });
export const CaptureParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const FlowSeriesQuery = Query({ ...RangeProperties, source: AddressParam, group: AddressParam, link: Type.Optional(Type.String({ minLength: 1 })) });

export const ChangesQuery = Query({
  ...RangeProperties, ...PageProperties,
  area: Type.Optional(ChangeArea), kind: Type.Optional(Type.String({ minLength: 1 })),
  link: Type.Optional(Type.String({ minLength: 1 })), group: Type.Optional(GroupOrPrefixParam),
  routable: Type.Optional(Type.Boolean({ description: 'leave out changes of link-local groups' })),
});

export const MessagesQuery = Query({
  ...RangeProperties, ...PageProperties,
  link: Type.Optional(Type.String({ minLength: 1 })), kind: Type.Optional(Type.String({ minLength: 1 })), group: Type.Optional(AddressParam),
});

export const FindingsQuery = Query({
  ...RangeProperties, ...PageProperties,
  severity: Type.Optional(Severity), kind: Type.Optional(FindingKind),
  link: Type.Optional(Type.String({ minLength: 1 })), group: Type.Optional(AddressParam),
});

export const UploadQuery = Query({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) });
export const UploadHeaders = Type.Object({
  'x-file-name': Type.Optional(Type.String({ maxLength: 255 })),
  'content-length': Type.Optional(Type.Integer({ minimum: 0 })),
});

/** Paging fields get their defaults before the handler runs. */
type Paged<T> = Omit<T, 'limit' | 'offset'> & { limit: number; offset: number };

export type CaptureQuery = Static<typeof CaptureQuery>;
export type AtQuery = Static<typeof AtQuery>;
export type RangeQuery = Static<typeof RangeQuery>;
export type GroupsQuery = Static<typeof GroupsQuery>;
export type TreesQuery = Static<typeof TreesQuery>;
export type GroupParams = Static<typeof GroupParams>;
export type CaptureParams = Static<typeof CaptureParams>;
export type FlowSeriesQuery = Static<typeof FlowSeriesQuery>;
export type ChangesQuery = Paged<Static<typeof ChangesQuery>>;
export type MessagesQuery = Paged<Static<typeof MessagesQuery>>;
export type FindingsQuery = Paged<Static<typeof FindingsQuery>>;
export type UploadQuery = Static<typeof UploadQuery>;
export type UploadHeaders = Static<typeof UploadHeaders>;

/** The replies every route may give: its success reply and the error shape for 4xx/5xx. */
export function withErrors(ok: TSchema): Record<number, TSchema> {
  return { 200: ok, 400: ErrorReply, 404: ErrorReply, 500: ErrorReply };
}
