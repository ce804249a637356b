/**
 * A request that fails its schema, told in words: which parameter, the value given and what it
 * takes ("query parameter at: 'yesterday' is not a number"), instead of the validator's schema
 * paths ("querystring/at must be number").
 */
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { GROUP_RANGE_PATTERN } from './schemas/requests.js';

const PLACES: Record<string, string> = { querystring: 'query parameter', params: 'path parameter', headers: 'header', body: 'body field' };
const TYPES: Record<string, string> = { number: 'a number', integer: 'a whole number', boolean: 'true or false', string: 'text' };
const FORMATS: Record<string, string> = { ipv4: 'an IPv4 address', ipv6: 'an IPv6 address' };
const PATTERNS: Record<string, string> = { [GROUP_RANGE_PATTERN]: 'a group range (address/length, such as 239.0.0.0/8)' };

/** What a failed check wanted, as a noun ("a number") to say the value is not, or else the whole predicate ("is less than 0"). */
function expectation(error: FastifySchemaValidationError): { noun: string } | { predicate: string } | null {
  const { params } = error;
  switch (error.keyword) {
    case 'type': return { noun: TYPES[String(params['type'])] ?? `of type ${String(params['type'])}` };
    case 'format': return { noun: FORMATS[String(params['format'])] ?? `in ${String(params['format'])} format` };
    case 'pattern': return { noun: PATTERNS[String(params['pattern'])] ?? `text matching ${String(params['pattern'])}` };
    case 'const': return { noun: `'${String(params['allowedValue'])}'` };
    case 'enum': return { noun: `one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
    case 'minimum': return { predicate: `is less than ${String(params['limit'])}` };
    case 'exclusiveMinimum': return { predicate: `is not more than ${String(params['limit'])}` };
    case 'maximum': return { predicate: `is more than ${String(params['limit'])}` };
    case 'exclusiveMaximum': return { predicate: `is not less than ${String(params['limit'])}` };
    case 'minLength': return { predicate: params['limit'] === 1 ? 'is empty' : `is shorter than ${String(params['limit'])} characters` };
    case 'maxLength': return { predicate: `is longer than ${String(params['limit'])} characters` };
    default: return null;
  }
}

/** "a, b or c" */
function alternatives(nouns: string[]): string {
  return nouns.length <= 1 ? nouns.join('') : `${nouns.slice(0, -1).join(', ')} or ${nouns.at(-1)}`;
}

/**
 * One line for the first failing parameter: `errors` as the validator gave them, `context` the
 * part of the request (querystring, params, headers), `input` that part's values as received.
 */
export function describeValidation(errors: readonly FastifySchemaValidationError[], context: string | undefined, input: unknown): string {
  const place = PLACES[context ?? ''] ?? 'parameter';
  const first = errors[0];
  if (first === undefined) return `bad ${place}`;
  if (first.keyword === 'required') return `${place} ${String(first.params['missingProperty'])} is missing`;
  if (first.keyword === 'additionalProperties') return `unknown ${place} '${String(first.params['additionalProperty'])}'`;
  const name = first.instancePath.slice(1).replaceAll('/', '.');
  const value = (input as Record<string, unknown> | null)?.[name];
  const given = `${place} ${name}: '${String(value)}'`;
  // Alternatives (anyOf: an IPv4 or an IPv6 address or a range) each report their own miss.
  const expected = errors.filter((error) => error.instancePath === first.instancePath).map(expectation).filter((entry) => entry !== null);
  const predicate = expected.find((entry) => 'predicate' in entry);
  if (predicate !== undefined && 'predicate' in predicate) return `${given} ${predicate.predicate}`;
  const nouns = expected.flatMap((entry) => ('noun' in entry ? [entry.noun] : []));
  return nouns.length === 0 ? `${given} is not valid` : `${given} is not ${alternatives(nouns)}`;
}
