/**
 * JSON schemas shared by the REST routes (fastify validates requests with them and serializes
 * replies through them). Times are epoch seconds of packet time, as everywhere in mcast.
 * Objects in replies allow additional properties: a field the analyzer adds later is passed on,
 * not silently dropped by the serializer.
 */

export const nullableString = { type: ['string', 'null'] } as const;
export const nullableNumber = { type: ['number', 'null'] } as const;
export const stringArray = { type: 'array', items: { type: 'string' } } as const;

/** A multicast group or unicast address as text (IPv4 dotted quad or IPv6). */
export const addressText = { type: 'string', anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] } as const;

const time = { type: 'number', minimum: 0 } as const;
const captureId = { type: 'integer', minimum: 1, description: 'restrict to one capture' } as const;

export interface CaptureScopedQuery {
  capture?: number;
}

export interface AtQuery extends CaptureScopedQuery {
  at?: number;
}

export interface RangeQuery extends CaptureScopedQuery {
  from?: number;
  to?: number;
}

export interface PageQuery {
  limit: number;
  offset: number;
}

export const captureQuery = {
  type: 'object', additionalProperties: false,
  properties: { capture: captureId },
} as const;

export const atQuery = {
  type: 'object', additionalProperties: false,
  properties: { at: time, capture: captureId },
} as const;

export const rangeProperties = { from: time, to: time, capture: captureId } as const;

export const pageProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;

export const errorReply = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, error: { type: 'string' }, message: { type: 'string' } },
  required: ['statusCode', 'error', 'message'],
} as const;

/** The error replies every route may give, next to its success reply. */
export function withErrors(ok: object): Record<string, object> {
  return { 200: ok, 400: errorReply, 404: errorReply, 500: errorReply };
}

/** `{ items, total, limit, offset }` of the store's Page<T>. */
export function pageOf(item: object): object {
  return {
    type: 'object', required: ['items', 'total', 'limit', 'offset'],
    properties: { items: { type: 'array', items: item }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
  };
}
