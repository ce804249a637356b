/** The network's state at one moment (shapes/snapshot.ts: the JSON of `mcast analyze --json` and of the API), built from the model. */
import type { NetworkAnalyzer } from './network-analyzer.js';
import { compareAddresses } from '../ip/address-format.js';
import type { LinkState, MembershipState, NetworkSnapshot } from '../../shapes/snapshot.js';
import { inferTrees, type LinkGroupMembership } from './trees.js';
import type { GroupSnapshot, LinkMembershipSnapshot } from './membership/types.js';

/**
 * The snapshot row made from each model part's row: a part whose state did not change hands out the
 * same rows (membership/link-membership.ts, pim/), and so the snapshot keeps its rows too, which the
 * store then need not encode again (store/capture-writer.ts).
 */
const rows = new WeakMap<object, object>();

function rowOf<T extends object>(from: object, make: () => T): T {
  let row = rows.get(from) as T | undefined;
  if (row === undefined) rows.set(from, row = make());
  return row;
}

interface MembershipLists {
  /** Each link's groups list they were made from. */
  from: readonly (readonly GroupSnapshot[])[];
  memberships: MembershipState[];
  groupMemberships: LinkGroupMembership[];
}

/** The latest membership lists of each analyzer: kept while every link hands out the same groups list (none changed). */
const membershipListsOf = new WeakMap<NetworkAnalyzer, MembershipLists>();

function membershipLists(analyzer: NetworkAnalyzer, links: readonly LinkMembershipSnapshot[]): MembershipLists {
  const last = membershipListsOf.get(analyzer);
  if (last !== undefined && last.from.length === links.length && links.every((link, index) => link.groups === last.from[index])) return last;
  const memberships: MembershipState[] = [];
  const groupMemberships: LinkGroupMembership[] = [];
  for (const snapshot of links) {
    for (const group of snapshot.groups) {
      groupMemberships.push({ link: snapshot.link, family: snapshot.family, group });
      memberships.push(rowOf(group, (): MembershipState => ({
        link: snapshot.link, group: group.group, family: snapshot.family, mode: group.mode,
        sources: group.sources.map((source) => source.address), excluded: group.excluded,
        reporters: group.reporters.map((reporter) => reporter.address), version: group.compatibilityVersion,
        // INCLUDE mode has no group timer (RFC 3376 §6.2.1): the state lasts as long as its last source.
        expiresAt: group.expiresAt ?? Math.max(...group.sources.map((source) => source.expiresAt)),
      })));
    }
  }
  memberships.sort((a, b) => a.link.localeCompare(b.link) || a.group.localeCompare(b.group));
  const lists = { from: links.map((link) => link.groups), memberships, groupMemberships };
  membershipListsOf.set(analyzer, lists);
  return lists;
}

export function buildSnapshot(analyzer: NetworkAnalyzer, at: number): NetworkSnapshot {
  const pim = analyzer.pim.snapshot(at);
  const flows = analyzer.flowSnapshots(at);
  const routers = analyzer.routers;

  const linkMemberships = analyzer.membershipSnapshots(at);
  const queriers = new Map<string, { igmp?: { address: string; version: number }; mld?: { address: string; version: number } }>();
  for (const snapshot of linkMemberships) {
    const entry = queriers.get(snapshot.link) ?? {};
    const querier = snapshot.querier ? { address: snapshot.querier.address, version: snapshot.querier.version } : undefined;
    if (snapshot.protocol === 'igmp') entry.igmp = querier;
    else entry.mld = querier;
    queriers.set(snapshot.link, entry);
  }
  const { memberships, groupMemberships } = membershipLists(analyzer, linkMemberships);

  const linkNames = new Set([...analyzer.links.keys()]);
  const links: LinkState[] = [...linkNames].sort().map((name) => {
    const pimLink = pim.links.find((entry) => entry.link === name);
    const querier = queriers.get(name);
    const activity = analyzer.links.get(name)!;
    return {
      name,
      querier: querier?.igmp?.address ?? null, igmpVersion: querier?.igmp?.version ?? null,
      mldQuerier: querier?.mld?.address ?? null, mldVersion: querier?.mld?.version ?? null,
      igmpRouters: [...(analyzer.queryingRouters.get(`${name}|4`) ?? [])].sort(compareAddresses),
      mldRouters: [...(analyzer.queryingRouters.get(`${name}|6`) ?? [])].sort(compareAddresses),
      dr: pimLink?.dr ?? null, pimNeighbors: pimLink?.neighbors.map((neighbor) => neighbor.address) ?? [],
      frames: activity.frames, decodeErrors: activity.decodeErrors,
    };
  });

  const { trees, anomalies } = inferTrees({
    at, keepalivePeriod: analyzer.keepalivePeriod, rpfLinks: analyzer.rpfLinks, joinedChannels: analyzer.joinedChannels, forwardingStops: analyzer.forwardingStops,
    routers, flows, pim, memberships: groupMemberships, switchovers: analyzer.switchovers,
    switchoverTiming: (source, group) => analyzer.switchoverTimer.timing(source, group),
    rpFor: (group) => analyzer.pim.rpForGroup(group)?.rp ?? null,
  });

  return {
    at,
    routers: routers.routers(),
    links,
    memberships,
    joins: pim.joins.map((join) => rowOf(join, () => ({
      link: join.link, from: join.from, upstream: join.upstream, type: join.type, source: join.source, group: join.group,
      rp: join.rp, state: join.state, expiresAt: join.expiresAt,
    }))),
    asserts: pim.asserts.map((entry) => rowOf(entry, () => ({
      link: entry.link, source: entry.source, group: entry.group, winner: entry.winner, rpt: entry.rpt,
      metricPreference: entry.metricPreference, metric: entry.metric, expiresAt: entry.expiresAt,
    }))),
    flows: flows.map((flow) => ({
      link: flow.link, source: flow.source, group: flow.group, pps: flow.pps, bps: flow.bps, packets: flow.packets, bytes: flow.bytes,
      forwarders: flow.forwarders.filter((forwarder) => forwarder.active).map((forwarder) => {
        const router = routers.routerOn(flow.link, { mac: forwarder.mac });
        return router?.interfaces.find((entry) => entry.link === flow.link && entry.mac === forwarder.mac)?.addresses[0] ?? forwarder.mac;
      }),
      duplicated: flow.duplicated,
      payloadFormat: flow.payloadFormat, sequenceGaps: flow.sequenceGaps, lostPackets: flow.lostPackets,
      quality: flow.quality,
    })),
    trees,
    rps: pim.rps,
    bsrs: pim.bsrs,
    registers: pim.registers,
    anomalies,
    latencies: analyzer.latency.snapshot(),
  };
}
