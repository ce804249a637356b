/**
 * Forwarding trees inferred from what the links show, per (S,G) and (*,G):
 *   - a router forwards a flow onto a link when the flow's frames there carry its MAC;
 *   - a router should forward onto a link when a downstream router joined towards it there
 *     (RFC 7761 §4.5 downstream state), or when it is the DR (or the assert winner, §4.6) of a
 *     link whose members want the flow (§4.1.6 local receiver state) and it is itself on the
 *     tree: it joined upstream, it is the RP, or the source is on one of its links. A router that
 *     never joined cannot forward, whatever its members want: that is a link waiting for data;
 *   - a router's incoming link (RPF interface) is where it sends its own (S,G) Join (shortest-path
 *     tree), else its (*,G) Join (RP tree), else the source's own link (first-hop router).
 * Edges that carry data nobody on the link wants, and links whose members wait for data that flows
 * elsewhere, are reported as anomalies.
 */
import { isSsmGroup, multicastScope } from '../addresses.js';
import type { FlowSnapshot } from './flows.js';
import type { GroupSnapshot } from './membership/index.js';
import type { JoinSnapshot, PimSnapshot } from './pim/index.js';
import type { RouterRegistry } from './routers.js';
import type { Anomaly, Tree, TreeEdge, TreeNode } from '../../shapes/trees.js';

export interface LinkGroupMembership {
  link: string;
  family: 4 | 6;
  group: GroupSnapshot;
}

export interface TreeInput {
  at: number;
  /** How long (S,G) state outlives the last data packet (RFC 7761 §4.11 Keepalive_Period). */
  keepalivePeriod: number;
  /** RPF links learned from Join/Prunes, keyed `sender address|source or RP`. */
  rpfLinks: ReadonlyMap<string, string>;
  /** (S,G) channels ever joined, `source|group` → time of the latest Join. */
  joinedChannels: ReadonlyMap<string, number>;
  routers: RouterRegistry;
  flows: FlowSnapshot[];
  pim: PimSnapshot;
  memberships: LinkGroupMembership[];
  switchovers: ReadonlyMap<string, { time: number }>;
  rpFor: (group: string) => string | null;
}

/** Link-local and narrower groups are never routed (RFC 5771 §4, RFC 4291 §2.7). */
export function isRoutable(group: string): boolean {
  let routable = routableGroups.get(group);
  if (routable === undefined) {
    const scope = multicastScope(group);
    routable = scope !== null && (scope.family === 4 ? scope.block !== 'link-local' : scope.scopeValue > 2);
    if (routableGroups.size >= 65_536) routableGroups.clear();
    routableGroups.set(group, routable);
  }
  return routable;
}

/** Every snapshot asks again about the same groups: the answers are kept (a bounded cache). */
const routableGroups = new Map<string, boolean>();

/** Whether a group's membership on a link asks for traffic from `source` (RFC 3376 §6.2.2); null source: any. */
function membershipWants(membership: GroupSnapshot, source: string | null): boolean {
  if (source === null) return membership.mode === 'EXCLUDE';
  return membership.mode === 'INCLUDE'
    ? membership.sources.some((entry) => entry.address === source)
    : !membership.excluded.includes(source);
}

/** What the tree inference looks up, built once per snapshot. */
class TreeContext {
  readonly activeFlows: FlowSnapshot[];
  readonly liveJoins: JoinSnapshot[];

  constructor(readonly input: TreeInput) {
    this.activeFlows = input.flows.filter((flow) => flow.forwarders.some((forwarder) => forwarder.active));
    this.liveJoins = input.pim.joins.filter((join) => join.state !== 'pruned');
  }

  routerAt(link: string, key: { address?: string; mac?: string }): string | null {
    return this.input.routers.routerOn(link, key)?.id ?? null;
  }

  routerLinks(router: string): string[] {
    return this.input.routers.routers().find((entry) => entry.id === router)?.interfaces.map((entry) => entry.link) ?? [];
  }

