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
