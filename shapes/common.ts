/**
 * Building blocks of the shapes (shapes/*.ts): every JSON shape that crosses a boundary — the
 * model's output, the store's records, the REST replies, the live events — is written once here
 * as a TypeBox schema. The schema is what the routes validate and serialize with; its static type
 * is what the model builds, the store returns and the browser reads. Objects are closed
 * (`additionalProperties: false`): a field the schema does not name is not part of the shape.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';

export type { Static } from 'typebox';

/** A closed object: every property named, nothing else allowed. */
export function Shape<P extends TProperties>(properties: P, description?: string): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, ...(description === undefined ? {} : { description }) });
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Epoch seconds of packet time (never the wall clock, except a capture's analyzedAt). */
export const Time = Type.Number({ description: 'epoch seconds' });
export const NullableTime = Nullable(Time);

/** An IPv4 dotted quad or an IPv6 address in RFC 5952 form, as text. */
export const Address = Type.String({ description: 'IPv4 or IPv6 address' });
export const NullableAddress = Nullable(Address);
export const Addresses = Type.Array(Address);

/** A multicast group address. */
export const Group = Type.String({ description: 'multicast group address' });

export const Text = Type.String();
export const NullableText = Nullable(Type.String());
export const Count = Type.Integer({ minimum: 0 });
export const Family = Type.Union([Type.Literal(4), Type.Literal(6)]);

export type Family = Static<typeof Family>;
