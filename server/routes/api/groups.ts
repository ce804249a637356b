/**
 * Groups at T: each with its members per link, flows and tree kinds (all, routable ones, or those
 * a group range covers); one group in full (memberships, flows, joins, asserts, trees,
 * anomalies); and its members per link over time.
 */
import type { FastifyInstance } from 'fastify';
import { isMulticast } from '../../../capture/addresses.js';
import { canonicalAddress, prefixContainsAddress } from '../../../capture/ip/address-format.js';
import { isRoutable } from '../../../capture/model/trees.js';
import { AtList, GroupDetail, GroupSummary, MemberSeries } from '../../../shapes/api.js';
import { AtQuery, GroupParams, GroupsQuery, RangeQuery, withErrors } from '../../schemas/requests.js';
import type { StoredSnapshot } from '../../../store/store-api.js';
import { HttpError } from './http-error.js';
import { atOrEnd, rangeOrAll } from './query-time.js';

/** The group as the analyzer writes it (IPv6 in RFC 5952 form), or a 400 when it is not a multicast address. */
function canonicalGroup(text: string): string {
  const group = canonicalAddress(text);
  if (!isMulticast(group)) throw new HttpError(400, `path parameter group: '${text}' is not a multicast group address`);
  return group;
}

/** A group range (239.0.0.0/8, ff3e::/32) as the analyzer writes it, or a 400 naming the parameter. */
function canonicalRange(text: string): string {
  const range = canonicalAddress(text);
  const [network, length] = range.split('/') as [string, string];
  if (!isMulticast(network) || Number(length) > (network.includes(':') ? 128 : 32)) {
    throw new HttpError(400, `query parameter within: '${text}' is not a multicast group range (address/length, such as 239.0.0.0/8)`);
  }
  return range;
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
  app.get<{ Querystring: GroupsQuery }>('/groups', { schema: { querystring: GroupsQuery, response: withErrors(AtList(GroupSummary)) } }, async (request) => {
    const { routable, within } = request.query;
    const range = within === undefined ? null : canonicalRange(within);
    const snapshot = await app.store.stateAt(await atOrEnd(app.store, request.query), request.query.capture);
    const groups = summarizeGroups(snapshot).filter((entry) => (routable !== true || isRoutable(entry.group)) && (range === null || prefixContainsAddress(range, entry.group)));
    return { at: snapshot.at, items: groups };
  });

  app.get<{ Params: GroupParams; Querystring: AtQuery }>('/groups/:group', {
    schema: { params: GroupParams, querystring: AtQuery, response: withErrors(GroupDetail) },
  }, async (request): Promise<GroupDetail> => {
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

  app.get<{ Params: GroupParams; Querystring: RangeQuery }>('/groups/:group/members', {
    schema: { params: GroupParams, querystring: RangeQuery, response: withErrors(MemberSeries) },
  }, async (request) => {
    const group = canonicalGroup(request.params.group);
    const { from, to } = await rangeOrAll(app.store, request.query);
    const items = await app.store.memberSeries({ group, from, to, captureId: request.query.capture });
    return { group, from, to, items };
  });
}
