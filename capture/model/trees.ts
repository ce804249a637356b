/**
 * Forwarding trees inferred from what the links show, per (S,G) and (*,G), by rules that hold for
 * any RFC 7761 router:
 *   - a router forwards a flow onto a link when the flow's frames there carry its MAC, for more
 *     than a leak (a few isolated packets are an anomaly, not forwarding), and it has not stopped
 *     with a lost Assert, an AssertCancel or a PruneEcho (§4.6, §4.5) followed by silence;
 *   - a router should forward onto a link when a downstream router joined towards it there
 *     (§4.5 downstream state), or when it is the DR (or the assert winner, §4.6) of a link whose
 *     members want the flow (§4.1.6 local receiver state) and it is itself on the tree: it joined
 *     upstream, it is the RP, or the source is on one of its links. A router that never joined
 *     cannot forward, whatever its members want: that is a link waiting for data;
 *   - a router's incoming link (RPF interface) is, in this order, the source's own link when it
 *     is directly connected; the link of its latest (S,G) Join; the link of its latest (*,G) Join
 *     while it is on the shared tree for that source (no (S,G,rpt) Prune of its own in force);
 *     none at the RP. It never forwards onto that link (§4.2: oiflist minus iif), and nobody
 *     forwards a source's packets onto the source's own link;
 *   - per address family: the DR, the assert winner and the first hop come from the Hellos of
 *     the group's family, and with no PIM speaker of that family on the wire there is no tree —
 *     its data on a link is a flow, not a tree;
 *   - a member link the data cannot reach because its TTL runs out on the way is still an edge
 *     the router holds: kept, and marked TTL-limited.
 * Edges that carry data nobody on the link wants, and links whose members wait for data that flows
 * elsewhere, are reported as anomalies.
 */
import { isSsmGroup, multicastScope } from '../addresses.js';
import type { FlowSnapshot, ForwarderSnapshot } from './flows.js';
import type { GroupSnapshot } from './membership/index.js';
import type { JoinSnapshot, PimSnapshot } from './pim/index.js';
import type { RouterRegistry } from './routers.js';
import type { Anomaly, Tree, TreeEdge, TreeNode } from '../../shapes/trees.js';
import type { SwitchoverTiming } from './switchover.js';

export interface LinkGroupMembership {
  link: string;
  family: 4 | 6;
  group: GroupSnapshot;
}

/** When a router was told (or told others) to stop forwarding onto a link. */
export interface ForwardingStops {
  /** `link|source or *|group` → the Assert winner and when it won (every other router on the link lost then). */
  readonly assertWins: ReadonlyMap<string, { winner: string; time: number }>;
  /** `link|router address|source or *|group` → when it sent an AssertCancel or a PruneEcho there. */
  readonly stops: ReadonlyMap<string, number>;
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
  /** The last-hop router's switch to (S,G)'s SPT, timed on its links (switchover.ts). */
  switchoverTiming?: (source: string, group: string) => SwitchoverTiming | null;
  forwardingStops: ForwardingStops;
  rpFor: (group: string) => string | null;
}

/** Seconds a forwarder may go on after it was told to stop and still be taken as having stopped then. */
const STOP_GRACE = 1;

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

const familyOf = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/** Whether a group's membership on a link asks for traffic from `source` (RFC 3376 §6.2.2); null source: any. */
function membershipWants(membership: GroupSnapshot, source: string | null): boolean {
  if (source === null) return membership.mode === 'EXCLUDE';
  return membership.mode === 'INCLUDE'
    ? membership.sources.some((entry) => entry.address === source)
    : !membership.excluded.includes(source);
}

/** The latest live row, by its last refresh: a router has one RPF neighbor per entry (RFC 7761 §4.1.6). */
function latest(rows: readonly JoinSnapshot[]): JoinSnapshot | undefined {
  let best: JoinSnapshot | undefined;
  for (const row of rows) {
    if (row.state === 'pruned') continue;
    const refreshed = row.expiresAt === null ? Infinity : row.expiresAt - row.holdtime;
    const bestRefreshed = best === undefined ? -Infinity : best.expiresAt === null ? Infinity : best.expiresAt - best.holdtime;
    if (refreshed > bestRefreshed) best = row;
  }
  return best;
}

