/** The analyzer's snapshot as the same item sets the routers' truth gives (see frr-truth.ts). */
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { Topology } from '../../capture/model/topology.js';
import { interfaceAddresses } from '../../capture/model/topology.js';
import { emptyItemSets, type ItemSets } from './frr-truth.js';
import { isRoutable } from '../../capture/model/trees.js';

export function analyzerItems(snapshot: NetworkSnapshot, topology: Topology): ItemSets {
  const items = emptyItemSets();
  const routers = topology.nodes.filter((node) => node.kind === 'router');
  /** The router (by name) owning `address` on `link`, from the topology. */
  const ownerOn = (link: string, address: string) =>
    routers.find((node) => node.interfaces.some((entry) => entry.link === link && interfaceAddresses(entry).includes(address)))?.name ?? null;
  const nameOf = new Map(snapshot.routers.map((router) => [router.id, router.name ?? router.id]));

  for (const link of snapshot.links) {
    // Membership state is held by every router running IGMP on the link (each sent queries at startup).
    const igmpRouters = link.igmpRouters.map((address) => ownerOn(link.name, address)).filter((name): name is string => name !== null);
    for (const membership of snapshot.memberships) {
      // FRR keeps no state for 224.0.0.0/24 (link-local, never routed); the model does, as a querier would.
      if (membership.link !== link.name || membership.family !== 4 || !isRoutable(membership.group)) continue;
      for (const router of igmpRouters) {
        items['igmp-groups'].add(`${router} ${link.name} ${membership.group}`);
        const sources = membership.mode === 'EXCLUDE' ? ['*', ...membership.sources] : membership.sources;
        for (const source of sources) items['igmp-sources'].add(`${router} ${link.name} ${membership.group} ${source}`);
      }
    }
    // Each PIM router on the link has every other one as a neighbor.
    for (const self of link.pimNeighbors) {
      const router = ownerOn(link.name, self);
      if (router === null) continue;
      for (const neighbor of link.pimNeighbors) if (neighbor !== self) items['pim-neighbors'].add(`${router} ${link.name} ${neighbor}`);
    }
    if (link.dr !== null) items['pim-dr'].add(`${link.name} ${link.dr}`);
    if (link.mldQuerier !== null) items['mld-querier'].add(`${link.name} ${link.mldQuerier}`);
  }
  for (const membership of snapshot.memberships) {
    if (membership.family !== 6) continue;
    items['mld-groups'].add(`${membership.link} ${membership.group} ${membership.mode}`);
    for (const source of membership.sources) items['mld-sources'].add(`${membership.link} ${membership.group} ${source} forward`);
    for (const source of membership.excluded) items['mld-sources'].add(`${membership.link} ${membership.group} ${source} block`);
  }
  for (const join of snapshot.joins) {
    const router = ownerOn(join.link, join.upstream);
    if (router === null) continue;
    const source = join.source ?? '*';
    if (join.type === 'S,G,rpt') {
      if (join.state === 'pruned') items['pim-joins'].add(`${router} ${join.link} S,G,rpt ${source} ${join.group}`);
    } else if (join.state !== 'pruned') {
      items['pim-joins'].add(`${router} ${join.link} ${join.type} ${source} ${join.group}`);
    }
  }
  for (const membership of snapshot.memberships) {
    // What the hosts ask for (pimd-truth.ts host-groups / host-sources): the membership's filter mode, its
    // INCLUDE sources or its EXCLUDE list.
    if (!isRoutable(membership.group)) continue;
    items['host-groups'].add(`${membership.link} ${membership.group} ${membership.mode}`);
    if (membership.mode === 'INCLUDE') for (const source of membership.sources) items['host-sources'].add(`${membership.link} ${membership.group} ${source} forward`);
    else for (const source of membership.excluded) items['host-sources'].add(`${membership.link} ${membership.group} ${source} block`);
  }
  for (const tree of snapshot.trees) {
    if (tree.kind !== 'SSM' && tree.rp !== null) items['pim-rp'].add(`${tree.group} ${tree.rp}`);
  }
  for (const join of snapshot.joins) if (join.type === '*,G' && join.rp) items['pim-rp'].add(`${join.group} ${join.rp}`);
  kernelItems(snapshot, nameOf, items);
  for (const tree of snapshot.trees) {
    for (const edge of tree.edges) {
      if (edge.wanted) items['mroute-oil'].add(`${nameOf.get(edge.router) ?? edge.router} ${tree.source} ${tree.group} ${edge.out}`);
    }
    for (const node of tree.nodes) {
      if (node.in !== null) items['mroute-iif'].add(`${nameOf.get(node.router) ?? node.router} ${tree.source} ${tree.group} ${node.in}`);
    }
  }
  return items;
}

/**
 * The kernel forwarding cache as the analyzer's trees imply it (pimd-truth.ts kernel-iif / kernel-oil): one (S,G)
 * entry per router and IPv4 source seen sending to the group, with the router's incoming link and outgoing links on
 * the source's own tree when the router is on it, else on the group's RP tree (a router forwards a source of the
 * shared tree along the (*,G) entry; the kernel holds that as an (S,G) entry too).
 */
function kernelItems(snapshot: NetworkSnapshot, nameOf: Map<string, string>, items: ItemSets): void {
  const sourcesOf = new Map<string, Set<string>>();
  for (const flow of snapshot.flows) {
    if (flow.source.includes(':')) continue;
    sourcesOf.set(flow.group, (sourcesOf.get(flow.group) ?? new Set()).add(flow.source));
  }
  const add = (tree: NetworkSnapshot['trees'][number], router: string, source: string) => {
    const name = nameOf.get(router) ?? router;
    const node = tree.nodes.find((entry) => entry.router === router);
    if (node?.in) items['kernel-iif'].add(`${name} ${source} ${tree.group} ${node.in}`);
    for (const edge of tree.edges) if (edge.router === router && edge.wanted) items['kernel-oil'].add(`${name} ${source} ${tree.group} ${edge.out}`);
  };
  for (const tree of snapshot.trees) {
    if (tree.source === '*') continue;
    for (const node of tree.nodes) add(tree, node.router, tree.source);
  }
  for (const tree of snapshot.trees) {
    if (tree.source !== '*') continue;
    for (const source of sourcesOf.get(tree.group) ?? []) {
      const own = snapshot.trees.find((entry) => entry.source === source && entry.group === tree.group);
      for (const node of tree.nodes) {
        if (own?.nodes.some((entry) => entry.router === node.router)) continue;
        add(tree, node.router, source);
      }
    }
  }
}