  /** Join/Prune rows `router` sent upstream for the entry (any state while the row lives). */
  sentBy(router: string, type: JoinSnapshot['type'], source: string | null, group: string): JoinSnapshot[] {
    return this.input.pim.joins.filter((join) => join.type === type && join.group === group && join.source === source
      && this.routerAt(join.link, { address: join.from }) === router);
  }

  /** Join rows on `link` asking for (S,G) (or (*,G) when source is null), from any downstream router. */
  joinedOn(link: string, source: string | null, group: string): JoinSnapshot[] {
    return this.liveJoins.filter((join) => {
      if (join.link !== link || join.group !== group || join.state !== 'join') return false;
      if (join.type === 'S,G') return source !== null && join.source === source;
      if (join.type !== '*,G') return false;
      if (source === null) return true;
      // RFC 7761 §4.5.4: an (S,G,rpt) Prune from the same downstream router takes S off its (*,G) Join.
      return !this.input.pim.joins.some((prune) => prune.type === 'S,G,rpt' && prune.state === 'pruned' && prune.link === link
        && prune.from === join.from && prune.group === group && prune.source === source);
    });
  }

  membersOn(link: string, source: string | null, group: string): boolean {
    return this.input.memberships.some((entry) => entry.link === link && entry.group.group === group && membershipWants(entry.group, source));
  }

  /**
   * The router that is the RP: the owner of the RP address when an interface has it, else the
   * router where the (*,G) Joins towards the RP end (it receives them and sends none upstream;
   * RFC 7761 §4.5.6) — the RP address is often a loopback no Hello announces.
   */
  rpRouter(rp: string, group: string): string | null {
    const owner = this.input.routers.routerWithAddress(rp)?.id;
    if (owner) return owner;
    const starJoins = this.liveJoins.filter((join) => join.type === '*,G' && join.group === group && join.rp === rp);
    const upstreams = new Set(starJoins.map((join) => this.routerAt(join.link, { address: join.upstream })));
    const senders = new Set(starJoins.map((join) => this.routerAt(join.link, { address: join.from })));
    const ends = [...upstreams].filter((router): router is string => router !== null && !senders.has(router));
    return ends.length === 1 ? ends[0]! : null;
  }

  /** Whether an Assert on `link` for (S,G) or (*,G) was won by another router than `router`. */
  lostAssert(router: string, link: string, source: string | null, group: string): boolean {
    const asserted = this.input.pim.asserts.find((entry) => entry.link === link && entry.group === group && (entry.source === source || entry.source === null));
    return asserted !== undefined && this.routerAt(link, { address: asserted.winner }) !== router;
  }

  /** The link a router last sent Join/Prunes on towards `target` (a source or an RP), if ever. */
  rememberedRpf(router: string, target: string | null): string | undefined {
    if (target === null) return undefined;
    const addresses = this.input.routers.routers().find((entry) => entry.id === router)?.interfaces.flatMap((entry) => entry.addresses) ?? [];
    for (const address of addresses) {
      const link = this.input.rpfLinks.get(`${address}|${target}`);
      if (link !== undefined) return link;
    }
    return undefined;
  }

  /** The router that forwards onto a member link: the assert winner, else the DR (RFC 7761 §4.2, §4.6). */
  localForwarder(link: string, source: string | null, group: string): string | null {
    const { pim } = this.input;
    const address = pim.asserts.find((entry) => entry.link === link && entry.group === group && entry.source === source)?.winner
      ?? pim.links.find((entry) => entry.link === link)?.dr ?? null;
    return address === null ? null : this.routerAt(link, { address });
  }
}

