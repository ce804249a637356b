/**
 * Reply schemas for the network state (capture/model/snapshot.ts: NetworkSnapshot) and the views
 * the routes derive from it. Volatile fields (timer expiries, counters, rates) are nullable: the
 * store keeps them out of its facts (server/store/store-api.ts).
 */
import { nullableNumber, nullableString, stringArray } from './common.js';

const open = (properties: Record<string, object>, required: string[] = Object.keys(properties)) =>
  ({ type: 'object', additionalProperties: true, required, properties }) as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

export const routerSchema = open({
  id: { type: 'string' }, name: nullableString, ospfRouterId: nullableString,
  interfaces: { type: 'array', items: open({ link: { type: 'string' }, addresses: stringArray, mac: nullableString }) },
});

export const linkSchema = open({
  name: { type: 'string' }, querier: nullableString, igmpVersion: nullableNumber, mldQuerier: nullableString, mldVersion: nullableNumber,
  igmpRouters: stringArray, mldRouters: stringArray, dr: nullableString, pimNeighbors: stringArray, frames: nullableNumber, decodeErrors: nullableNumber,
}, ['name', 'querier', 'dr', 'pimNeighbors']);

export const membershipSchema = open({
  link: { type: 'string' }, group: { type: 'string' }, family: { type: 'integer' }, mode: { type: 'string' },
  sources: stringArray, excluded: stringArray, reporters: stringArray, version: { type: 'integer' }, expiresAt: nullableNumber,
}, ['link', 'group', 'mode', 'sources', 'reporters']);

export const joinSchema = open({
  link: { type: 'string' }, from: { type: 'string' }, upstream: { type: 'string' }, type: { type: 'string' }, source: nullableString,
  group: { type: 'string' }, rp: nullableString, state: { type: 'string' }, expiresAt: nullableNumber,
}, ['link', 'from', 'upstream', 'type', 'group', 'state']);

export const assertSchema = open({
  link: { type: 'string' }, source: nullableString, group: { type: 'string' }, winner: { type: 'string' }, rpt: { type: 'boolean' },
  metricPreference: { type: 'number' }, metric: { type: 'number' }, expiresAt: nullableNumber,
}, ['link', 'group', 'winner']);

export const flowSchema = open({
  link: { type: 'string' }, source: { type: 'string' }, group: { type: 'string' }, pps: nullableNumber, bps: nullableNumber,
  packets: nullableNumber, bytes: nullableNumber, forwarders: stringArray, duplicated: { type: 'boolean' },
}, ['link', 'source', 'group', 'forwarders', 'duplicated']);

export const treeSchema = open({
  source: { type: 'string' }, group: { type: 'string' }, rp: nullableString, kind: { type: 'string', enum: ['SPT', 'RPT', 'SSM'] },
  switchoverAt: nullableNumber,
  edges: { type: 'array', items: open({ router: { type: 'string' }, in: nullableString, out: { type: 'string' }, carriesData: { type: 'boolean' }, wanted: { type: 'boolean' } }) },
  nodes: { type: 'array', items: open({ router: { type: 'string' }, in: nullableString, isRp: { type: 'boolean' }, isFirstHop: { type: 'boolean' } }) },
});

export const snapshotSchema = open({
  at: { type: 'number' },
  routers: { type: 'array', items: routerSchema },
  links: { type: 'array', items: linkSchema },
  memberships: { type: 'array', items: membershipSchema },
  joins: { type: 'array', items: joinSchema },
  asserts: { type: 'array', items: assertSchema },
  flows: { type: 'array', items: flowSchema },
  trees: { type: 'array', items: treeSchema },
  rps: { type: 'array', items: anyObject },
  bsrs: { type: 'array', items: anyObject },
  registers: { type: 'array', items: anyObject },
  anomalies: { type: 'array', items: anyObject },
});

/** `{ at, items }`: one list of the state at T. */
export function atList(item: object): object {
  return { type: 'object', required: ['at', 'items'], properties: { at: { type: 'number' }, items: { type: 'array', items: item } } };
}
