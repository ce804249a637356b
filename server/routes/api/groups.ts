/**
 * Groups at T: each with its members per link, flows and tree kinds; one group in full
 * (memberships, flows, joins, asserts, trees, anomalies); and its members per link over time.
 */
import type { FastifyInstance } from 'fastify';
import { isMulticast } from '../../../capture/addresses.js';
import { formatIPv6, parseIPv6 } from '../../../capture/ip/address-format.js';
import { isRoutable } from '../../../capture/model/trees.js';
import { addressText, atQuery, rangeProperties, stringArray, withErrors, type AtQuery, type RangeQuery } from '../../schemas/common.js';
import { assertSchema, flowSchema, joinSchema, membershipSchema, treeSchema } from '../../schemas/snapshot.js';
import type { StoredSnapshot } from '../../store/store-api.js';
import { HttpError } from './http-error.js';
import { atOrEnd, rangeOrAll } from './query-time.js';

export interface GroupSummary {
  group: string;
  family: 4 | 6;
  /** Links with members, and how many reporters each has (0: members known, reporters not). */
  links: { link: string; members: number; mode: string }[];
  flows: number;
  sources: string[];
  treeKinds: string[];
}

const groupSummarySchema = {
  type: 'object', required: ['group', 'family', 'links', 'flows', 'sources', 'treeKinds'],
  properties: {
    group: { type: 'string' }, family: { type: 'integer' },
    links: { type: 'array', items: { type: 'object', required: ['link', 'members', 'mode'], properties: { link: { type: 'string' }, members: { type: 'integer' }, mode: { type: 'string' } } } },
    flows: { type: 'integer' }, sources: stringArray, treeKinds: stringArray,
  },
} as const;

const groupParams = { type: 'object', required: ['group'], properties: { group: addressText } } as const;

/** The group as the analyzer writes it (IPv6 in RFC 5952 form), or a 400 when it is not a multicast address. */
function canonicalGroup(text: string): string {
  const ipv6 = text.includes(':') ? parseIPv6(text) : null;
  const group = ipv6 === null ? text : formatIPv6(ipv6);
  if (!isMulticast(group)) throw new HttpError(400, `${text} is not a multicast group address`);
  return group;
}

export function summarizeGroups(snapshot: StoredSnapshot): GroupSummary[] {
  const groups = new Map<string, GroupSummary>();
  const summary = (group: string): GroupSummary => {
    let found = groups.get(group);
    if (!found) {
      found = { group, family: group.includes(':') ? 6 : 4, links: [], flows: 0, sources: [], treeKinds: [] };
      groups.set(group, found);
    }
    return found;
  };
  for (const membership of snapshot.memberships) {
    summary(membership.group).links.push({ link: membership.link, members: membership.reporters.length, mode: membership.mode });
  }
  for (const flow of snapshot.flows) {
    const found = summary(flow.group);
    found.flows++;
    if (!found.sources.includes(flow.source)) found.sources.push(flow.source);
  }
  for (const tree of snapshot.trees) {
    const found = summary(tree.group);
    if (!found.treeKinds.includes(tree.kind)) found.treeKinds.push(tree.kind);
  }
  for (const join of snapshot.joins) summary(join.group);
  return [...groups.values()].sort((a, b) => a.family - b.family || a.group.localeCompare(b.group, 'en', { numeric: true }));
}

export async function groupRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AtQuery & { routable?: boolean } }>('/groups', {
    schema: {
      querystring: { ...atQuery, properties: { ...atQuery.properties, routable: { type: 'boolean', description: 'leave out link-local groups' } } },
      response: withErrors({ type: 'object', required: ['at', 'items'], properties: { at: { type: 'number' }, items: { type: 'array', items: groupSummarySchema } } }),
    },
  }, async (request) => {
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), request.query.capture);
    const groups = summarizeGroups(snapshot);
    return { at: snapshot.at, items: request.query.routable === true ? groups.filter((entry) => isRoutable(entry.group)) : groups };
  });

  app.get<{ Params: { group: string }; Querystring: AtQuery }>('/groups/:group', {
    schema: {
      params: groupParams, querystring: atQuery,
      response: withErrors({
        type: 'object', required: ['at', 'group', 'memberships', 'flows', 'joins', 'asserts', 'trees', 'anomalies'],
        properties: {
          at: { type: 'number' }, group: { type: 'string' }, rp: { type: ['string', 'null'] },
          memberships: { type: 'array', items: membershipSchema }, flows: { type: 'array', items: flowSchema },
          joins: { type: 'array', items: joinSchema }, asserts: { type: 'array', items: assertSchema },
          trees: { type: 'array', items: treeSchema }, anomalies: { type: 'array', items: { type: 'object', additionalProperties: true } },
        },
      }),
    },
  }, async (request) => {
    const group = canonicalGroup(request.params.group);
    const { capture } = request.query;
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), capture);
    const ofGroup = <T extends { group: string }>(rows: T[]) => rows.filter((row) => row.group === group);
    const result = {
      at: snapshot.at, group,
      rp: snapshot.trees.find((tree) => tree.group === group)?.rp ?? snapshot.joins.find((join) => join.group === group)?.rp ?? null,
      memberships: ofGroup(snapshot.memberships), flows: ofGroup(snapshot.flows), joins: ofGroup(snapshot.joins),
      asserts: ofGroup(snapshot.asserts), trees: ofGroup(snapshot.trees), anomalies: ofGroup(snapshot.anomalies),
    };
    const present = result.memberships.length + result.flows.length + result.joins.length + result.trees.length > 0;
    if (!present && (await app.store.changes({ group, captureId: capture, limit: 1, offset: 0 })).total === 0) {
      throw new HttpError(404, `group ${group} was never seen`);
    }
    return result;
  });

  app.get<{ Params: { group: string }; Querystring: RangeQuery }>('/groups/:group/members', {
    schema: {
      params: groupParams, querystring: { type: 'object', additionalProperties: false, properties: rangeProperties },
      response: withErrors({
        type: 'object', required: ['group', 'from', 'to', 'items'],
        properties: {
          group: { type: 'string' }, from: { type: 'number' }, to: { type: 'number' },
          items: { type: 'array', items: { type: 'object', required: ['time', 'link', 'members'], properties: { time: { type: 'number' }, link: { type: 'string' }, members: { type: 'integer' } } } },
        },
      }),
    },
  }, async (request) => {
    const group = canonicalGroup(request.params.group);
    const { from, to } = await rangeOrAll(app.store, request.query);
    const items = await app.store.memberSeries({ group, from, to, captureId: request.query.capture });
    return { group, from, to, items };
  });
}
