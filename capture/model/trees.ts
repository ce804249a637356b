/**
 * Forwarding trees inferred from what the links show, per (S,G) and (*,G):
 *   - a router forwards a flow onto a link when the flow's frames there carry its MAC;
 *   - a router should forward onto a link when a downstream router joined towards it there
 *     (RFC 7761 §4.5 downstream state), or when it is the DR (or the assert winner, §4.6) of a
 *     link whose members want the flow (RFC 7761 §4.1.6 local receiver state);
 *   - a router's incoming link is where it sends its own (S,G) Join (the shortest-path tree), else
 *     its (*,G) Join (the RP tree), else the source's own link (the first-hop router).
 * Edges that carry data nobody on the link wants, and links whose members wait for data that
 * flows elsewhere, are reported as anomalies.
 */
import { isSsmGroup, multicastScope } from '../addresses.js';
import type { FlowSnapshot } from './flows.js';
import type { GroupSnapshot } from './membership/index.js';
import type { JoinSnapshot, PimSnapshot } from './pim/index.js';
import type { RouterRegistry, RouterSnapshot } from './routers.js';

export interface TreeEdge {
  router: string;
  in: string | null;
  out: string;
  carriesData: boolean;
  wanted: boolean;
}

export interface Tree {
  source: string;
  group: string;
  rp: string | null;
  kind: 'SPT' | 'RPT' | 'SSM';
  switchoverAt: number | null;
  edges: TreeEdge[];
}

export type Anomaly =
  | { kind: 'unwanted-data'; link: string; source: string; group: string; router: string }
  | { kind: 'members-without-data'; link: string; group: string; source: string | null }
  | { kind: 'duplicate-forwarding'; link: string; source: string; group: string; forwarders: string[] }
  | { kind: 'mac-mismatch'; link: string; source: string; group: string; packets: number };

export interface LinkGroupMembership {
  link: string;
  family: 4 | 6;
  group: GroupSnapshot;
}

export interface TreeInput {
  routers: RouterRegistry;
  flows: FlowSnapshot[];
  pim: PimSnapshot;
  memberships: LinkGroupMembership[];
  switchovers: ReadonlyMap<string, { time: number }>;
  rpFor: (group: string) => string | null;
}

/** Link-local and narrower groups are never routed (RFC 5771 §4, RFC 4291 §2.7). */
function isRoutable(group: string): boolean {
  const scope = multicastScope(group);
  if (scope === null) return false;
  return scope.family === 4 ? scope.block !== 'link-local' : scope.scopeValue > 2;
}

/** Whether a group's membership on a link asks for traffic from `source` (RFC 3376 §6.2.2 forwarding rules). */
function membershipWants(membership: GroupSnapshot, source: string | null): boolean {
  if (source === null) return membership.mode === 'EXCLUDE';
  return membership.mode === 'INCLUDE'
    ? membership.sources.some((entry) => entry.address === source)
    : !membership.excluded.includes(source);
}