/** What the tree inference looks up, built once per snapshot. */
class TreeContext {
  /** The input's lists by group (each in its input order): a tree looks at its group's share only. */
  readonly flowsOf: (group: string) => readonly FlowSnapshot[];
  readonly activeFlowsOf: (group: string) => readonly FlowSnapshot[];
  readonly joinsOf: (group: string) => readonly JoinSnapshot[];
  readonly liveJoinsOf: (group: string) => readonly JoinSnapshot[];
  readonly registersOf: (group: string) => readonly TreeInput['pim']['registers'][number][];
  readonly membershipsOf: (group: string) => readonly TreeInput['memberships'][number][];
  private readonly assertsOf: (group: string) => readonly TreeInput['pim']['asserts'][number][];
  /** Families with a PIM speaker on some link now. */
  readonly pimFamilies: Set<4 | 6>;
  /** Live PIM neighbors, `link|address`. */
  private readonly neighbors: Set<string>;

  constructor(readonly input: TreeInput) {
    this.flowsOf = indexByGroup(input.flows, (flow) => flow.group);
    this.activeFlowsOf = indexByGroup(input.flows.filter((flow) => flow.forwarders.some((forwarder) => forwarder.active)), (flow) => flow.group);
    this.joinsOf = indexByGroup(input.pim.joins, (join) => join.group);
    this.liveJoinsOf = indexByGroup(input.pim.joins.filter((join) => join.state !== 'pruned'), (join) => join.group);
    this.registersOf = indexByGroup(input.pim.registers, (register) => register.group);
    this.membershipsOf = indexByGroup(input.memberships, (entry) => entry.group.group);
    this.assertsOf = indexByGroup(input.pim.asserts, (entry) => entry.group);
    this.pimFamilies = new Set(input.pim.links.filter((link) => link.neighbors.length > 0).map((link) => link.family));
    this.neighbors = new Set(input.pim.links.flatMap((link) => link.neighbors.map((neighbor) => `${link.link}|${neighbor.address}`)));
  }

  routerAt(link: string, key: { address?: string; mac?: string }): string | null {
    return this.input.routers.routerOn(link, key)?.id ?? null;
  }

  routerLinks(router: string): string[] {
    return this.input.routers.routers().find((entry) => entry.id === router)?.interfaces.map((entry) => entry.link) ?? [];
  }

  isNeighbor(link: string, address: string): boolean {
    return this.neighbors.has(`${link}|${address}`);
  }

  /** Join/Prune rows `router` sent upstream for the entry (any state while the row lives). */
  sentBy(router: string, type: JoinSnapshot['type'], source: string | null, group: string): JoinSnapshot[] {
    return this.joinsOf(group).filter((join) => join.type === type && join.source === source
      && this.routerAt(join.link, { address: join.from }) === router);
  }

  /** Join rows on `link` asking for (S,G) (or (*,G) when source is null), from any downstream router. */
  joinedOn(link: string, source: string | null, group: string): JoinSnapshot[] {
    return this.liveJoinsOf(group).filter((join) => {
      if (join.link !== link || join.state !== 'join') return false;
      if (join.type === 'S,G') return source !== null && join.source === source;
      if (join.type !== '*,G') return false;
      if (source === null) return true;
      // RFC 7761 §4.5.4: an (S,G,rpt) Prune from the same downstream router takes S off its (*,G) Join.
      return !this.rptPruned(link, join.from, source, group);
    });
  }

  /** Whether `from` has an (S,G,rpt) Prune in force on `link`. */
  rptPruned(link: string, from: string, source: string, group: string): boolean {
    return this.joinsOf(group).some((prune) => prune.type === 'S,G,rpt' && prune.state === 'pruned' && prune.link === link
      && prune.from === from && prune.source === source);
  }

  membersOn(link: string, source: string | null, group: string): boolean {
    return this.membershipsOf(group).some((entry) => entry.link === link && membershipWants(entry.group, source));
  }

  /**
   * The router that is the RP: the owner of the RP address when an interface has it, else the
   * router where the (*,G) Joins towards the RP end (it receives them and sends none upstream;
   * RFC 7761 §4.5.6) — the RP address is often a loopback no Hello announces.
   */
  rpRouter(rp: string, group: string): string | null {
    const owner = this.input.routers.routerWithAddress(rp)?.id;
    if (owner) return owner;
    const starJoins = this.liveJoinsOf(group).filter((join) => join.type === '*,G' && join.rp === rp);
    const upstreams = new Set(starJoins.map((join) => this.routerAt(join.link, { address: join.upstream })));
    const senders = new Set(starJoins.map((join) => this.routerAt(join.link, { address: join.from })));
    const ends = [...upstreams].filter((router): router is string => router !== null && !senders.has(router));
    return ends.length === 1 ? ends[0]! : null;
  }