function inferTree(context: TreeContext, source: string | null, group: string, rp: string | null): Tree | null {
  const { input, liveJoins } = context;
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
  const rpRouter = rp === null ? null : context.rpRouter(rp, group);

  // Data: who puts the flow on each link. A sender that is no router is the source on its own link.
  const sourceLinks = new Set<string>();
  if (source !== null) {
    for (const flow of input.flows) {
      if (flow.group !== group || flow.source !== source) continue;
      for (const forwarder of flow.forwarders) {
        const router = context.routerAt(flow.link, { mac: forwarder.mac });
        if (router === null) {
          // RFC 7761 §4.4: the first-hop router keeps (S,G) state for the Keepalive Period after the last packet.
          if (input.at - forwarder.lastSeen <= input.keepalivePeriod) sourceLinks.add(flow.link);
        } else if (forwarder.active) {
          edge(router, flow.link).carriesData = true;
        }
      }
    }
  }
  // In the SSM range nothing registers (RFC 4607 §2, RFC 7761 §4.4.1 CouldRegister): the first hop
  // holds state only for a channel someone joined, and then while its data keeps coming.
  const channelJoined = source !== null && input.joinedChannels.has(`${source}|${group}`);
  const firstHops = new Set<string>();
  for (const link of sourceLinks) {
    const dr = context.localForwarder(link, null, group);
    if (dr !== null && (!isSsmGroup(group) || channelJoined)) firstHops.add(dr);
  }

  // Downstream state: every live Join for this entry makes its upstream router forward there.
  for (const join of liveJoins) {
    if (join.group !== group || !context.joinedOn(join.link, source, group).includes(join)) continue;
    const router = context.routerAt(join.link, { address: join.upstream });
    if (router !== null) edge(router, join.link).wanted = true;
  }

  const incoming = (router: string): string | null => {
    const spt = source === null ? [] : context.sentBy(router, 'S,G', source, group);
    const rpt = context.sentBy(router, '*,G', null, group);
    const live = (rows: JoinSnapshot[]) => rows.find((row) => row.state !== 'pruned')?.link;
    return live(spt) ?? live(rpt)
      // A router the source is directly connected to receives it there (RFC 7761 §4.5.7 DirectlyConnected):
      // seen on the wire (the source's own frames), or from the topology's prefixes.
      ?? (firstHops.has(router) ? context.routerLinks(router).find((link) => sourceLinks.has(link)) : undefined)
      ?? (source !== null ? input.routers.connectedLink(router, source) ?? undefined : undefined)
      ?? spt[0]?.link ?? context.rememberedRpf(router, source ?? rp) ?? null;
  };
  const forwards = (router: string) => [...edges.values()].some((found) => found.router === router);
  const onTree = (router: string) => forwards(router) || router === rpRouter || firstHops.has(router) || incoming(router) !== null;

  // Local receivers: the DR of a member link forwards there if it is on the tree itself.
  for (const entry of input.memberships) {
    if (entry.group.group !== group || !membershipWants(entry.group, source)) continue;
    const router = context.localForwarder(entry.link, source, group);
    if (router !== null && onTree(router)) edge(router, entry.link).wanted = true;
  }

  const nodes = new Map<string, TreeNode>();
  for (const found of edges.values()) {
    found.wanted ||= context.membersOn(found.out, source, group) || context.joinedOn(found.out, source, group).length > 0;
    // RFC 7761 §4.6: an Assert loser takes the link out of its outgoing list; what it still sends there is a duplicate.
    if (context.lostAssert(found.router, found.out, source, group)) found.wanted = false;
    found.in = incoming(found.router);
  }
  const holders = new Set([...[...edges.values()].map((found) => found.router), ...firstHops]);
  // RFC 7761 §4.4: the RP receiving the source's Registers holds (S,G) state while they come, with nothing to forward.
  const registering = source !== null && input.pim.registers.some((entry) => entry.source === source && entry.group === group);
  if (registering && rpRouter !== null) holders.add(rpRouter);
  for (const join of liveJoins) {
    if (join.group !== group || join.source !== source || (join.type !== 'S,G' && join.type !== '*,G')) continue;
    const router = context.routerAt(join.link, { address: join.from });
    if (router !== null) holders.add(router);
  }
  for (const router of holders) nodes.set(router, { router, in: incoming(router), isRp: router === rpRouter, isFirstHop: firstHops.has(router) });
  if (edges.size === 0 && nodes.size === 0) return null;

  const switchover = source === null ? undefined : input.switchovers.get(`${source}|${group}`);
  const rpTree = liveJoins.some((join) => join.group === group && join.type === '*,G');
  const kind = isSsmGroup(group) ? 'SSM' : source !== null && (switchover !== undefined || !rpTree) ? 'SPT' : 'RPT';
  return {
    source: source ?? '*', group, rp, kind, switchoverAt: switchover?.time ?? null,
    edges: [...edges.values()].sort((a, b) => a.router.localeCompare(b.router) || a.out.localeCompare(b.out)),
    nodes: [...nodes.values()].sort((a, b) => a.router.localeCompare(b.router)),
  };
}

