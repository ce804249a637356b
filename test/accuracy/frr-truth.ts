/**
 * The routers' own view (FRR `vtysh ... json` dumped by the lab at each checkpoint, and the lab's
 * MLD queriers' state dumps), turned into comparable item sets: one string per fact, with the
 * router name and the link (from the lab's topology.json, which maps each interface to its link).
 */
import type { Topology } from '../../capture/model/topology.js';

export const CATEGORIES = [
  'igmp-groups', 'igmp-sources', 'pim-neighbors', 'pim-dr', 'pim-joins', 'mroute-iif', 'mroute-oil',
  'mld-querier', 'mld-groups', 'mld-sources',
  // Only where a vendor's truth shows them (pimd-truth.ts): the RP per group, the kernel's forwarding cache, the
  // hosts' own socket state.
  'pim-rp', 'kernel-iif', 'kernel-oil', 'host-groups', 'host-sources',
] as const;
/** The categories FRR's vtysh dumps and the lab's MLD queriers have truth for. */
export const FRR_CATEGORIES: readonly Category[] = [
  'igmp-groups', 'igmp-sources', 'pim-neighbors', 'pim-dr', 'pim-joins', 'mroute-iif', 'mroute-oil',
  'mld-querier', 'mld-groups', 'mld-sources',
];
/** Categories whose truth comes from the lab's MLD queriers: compared only where a checkpoint has them. */
export const MLD_CATEGORIES: readonly Category[] = ['mld-querier', 'mld-groups', 'mld-sources'];
export type Category = (typeof CATEGORIES)[number];
export type ItemSets = Record<Category, Set<string>>;

export interface Checkpoint {
  checkpoint: number;
  label: string;
  timeStart: number;
  timeEnd: number;
  routers: Record<string, Record<string, unknown>>;
  /** samples/lab/mld-querier.py state dumps, by querier name. */
  queriers?: Record<string, MldQuerierDump | null>;
  /** The hosts' /proc membership files, by host name. */
  hosts?: Record<string, Record<string, string>>;
  /** Set by samples/lab/pimd.sh ("pimd"); FRR checkpoints have none. */
  vendor?: string;
}

export interface MldQuerierDump {
  address: string;
  /** The interface it queries on. */
  interface?: string;
  role: 'querier' | 'non-querier';
  addresses: { address: string; filterMode: 'INCLUDE' | 'EXCLUDE'; sources: { address: string; forward: boolean }[] }[];
}

type Json = Record<string, unknown>;

export function emptyItemSets(): ItemSets {
  return Object.fromEntries(CATEGORIES.map((category) => [category, new Set<string>()])) as ItemSets;
}

/** Router interface name → link name, per router. */
export function interfaceLinks(topology: Topology): Map<string, Map<string, string>> {
  const result = new Map<string, Map<string, string>>();
  for (const node of topology.nodes) {
    result.set(node.name, new Map(node.interfaces.filter((entry) => entry.name && entry.link).map((entry) => [entry.name!, entry.link!])));
  }
  return result;
}

/** Interface entries of an FRR per-interface JSON object (skipping summary keys like totalGroups). */
function interfacesOf(json: unknown): [string, Json][] {
  if (typeof json !== 'object' || json === null) return [];
  return Object.entries(json as Json).filter((entry): entry is [string, Json] => typeof entry[1] === 'object' && entry[1] !== null);
}

const isGroupKey = (key: string) => /^\d+\.\d+\.\d+\.\d+$/.test(key) || key.includes(':');

export function truthItems(checkpoint: Checkpoint, topology: Topology): ItemSets {
  const items = emptyItemSets();
  const links = interfaceLinks(topology);
  for (const [router, dumps] of Object.entries(checkpoint.routers)) {
    const linkOf = (ifname: string) => links.get(router)?.get(ifname) ?? null;

    for (const [ifname, entry] of interfacesOf(dumps['show ip igmp groups json'])) {
      const link = linkOf(ifname);
      if (link === null) continue;
      for (const group of (entry.groups as Json[] | undefined) ?? []) items['igmp-groups'].add(`${router} ${link} ${group.group}`);
    }
    for (const [ifname, entry] of interfacesOf(dumps['show ip igmp sources json'])) {
      const link = linkOf(ifname);
      if (link === null) continue;
      for (const [group, detail] of Object.entries(entry)) {
        if (!isGroupKey(group)) continue;
        for (const source of ((detail as Json).sources as Json[] | undefined) ?? []) items['igmp-sources'].add(`${router} ${link} ${group} ${source.source}`);
      }
    }
    for (const [ifname, neighbors] of interfacesOf(dumps['show ip pim neighbor json'])) {
      const link = linkOf(ifname);
      if (link === null) continue;
      for (const address of Object.keys(neighbors)) items['pim-neighbors'].add(`${router} ${link} ${address}`);
    }
    for (const [ifname, entry] of interfacesOf(dumps['show ip pim interface json'])) {
      const link = linkOf(ifname);
      if (link === null || typeof entry.pimDesignatedRouter !== 'string') continue;
      items['pim-dr'].add(`${link} ${entry.pimDesignatedRouter}`);
    }
    for (const [ifname, entry] of interfacesOf(dumps['show ip pim join json'])) {
      const link = linkOf(ifname);
      if (link === null) continue;
      for (const [group, sources] of Object.entries(entry)) {
        if (!isGroupKey(group)) continue;
        for (const [source, state] of Object.entries(sources as Json)) {
          const name = String((state as Json).channelJoinName);
          // JOIN and PRUNE_PENDING are downstream Join state (RFC 7761 §4.5); SGRpt(P) is an (S,G,rpt) Prune.
          // NOINFO rows come from local IGMP membership, not from a PIM Join.
          if (name === 'JOIN' || name === 'PRUNEP') items['pim-joins'].add(`${router} ${link} ${source === '*' ? '*,G' : 'S,G'} ${source} ${group}`);
          else if (name.startsWith('SGRpt(P')) items['pim-joins'].add(`${router} ${link} S,G,rpt ${source} ${group}`);
        }
      }
    }
    const mroute = dumps['show ip mroute json'];
    for (const [group, sources] of interfacesOf(mroute)) {
      if (!isGroupKey(group)) continue;
      for (const [source, entry] of interfacesOf(sources)) {
        const iif = linkOf(String(entry.iif));
        if (iif !== null) items['mroute-iif'].add(`${router} ${source} ${group} ${iif}`);
        for (const ifname of Object.keys((entry.oil as Json | undefined) ?? {})) {
          const out = linkOf(ifname);
          if (out !== null) items['mroute-oil'].add(`${router} ${source} ${group} ${out}`);
        }
      }
    }
  }
  for (const [name, dump] of Object.entries(checkpoint.queriers ?? {})) {
    // The querier's view is the one the link runs on (RFC 3810 §7.6.2); the other only listens.
    if (dump === null || dump.role !== 'querier') continue;
    const link = topology.nodes.find((node) => node.name === name)?.interfaces[0]?.link;
    if (link === undefined) continue;
    items['mld-querier'].add(`${link} ${dump.address}`);
    for (const entry of dump.addresses) {
      items['mld-groups'].add(`${link} ${entry.address} ${entry.filterMode}`);
      for (const source of entry.sources) items['mld-sources'].add(`${link} ${entry.address} ${source.address} ${source.forward ? 'forward' : 'block'}`);
    }
  }
  return items;
}