  /** The current Assert for (S,G) or (*,G) on `link`, if any. */
  private assertOn(link: string, source: string | null, group: string) {
    return this.assertsOf(group).find((entry) => entry.link === link && (entry.source === source || entry.source === null));
  }

  /** Whether an Assert on `link` for (S,G) or (*,G) was won by another router than `router`. */
  lostAssert(router: string, link: string, source: string | null, group: string): boolean {
    const asserted = this.assertOn(link, source, group);
    return asserted !== undefined && this.routerAt(link, { address: asserted.winner }) !== router;
  }

  /**
   * When `router` was last told, or told others, to stop forwarding (S,G) onto `link`: it lost an
   * Assert (§4.6), or sent an AssertCancel or a PruneEcho (§4.6.1, §4.5); null if never.
   */
  stoppedAt(router: string, link: string, source: string, group: string): number | null {
    const { assertWins, stops } = this.input.forwardingStops;
    let latestStop: number | null = null;
    const note = (time: number | undefined) => {
      if (time !== undefined && (latestStop === null || time > latestStop)) latestStop = time;
    };
    for (const key of [`${link}|${source}|${group}`, `${link}|*|${group}`]) {
      const win = assertWins.get(key);
      if (win !== undefined && this.routerAt(link, { address: win.winner }) !== router) note(win.time);
    }
    const addresses = this.input.routers.routers().find((entry) => entry.id === router)?.interfaces
      .filter((entry) => entry.link === link).flatMap((entry) => entry.addresses) ?? [];
    for (const address of addresses) {
      note(stops.get(`${link}|${address}|${source}|${group}`));
      note(stops.get(`${link}|${address}|*|${group}`));
    }
    return latestStop;
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

  /** The router that forwards onto a member link: the assert winner, else the DR of the group's family (RFC 7761 §4.2, §4.6). */
  localForwarder(link: string, source: string | null, group: string): string | null {
    const { pim } = this.input;
    const family = familyOf(group);
    const address = pim.asserts.find((entry) => entry.link === link && entry.group === group && entry.source === source)?.winner
      ?? pim.links.find((entry) => entry.link === link && entry.family === family)?.dr ?? null;
    return address === null ? null : this.routerAt(link, { address });
  }

  /** The highest TTL the flow arrives with on `link` (its active forwarders), or null if it is not there. */
  arrivingTtl(link: string, source: string, group: string): number | null {
    const flow = this.flowsOf(group).find((entry) => entry.link === link && entry.source === source);
    const active = flow?.forwarders.filter((forwarder) => forwarder.active) ?? [];
    return active.length === 0 ? null : Math.max(...active.map((forwarder) => forwarder.ttl));
  }
}

function inferTree(context: TreeContext, source: string | null, group: string, rp: string | null): Tree | null {
  const { input } = context;
  const liveJoins = context.liveJoinsOf(group);
  const edges = new Map<string, TreeEdge>();
  const edge = (router: string, out: string): TreeEdge => {
    const key = `${router}|${out}`;
    let found = edges.get(key);
    if (!found) {
      found = { router, in: null, out, carriesData: false, wanted: false, ttlLimited: false };
      edges.set(key, found);
    }
    return found;
  };
  const rpRouter = rp === null ? null : context.rpRouter(rp, group);

  // Data: who puts the flow on each link. A sender that is no router is the source on its own link.
  const sourceLinks = new Set<string>();
  if (source !== null) {
    for (const flow of context.flowsOf(group)) {
      if (flow.source !== source) continue;
      for (const forwarder of flow.forwarders) {
        const router = context.routerAt(flow.link, { mac: forwarder.mac });
        if (router === null) {
          // RFC 7761 §4.4: the first-hop router keeps (S,G) state for the Keepalive Period after the last packet.
          if (input.at - forwarder.lastSeen <= input.keepalivePeriod) sourceLinks.add(flow.link);
        } else if (forwards(context, router, flow.link, source, group, forwarder)) {
          edge(router, flow.link).carriesData = true;
        }
      }
    }
  }
  // RFC 7761 §4.2: data from a directly connected source on its RPF interface sets the KeepaliveTimer,
  // (S,G) state at the DR of the source's link, in the SSM range too (where nothing registers).
  const firstHops = new Set<string>();
  for (const link of sourceLinks) {
    const dr = context.localForwarder(link, null, group);
    if (dr !== null) firstHops.add(dr);
  }

  // Downstream state: every live Join for this entry makes its upstream router forward there.
  for (const join of liveJoins) {
    if (join.group !== group || !context.joinedOn(join.link, source, group).includes(join)) continue;
    const router = context.routerAt(join.link, { address: join.upstream });
    if (router !== null) edge(router, join.link).wanted = true;
  }

  const incoming = (router: string): string | null => {
    if (router === rpRouter && source === null) return null;
    // RFC 7761 §4.5.7 DirectlyConnected: seen on the wire (the source's own frames on one of its links), or from the topology's prefixes.
    const direct = source === null ? undefined
      : context.routerLinks(router).find((link) => sourceLinks.has(link)) ?? input.routers.connectedLink(router, source) ?? undefined;
    if (direct !== undefined) return direct;
    const spt = source === null ? [] : context.sentBy(router, 'S,G', source, group);
    const sptLink = latest(spt)?.link;
    if (sptLink !== undefined) return sptLink;
    const rpt = latest(context.sentBy(router, '*,G', null, group));
    // The (*,G) Join carries a source only while the router has no (S,G,rpt) Prune of its own for it (§4.5.4).
    if (rpt !== undefined && (source === null || !context.rptPruned(rpt.link, rpt.from, source, group))) return rpt.link;
    return spt[0]?.link ?? context.rememberedRpf(router, source ?? rp) ?? null;
  };
  const hasEdge = (router: string) => [...edges.values()].some((found) => found.router === router);
  // An ASM source's tree holds a router only with (S,G) state of its own: data, a (S,G) Join it sent, or the
  // source on its link. A route towards S (a Join it sent for another group) is not that state.
  const asmSource = source !== null && !isSsmGroup(group);
  const hasSourceState = (router: string) => context.sentBy(router, 'S,G', source, group).length > 0
    || context.routerLinks(router).some((link) => sourceLinks.has(link));
  const onTree = (router: string) => hasEdge(router) || router === rpRouter || firstHops.has(router)
    || (asmSource ? hasSourceState(router) : incoming(router) !== null);

  // Local receivers. RFC 7761 §4.1.3, §4.5.6: the DR of a member link has (*,G) state for them
  // (pim_include(*,G)) once the group has an RP, whether or not it reaches it; on a source's tree it
  // forwards there if it is on that tree.
  for (const entry of context.membershipsOf(group)) {
    if (!membershipWants(entry.group, source)) continue;
    const router = context.localForwarder(entry.link, source, group);
    if (router !== null && ((source === null && rp !== null && !isSsmGroup(group)) || onTree(router))) edge(router, entry.link).wanted = true;
  }

  for (const found of edges.values()) {
    found.wanted ||= context.membersOn(found.out, source, group) || context.joinedOn(found.out, source, group).length > 0;
    // RFC 7761 §4.6: an Assert loser takes the link out of its outgoing list; what it still sends there is a duplicate.
    if (context.lostAssert(found.router, found.out, source, group)) found.wanted = false;
    found.in = incoming(found.router);
    // RFC 7761 §4.2: a router forwards on oiflist minus its incoming interface; nobody forwards S onto S's own link.
    if (found.in === found.out || sourceLinks.has(found.out)) edges.delete(`${found.router}|${found.out}`);
  }
  for (const found of edges.values()) {
    // A member link the data cannot reach: what arrives on the router's incoming link has no TTL left to forward.
    if (source !== null && found.wanted && !found.carriesData && found.in !== null) {
      const ttl = context.arrivingTtl(found.in, source, group);
      found.ttlLimited = ttl !== null && ttl <= 1;
    }
  }

  const nodes = new Map<string, TreeNode>();
  const holders = new Set([...[...edges.values()].map((found) => found.router), ...firstHops]);
  // RFC 7761 §4.4: the RP receiving the source's Registers holds (S,G) state while they come, with nothing to forward.
  const registering = source !== null && context.registersOf(group).some((entry) => entry.source === source);
  if (registering && rpRouter !== null) holders.add(rpRouter);
  for (const join of liveJoins) {
    if (join.group !== group || join.source !== source || (join.type !== 'S,G' && join.type !== '*,G')) continue;
    // A router that left PIM on the link (goodbye, or its holdtime ran out) holds nothing, whatever its Joins upstream still keep.
    if (!context.isNeighbor(join.link, join.from)) continue;
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
    switchover: kind === 'SPT' && source !== null ? timed(input.switchoverTiming?.(source, group) ?? null) : null,
    edges: [...edges.values()].sort((a, b) => a.router.localeCompare(b.router) || a.out.localeCompare(b.out)),
    nodes: [...nodes.values()].sort((a, b) => a.router.localeCompare(b.router)),
  };
}

function timed(timing: SwitchoverTiming | null): Tree['switchover'] {
  if (timing === null) return null;
  const { firstSptPacketAt, lastRptPacketAt } = timing;
  return { ...timing, seconds: firstSptPacketAt === null || lastRptPacketAt === null ? null : Math.round((lastRptPacketAt - firstSptPacketAt) * 1e6) / 1e6 };
}

/**
 * Whether `router` forwards the flow onto `link` at the snapshot's time: its forwarder there is
 * active, sustained (more than a leak), and did not fall silent right after it was told to stop.
 */
function forwards(context: TreeContext, router: string, link: string, source: string, group: string, forwarder: ForwarderSnapshot): boolean {
  if (!forwarder.active || !forwarder.sustained) return false;
  const stopped = context.stoppedAt(router, link, source, group);
  return stopped === null || forwarder.lastSeen > stopped + STOP_GRACE;
}

/** `items` by group, each group's list in input order. */
function indexByGroup<T>(items: readonly T[], groupOf: (item: T) => string): (group: string) => readonly T[] {
  const index = new Map<string, T[]>();
  for (const item of items) {
    const group = groupOf(item);
    let list = index.get(group);
    if (!list) index.set(group, (list = []));
    list.push(item);
  }
  return (group) => index.get(group) ?? [];
}

export function inferTrees(input: TreeInput): { trees: Tree[]; anomalies: Anomaly[] } {
  const context = new TreeContext(input);
  const { pimFamilies } = context;
  // Flows seen within the Keepalive Period still hold (S,G) state somewhere (RFC 7761 §4.1.3).
  const keptFlows = input.flows.filter((flow) => isRoutable(flow.group) && input.at - flow.lastSeen <= input.keepalivePeriod);
  const groups = new Set<string>();
  for (const flow of keptFlows) groups.add(flow.group);
  for (const join of input.pim.joins) groups.add(join.group);
  for (const register of input.pim.registers) groups.add(register.group);
  // RFC 7761 §4.1.6: a DR with local members holds (*,G) (ASM) or (S,G) (their INCLUDE sources) state, joined or not.
  for (const entry of input.memberships) if (isRoutable(entry.group.group)) groups.add(entry.group.group);

  const keptFlowsOf = indexByGroup(keptFlows, (flow) => flow.group);
  const { joinsOf, liveJoinsOf, registersOf, membershipsOf, activeFlowsOf } = context;

  const trees: Tree[] = [];
  const anomalies: Anomaly[] = [];
  for (const group of [...groups].sort()) {
    // No PIM speaker of the group's family: its data on a link is a flow, not a tree.
    if (!pimFamilies.has(familyOf(group))) continue;
    const ssm = isSsmGroup(group);
    const rp = ssm ? null : input.rpFor(group) ?? liveJoinsOf(group).find((join) => join.rp !== null)?.rp ?? null;
    const sources = new Set<string>();
    for (const flow of keptFlowsOf(group)) sources.add(flow.source);
    for (const join of joinsOf(group)) if (join.type === 'S,G' && join.source !== null) sources.add(join.source);
    for (const register of registersOf(group)) sources.add(register.source);
    for (const entry of membershipsOf(group)) {
      if (entry.group.mode === 'INCLUDE') for (const requested of entry.group.sources) sources.add(requested.address);
    }
    const starWanted = !ssm && (joinsOf(group).some((join) => join.type === '*,G') || membershipsOf(group).some((entry) => entry.group.mode === 'EXCLUDE'));
    const starTree = starWanted ? inferTree(context, null, group, rp) : null;
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
    const flows = activeFlowsOf(group);
    if (flows.some((flow) => flow.link === entry.link)) continue;
    const elsewhere = flows.filter((flow) => flow.link !== entry.link && membershipWants(entry.group, flow.source));
    for (const source of new Set(elsewhere.map((flow) => flow.source))) anomalies.push({ kind: 'members-without-data', link: entry.link, group, source });
  }
  for (const flow of input.flows) {
    const active = flow.forwarders.filter((forwarder) => forwarder.active);
    if (flow.duplicated) anomalies.push({ kind: 'duplicate-forwarding', link: flow.link, source: flow.source, group: flow.group, forwarders: active.map((f) => f.mac) });
    if (flow.macMismatches > 0) anomalies.push({ kind: 'mac-mismatch', link: flow.link, source: flow.source, group: flow.group, packets: flow.macMismatches });
  }
  return { trees, anomalies };
}