export function inferTrees(input: TreeInput): { trees: Tree[]; anomalies: Anomaly[] } {
  const context = new TreeContext(input);
  const { activeFlows, liveJoins } = context;
  // Flows seen within the Keepalive Period still hold (S,G) state somewhere (RFC 7761 §4.1.3).
  const keptFlows = input.flows.filter((flow) => isRoutable(flow.group) && input.at - flow.lastSeen <= input.keepalivePeriod);
  const groups = new Set<string>();
  for (const flow of keptFlows) groups.add(flow.group);
  for (const join of input.pim.joins) groups.add(join.group);
  for (const register of input.pim.registers) groups.add(register.group);

  const trees: Tree[] = [];
  const anomalies: Anomaly[] = [];
  for (const group of [...groups].sort()) {
    const rp = isSsmGroup(group) ? null : input.rpFor(group) ?? liveJoins.find((join) => join.group === group && join.rp !== null)?.rp ?? null;
    const sources = new Set<string>();
    for (const flow of keptFlows) if (flow.group === group) sources.add(flow.source);
    for (const join of input.pim.joins) if (join.group === group && join.type === 'S,G' && join.source !== null) sources.add(join.source);
    for (const register of input.pim.registers) if (register.group === group) sources.add(register.source);
    const starTree = input.pim.joins.some((join) => join.group === group && join.type === '*,G') ? inferTree(context, null, group, rp) : null;
    if (starTree) trees.push(starTree);
    for (const source of [...sources].sort()) {
      const tree = inferTree(context, source, group, rp);
      if (tree === null) continue;
      trees.push(tree);
      for (const found of tree.edges) {
        if (found.carriesData && !found.wanted) anomalies.push({ kind: 'unwanted-data', link: found.out, source, group, router: found.router });
      }
    }
  }

  for (const entry of input.memberships) {
    const group = entry.group.group;
    if (!isRoutable(group)) continue;
    const here = activeFlows.some((flow) => flow.link === entry.link && flow.group === group);
    const elsewhere = activeFlows.filter((flow) => flow.link !== entry.link && flow.group === group && membershipWants(entry.group, flow.source));
    if (here) continue;
    for (const source of new Set(elsewhere.map((flow) => flow.source))) anomalies.push({ kind: 'members-without-data', link: entry.link, group, source });
  }
  for (const flow of input.flows) {
    const active = flow.forwarders.filter((forwarder) => forwarder.active);
    if (flow.duplicated) anomalies.push({ kind: 'duplicate-forwarding', link: flow.link, source: flow.source, group: flow.group, forwarders: active.map((f) => f.mac) });
    if (flow.macMismatches > 0) anomalies.push({ kind: 'mac-mismatch', link: flow.link, source: flow.source, group: flow.group, packets: flow.macMismatches });
  }
  return { trees, anomalies };
}