export function inferTrees(input: TreeInput): { trees: Tree[]; anomalies: Anomaly[] } {
  const { routers, flows, pim, memberships } = input;
  const activeFlows = flows.filter((flow) => flow.forwarders.some((forwarder) => forwarder.active));
  const liveJoins = pim.joins.filter((join) => join.state !== 'pruned');
  const groups = new Set<string>();
  for (const flow of activeFlows) if (isRoutable(flow.group)) groups.add(flow.group);
  for (const join of liveJoins) groups.add(join.group);

  const routerId = (router: RouterSnapshot | null) => (router ? router.id : null);
  const upstreamRouter = (join: JoinSnapshot) => routerId(routers.routerOn(join.link, { address: join.upstream }));
  const joinsFrom = (router: string, match: (join: JoinSnapshot) => boolean) =>
    liveJoins.filter((join) => match(join) && join.state === 'join' && routerId(routers.routerOn(join.link, { address: join.from })) === router);
  const drOf = (link: string) => pim.links.find((entry) => entry.link === link)?.dr ?? null;
  const assertWinner = (link: string, source: string | null, group: string) =>
    pim.asserts.find((entry) => entry.link === link && entry.group === group && entry.source === source)?.winner ?? null;

  /** Downstream routers on `link` that want (S,G) (or (*,G) when source is null) from anyone. */
  const joinedOn = (link: string, source: string | null, group: string): JoinSnapshot[] =>
    liveJoins.filter((join) => {
      if (join.link !== link || join.group !== group || join.state !== 'join') return false;
      if (join.type === 'S,G') return source !== null && join.source === source;
      if (join.type !== '*,G') return false;
      if (source === null) return true;
      // RFC 7761 §4.5.4: an (S,G,rpt) Prune from the same downstream router takes S off its (*,G) join.
      return !pim.joins.some((prune) => prune.type === 'S,G,rpt' && prune.state === 'pruned' && prune.link === link
        && prune.from === join.from && prune.group === group && prune.source === source);
    });
  const membersOn = (link: string, source: string | null, group: string) =>
    memberships.some((entry) => entry.link === link && entry.group.group === group && membershipWants(entry.group, source));

  const trees: Tree[] = [];
  const anomalies: Anomaly[] = [];
  for (const group of [...groups].sort()) {
    const rp = isSsmGroup(group) ? null : input.rpFor(group) ?? liveJoins.find((join) => join.group === group && join.rp !== null)?.rp ?? null;
    const sources = new Set<string | null>();
    for (const flow of activeFlows) if (flow.group === group) sources.add(flow.source);
    for (const join of liveJoins) if (join.group === group && join.type === 'S,G' && join.source !== null) sources.add(join.source);
    if (liveJoins.some((join) => join.group === group && join.type === '*,G')) sources.add(null);

    for (const source of [...sources].sort((a, b) => (a ?? '').localeCompare(b ?? ''))) {
      const edges = new Map<string, TreeEdge>();
      const edge = (router: string, out: string): TreeEdge => {
        const key = `${router}|${out}`;
        let found = edges.get(key);
        if (!found) {
          found = { router, in: null, out, carriesData: false, wanted: false };
          edges.set(key, found);
        }
        return found;
      };
      const treeFlows = activeFlows.filter((flow) => flow.group === group && (source === null || flow.source === source));
      const sourceLinks = new Set<string>();
      for (const flow of treeFlows) {
        for (const forwarder of flow.forwarders.filter((entry) => entry.active)) {
          const router = routerId(routers.routerOn(flow.link, { mac: forwarder.mac }));
          if (router === null) {
            if (source !== null) sourceLinks.add(flow.link);
          } else {
            edge(router, flow.link).carriesData = true;
          }
        }
      }
      for (const join of liveJoins) {
        if (join.group !== group) continue;
        if (!joinedOn(join.link, source, group).includes(join)) continue;
        const router = upstreamRouter(join);
        if (router !== null) edge(router, join.link).wanted = true;
      }
      for (const entry of memberships) {
        if (entry.group.group !== group || !membershipWants(entry.group, source)) continue;
        const forwarderAddress = assertWinner(entry.link, source, group) ?? drOf(entry.link);
        const router = forwarderAddress === null ? null : routerId(routers.routerOn(entry.link, { address: forwarderAddress }));
        if (router !== null) edge(router, entry.link).wanted = true;
      }
      for (const found of edges.values()) {
        found.wanted ||= membersOn(found.out, source, group) || joinedOn(found.out, source, group).length > 0;
        const spt = source === null ? [] : joinsFrom(found.router, (join) => join.type === 'S,G' && join.group === group && join.source === source);
        const rpt = joinsFrom(found.router, (join) => join.type === '*,G' && join.group === group);
        const interfaces = routers.routers().find((router) => router.id === found.router)?.interfaces ?? [];
        const viaSourceLink = [...sourceLinks].find((link) => interfaces.some((entry) => entry.link === link));
        found.in = spt[0]?.link ?? rpt[0]?.link ?? viaSourceLink ?? null;
        if (found.carriesData && !found.wanted && source !== null) {
          anomalies.push({ kind: 'unwanted-data', link: found.out, source, group, router: found.router });
        }
      }
      if (edges.size === 0) continue;
      const switchover = source === null ? undefined : input.switchovers.get(`${source}|${group}`);
      const kind = isSsmGroup(group) ? 'SSM' : source !== null && (switchover !== undefined || !liveJoins.some((join) => join.group === group && join.type === '*,G')) ? 'SPT' : 'RPT';
      trees.push({
        source: source ?? '*', group, rp, kind, switchoverAt: switchover?.time ?? null,
        edges: [...edges.values()].sort((a, b) => a.router.localeCompare(b.router) || a.out.localeCompare(b.out)),
      });
    }
  }

  for (const entry of memberships) {
    const group = entry.group.group;
    if (!isRoutable(group)) continue;
    const here = activeFlows.filter((flow) => flow.link === entry.link && flow.group === group);
    const elsewhere = activeFlows.filter((flow) => flow.link !== entry.link && flow.group === group && membershipWants(entry.group, flow.source));
    if (here.length === 0 && elsewhere.length > 0) {
      for (const source of new Set(elsewhere.map((flow) => flow.source))) anomalies.push({ kind: 'members-without-data', link: entry.link, group, source });
    }
  }
  for (const flow of flows) {
    if (flow.duplicated) anomalies.push({ kind: 'duplicate-forwarding', link: flow.link, source: flow.source, group: flow.group, forwarders: flow.forwarders.filter((f) => f.active).map((f) => f.mac) });
    if (flow.macMismatches > 0) anomalies.push({ kind: 'mac-mismatch', link: flow.link, source: flow.source, group: flow.group, packets: flow.macMismatches });
  }
  return { trees, anomalies };
}
