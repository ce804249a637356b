/**
 * The truth of a pimd lab (samples/lab/pimd.sh): troglobit pimd 2.3.2's SIGUSR1 dump (`pimd -r`), the kernel's
 * multicast forwarding cache and the hosts' socket state, turned into the item strings of frr-truth.ts, each truth
 * only for what it can show:
 *
 *   - the pimd dump: PIM neighbors and whether this router is DR per virtual interface (pim-neighbors, pim-dr), and
 *     the multicast routing table: (*,G) and (S,G) entries with their incoming interface and outgoing list
 *     (mroute-iif, mroute-oil; the incoming interface is left out of the outgoing list, as pimd leaves it out of the
 *     kernel entry), the interfaces that received a Join (pim-joins; "Joined oifs"), the (S,G,rpt)
 *     Prunes of the (S,G)RPbit entries ("Pruned oifs" of an entry flagged RP), the RP each router uses for a group (pim-rp: "group rp", one item however many routers agree). It has
 *     no IGMP group table (only the SSM groups' sources), no RP-set and no BSR: igmp-* is not compared.
 *   - the kernel cache (`ip mroute`, /proc/net/ip_mr_cache): the (S,G) entries that exist, with their incoming
 *     interface and outgoing list (kernel-iif, kernel-oil). The kernel flushes an entry some time after its data
 *     stops, so an (S,G) it lacks says nothing: the analyzer's side is compared only for the (S,G)s the kernel has
 *     (see restrictToKernelEntries).
 *   - the hosts' /proc/net/igmp, /proc/net/mcfilter (and the IPv6 files): the groups each host's sockets hold, and
 *     their source filters. Hosts have no timers, so a group some host holds must be a membership on that host's
 *     link, with the filter mode and sources the RFC 3376 §3.2 merge of the hosts' states gives (host-groups,
 *     host-sources); a membership no host holds may still be running out, so the analyzer's side is compared only
 *     for the (link, group) pairs some host holds (see restrictToHostGroups).
 *
 * Interfaces map to links through topology.json; pimd's virtual interface numbers are the kernel's vif indexes,
 * named in /proc/net/ip_mr_vif (the register vif, pimreg, is no link and is left out).
 */
import type { Topology } from '../../capture/model/topology.js';
import { interfaceAddresses } from '../../capture/model/topology.js';
import { isRoutable } from '../../capture/model/trees.js';
import { emptyItemSets, interfaceLinks, type Checkpoint, type ItemSets } from './frr-truth.js';

export interface PimdVif {
  index: number;
  local: string;
  /** The subnet ("10.1/24") or, for the register vif, its name ("register_vif0"). */
  subnet: string;
  flags: string[];
  neighbors: string[];
}

export interface PimdRoute {
  kind: '*,G' | 'S,G' | '*,*,RP';
  source: string;
  group: string;
  /** RP address, "SSM" for the SSM range, "NULL" when pimd has none, "" for (*,*,RP). */
  rp: string;
  flags: string[];
  joined: number[];
  pruned: number[];
  leaves: number[];
  asserted: number[];
  outgoing: number[];
  incoming: number | null;
}

export interface PimdDump {
  vifs: PimdVif[];
  ssmGroups: { vif: number; group: string; sources: string[] }[];
  routes: PimdRoute[];
}

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

/** pimd 2.3.2's dump_vifs() and dump_pim_mrt() text. */
export function parsePimdDump(text: string): PimdDump {
  const lines = text.split('\n');
  const vifs: PimdVif[] = [];
  const ssmGroups: PimdDump['ssmGroups'] = [];
  const routes: PimdRoute[] = [];
  let section: 'none' | 'vifs' | 'ssm' | 'mrt' = 'none';
  let kind: PimdRoute['kind'] = '*,G';
  let route: PimdRoute | null = null;
  const bitmap = (value: string, mark: string) => [...value].flatMap((char, index) => (char === mark ? [index] : []));
  for (const line of lines) {
    if (line.startsWith('Virtual Interface Table')) { section = 'vifs'; continue; }
    if (line.startsWith(' Vif  SSM Group')) { section = 'ssm'; continue; }
    if (line.startsWith('Multicast Routing Table')) { section = 'mrt'; continue; }
    if (section === 'vifs') {
      const entry = /^\s*(\d+)\s+(\S+)\s+(\S+)\s+(\d+)\s?(.*)$/.exec(line);
      if (entry) {
        const words = entry[5]!.trim().split(/\s+/).filter(Boolean);
        vifs.push({
          index: Number(entry[1]), local: entry[2]!, subnet: entry[3]!,
          flags: words.filter((word) => !IPV4.test(word)), neighbors: words.filter((word) => IPV4.test(word)),
        });
        continue;
      }
      const more = /^\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(line);
      if (more && vifs.length > 0) vifs[vifs.length - 1]!.neighbors.push(more[1]!);
    } else if (section === 'ssm') {
      const entry = /^\s*(\d+)\s+(\d+\.\d+\.\d+\.\d+)\s*(.*)$/.exec(line);
      if (entry) ssmGroups.push({ vif: Number(entry[1]), group: entry[2]!, sources: entry[3]!.trim().split(/\s+/).filter(Boolean) });
    } else if (section === 'mrt') {
      if (line.includes('---- (*,G) ----')) { kind = '*,G'; continue; }
      if (line.includes('---- (S,G) ----')) { kind = 'S,G'; continue; }
      if (line.includes('---- (*,*,G) ----')) { kind = '*,*,RP'; continue; }
      // Entry line: "%-15s  %-15s  %-15s " then the flags, each with a leading space.
      const head = /^(\S+)\s+(\S+)\s+/.exec(line);
      if (head && (head[1] === 'INADDR_ANY' || IPV4.test(head[1]!)) && (head[2] === 'INADDR_ANY' || IPV4.test(head[2]!))) {
        const rp = line.slice(34, 49).trim();
        route = {
          kind, source: head[1] === 'INADDR_ANY' ? '*' : head[1]!, group: head[2] === 'INADDR_ANY' ? '*' : head[2]!,
          rp, flags: line.slice(49).trim().split(/\s+/).filter(Boolean),
          joined: [], pruned: [], leaves: [], asserted: [], outgoing: [], incoming: null,
        };
        routes.push(route);
        continue;
      }
      const field = /^(Joined   oifs|Pruned   oifs|Leaves   oifs|Asserted oifs|Outgoing oifs|Incoming     ): (\S*)/.exec(line);
      if (field && route) {
        const value = field[2]!;
        switch (field[1]) {
          case 'Joined   oifs': route.joined = bitmap(value, 'j'); break;
          case 'Pruned   oifs': route.pruned = bitmap(value, 'p'); break;
          case 'Leaves   oifs': route.leaves = bitmap(value, 'l'); break;
          case 'Asserted oifs': route.asserted = bitmap(value, 'a'); break;
          case 'Outgoing oifs': route.outgoing = bitmap(value, 'o'); break;
          default: route.incoming = bitmap(value, 'I')[0] ?? null;
        }
      }
    }
  }
  return { vifs, ssmGroups, routes };
}

/** /proc/net/ip_mr_vif: kernel vif index → device name. */
export function parseIpMrVif(text: string): Map<number, string> {
  const result = new Map<number, string>();
  for (const line of text.split('\n')) {
    const entry = /^\s*(\d+)\s+(\S+)\s+\d+/.exec(line);
    if (entry) result.set(Number(entry[1]), entry[2]!);
  }
  return result;
}

export interface KernelMroute { source: string; group: string; iif: string | null; oifs: string[] }

/** `ip mroute show`: "(S,G)  Iif: eth0  Oifs: eth1 eth2  State: resolved" (unresolved entries have no Iif). */
export function parseKernelMroute(text: string): KernelMroute[] {
  const result: KernelMroute[] = [];
  for (const line of text.split('\n')) {
    const entry = /^\(([^,]+),([^)]+)\)\s+Iif:\s+(\S+)(?:\s+Oifs:\s+(.*?))?\s+State:\s+(\S+)/.exec(line);
    if (!entry) continue;
    const resolved = entry[5] === 'resolved' && entry[3] !== 'unresolved';
    result.push({
      source: entry[1]!, group: entry[2]!, iif: resolved ? entry[3]! : null,
      oifs: (entry[4] ?? '').split(/\s+/).filter(Boolean).map((name) => name.replace(/\(ttl \d+\)$/, '')),
    });
  }
  return result;
}

/** A host interface's membership of one group, as its sockets hold it. */
export interface HostGroup { device: string; group: string; version: number | null; mode: 'INCLUDE' | 'EXCLUDE'; sources: string[] }

const hexToIpv4 = (hex: string, littleEndian: boolean) => {
  const bytes = hex.replace(/^0x/, '').match(/../g)!.map((pair) => parseInt(pair, 16));
  return (littleEndian ? bytes.reverse() : bytes).join('.');
};
const hexToIpv6 = (hex: string) => {
  const groups = hex.match(/..../g)!.map((group) => parseInt(group, 16).toString(16));
  // Shortest form, as the analyzer prints addresses (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
};

/**
 * A host's IPv4 and IPv6 group state from /proc/net/igmp + mcfilter and /proc/net/igmp6 + mcfilter6. The lab's
 * hosts hold all their memberships on one socket per family (samples/lab/member.mjs, member-block.py), so a group's
 * source rows are that socket's filter: rows counted INCLUDE make an INCLUDE group, rows counted EXCLUDE the
 * blocked sources of an EXCLUDE group, no rows an any-source (EXCLUDE {}) join.
 */
export function parseHostGroups(files: Record<string, string>): HostGroup[] {
  const groups: HostGroup[] = [];
  const filters = new Map<string, { include: string[]; exclude: string[] }>();
  const filter = (key: string) => {
    let found = filters.get(key);
    if (!found) filters.set(key, found = { include: [], exclude: [] });
    return found;
  };
  for (const line of (files['/proc/net/mcfilter'] ?? '').split('\n')) {
    const row = /^\s*\d+\s+(\S+)\s+(0x[0-9a-f]{8})\s+(0x[0-9a-f]{8})\s+(\d+)\s+(\d+)/i.exec(line);
    if (!row) continue;
    const entry = filter(`${row[1]}|${hexToIpv4(row[2]!, false)}`);
    const source = hexToIpv4(row[3]!, false);
    if (Number(row[4]) > 0) entry.include.push(source);
    if (Number(row[5]) > 0) entry.exclude.push(source);
  }
  for (const line of (files['/proc/net/mcfilter6'] ?? '').split('\n')) {
    const row = /^\s*\d+\s+(\S+)\s+([0-9a-f]{32})\s+([0-9a-f]{32})\s+(\d+)\s+(\d+)/i.exec(line);
    if (!row) continue;
    const entry = filter(`${row[1]}|${hexToIpv6(row[2]!)}`);
    const source = hexToIpv6(row[3]!);
    if (Number(row[4]) > 0) entry.include.push(source);
    if (Number(row[5]) > 0) entry.exclude.push(source);
  }
  const add = (device: string, group: string, version: number | null) => {
    const entry = filters.get(`${device}|${group}`);
    const mode = entry && entry.include.length > 0 && entry.exclude.length === 0 ? 'INCLUDE' : 'EXCLUDE';
    groups.push({ device, group, version, mode, sources: mode === 'INCLUDE' ? entry!.include : entry?.exclude ?? [] });
  };
  let device: string | null = null;
  let version: number | null = null;
  for (const line of (files['/proc/net/igmp'] ?? '').split('\n')) {
    const head = /^\d+\s+(\S+)\s*:\s*\d+\s+V(\d)/.exec(line);
    if (head) { device = head[1]!; version = Number(head[2]); continue; }
    const row = /^\s+([0-9A-F]{8})\s+\d+/i.exec(line);
    if (row && device !== null) add(device, hexToIpv4(row[1]!, true), version);
  }
  for (const line of (files['/proc/net/igmp6'] ?? '').split('\n')) {
    const row = /^\s*\d+\s+(\S+)\s+([0-9a-f]{32})\s+\d+/i.exec(line);
    if (row) add(row[1]!, hexToIpv6(row[2]!), null);
  }
  return groups;
}

/**
 * The router-side state a link's hosts ask for (RFC 3376 §3.2 / RFC 3810 §4.2 merge): EXCLUDE when any host
 * excludes, with the sources every excluding host blocks and no including host asks for; else INCLUDE with every
 * source asked for. While an IGMPv1/v2 host is a member the router runs the group in IGMPv2 compatibility mode
 * (RFC 3376 §7.3.2: EXCLUDE, source lists ignored), so the group is EXCLUDE {}.
 */
export function mergeHostGroups(members: HostGroup[]): { mode: 'INCLUDE' | 'EXCLUDE'; sources: string[] } {
  if (members.some((member) => member.version !== null && member.version < 3)) return { mode: 'EXCLUDE', sources: [] };
  const excluding = members.filter((member) => member.mode === 'EXCLUDE');
  const included = new Set(members.filter((member) => member.mode === 'INCLUDE').flatMap((member) => member.sources));
  if (excluding.length === 0) return { mode: 'INCLUDE', sources: [...included].sort() };
  const blocked = excluding.map((member) => new Set(member.sources)).reduce((all, next) => new Set([...all].filter((source) => next.has(source))));
  return { mode: 'EXCLUDE', sources: [...blocked].filter((source) => !included.has(source)).sort() };
}

/** The categories a pimd checkpoint has truth for (the others are left out of the comparison). */
export const PIMD_CATEGORIES = [
  'pim-neighbors', 'pim-dr', 'pim-joins', 'pim-rp', 'mroute-iif', 'mroute-oil', 'kernel-iif', 'kernel-oil',
  'host-groups', 'host-sources', 'mld-querier', 'mld-groups', 'mld-sources',
] as const;

export function pimdTruthItems(checkpoint: Checkpoint, topology: Topology): ItemSets {
  const items = emptyItemSets();
  const links = interfaceLinks(topology);
  for (const [router, dumps] of Object.entries(checkpoint.routers)) {
    const linkOf = (ifname: string | undefined) => (ifname === undefined ? null : links.get(router)?.get(ifname) ?? null);
    const vifNames = parseIpMrVif(String(dumps['/proc/net/ip_mr_vif'] ?? ''));
    const text = dumps['pimd -r'];
    if (typeof text === 'string' && text !== '') {
      const dump = parsePimdDump(text);
      const vifLink = (index: number | null) => (index === null ? null : linkOf(vifNames.get(index) ?? interfaceNamed(topology, router, dump.vifs.find((vif) => vif.index === index))));
      for (const vif of dump.vifs) {
        const link = vifLink(vif.index);
        if (link === null || vif.flags.includes('DISABLED') || vif.flags.includes('DOWN')) continue;
        for (const neighbor of vif.neighbors) items['pim-neighbors'].add(`${router} ${link} ${neighbor}`);
        if (vif.flags.includes('DR')) items['pim-dr'].add(`${link} ${vif.local}`);
      }
      for (const route of dump.routes) {
        if (route.kind === '*,*,RP') continue;
        const rpBit = route.kind === 'S,G' && route.flags.includes('RP');
        if (route.rp !== 'SSM' && route.rp !== 'NULL' && route.rp !== '') items['pim-rp'].add(`${route.group} ${route.rp}`);
        if (rpBit) {
          // An (S,G)RPbit entry: the (S,G,rpt) Prunes received, per interface.
          for (const vif of route.pruned) {
            const link = vifLink(vif);
            if (link !== null) items['pim-joins'].add(`${router} ${link} S,G,rpt ${route.source} ${route.group}`);
          }
          continue;
        }
        for (const vif of route.joined) {
          const link = vifLink(vif);
          if (link !== null) items['pim-joins'].add(`${router} ${link} ${route.kind} ${route.source} ${route.group}`);
        }
        const iif = vifLink(route.incoming);
        if (iif !== null) items['mroute-iif'].add(`${router} ${route.source} ${route.group} ${iif}`);
        for (const vif of route.outgoing) {
          // pimd's outgoing bitmap can include the incoming vif (an (S,G) inheriting a (*,G) Join that arrived on
          // its RPF interface); nothing is forwarded there, and pimd leaves it out of the kernel entry.
          if (vif === route.incoming) continue;
          const link = vifLink(vif);
          if (link !== null) items['mroute-oil'].add(`${router} ${route.source} ${route.group} ${link}`);
        }
      }
    }
    for (const entry of parseKernelMroute(String(dumps['kernel mroute'] ?? ''))) {
      const iif = linkOf(entry.iif ?? undefined);
      if (iif === null) continue; // unresolved, or arriving on the register vif
      items['kernel-iif'].add(`${router} ${entry.source} ${entry.group} ${iif}`);
      for (const oif of entry.oifs) {
        const link = linkOf(oif);
        if (link !== null) items['kernel-oil'].add(`${router} ${entry.source} ${entry.group} ${link}`);
      }
    }
  }
  const byLink = new Map<string, HostGroup[]>();
  for (const [host, files] of Object.entries(checkpoint.hosts ?? {})) {
    for (const entry of parseHostGroups(files)) {
      const link = links.get(host)?.get(entry.device);
      if (link === undefined || !isRoutable(entry.group)) continue;
      const key = `${link} ${entry.group}`;
      byLink.set(key, [...(byLink.get(key) ?? []), entry]);
    }
  }
  for (const [key, members] of byLink) {
    const merged = mergeHostGroups(members);
    items['host-groups'].add(`${key} ${merged.mode}`);
    for (const source of merged.sources) items['host-sources'].add(`${key} ${source} ${merged.mode === 'INCLUDE' ? 'forward' : 'block'}`);
  }
  for (const [name, dump] of Object.entries(checkpoint.queriers ?? {})) {
    // mld-querier.py runs on one interface of a router here: its link is that interface's.
    if (dump === null || dump.role !== 'querier') continue;
    const ifname = dump.interface;
    const link = ifname === undefined ? undefined : links.get(name)?.get(ifname);
    if (link === undefined) continue;
    items['mld-querier'].add(`${link} ${dump.address}`);
    for (const entry of dump.addresses) {
      items['mld-groups'].add(`${link} ${entry.address} ${entry.filterMode}`);
      for (const source of entry.sources) items['mld-sources'].add(`${link} ${entry.address} ${source.address} ${source.forward ? 'forward' : 'block'}`);
    }
  }
  return items;
}

/** The interface of `router` whose address is the vif's local address (when ip_mr_vif does not name it). */
function interfaceNamed(topology: Topology, router: string, vif: PimdVif | undefined): string | undefined {
  if (vif === undefined || vif.subnet.startsWith('register_vif')) return undefined;
  return topology.nodes.find((node) => node.name === router)?.interfaces.find((entry) => interfaceAddresses(entry).includes(vif.local))?.name;
}

/**
 * The analyzer's side of the kernel categories, restricted to what the kernel can show: the kernel-iif/kernel-oil
 * items of the (router, S, G)s that are in the kernel's cache at this checkpoint.
 */
export function restrictToKernelEntries(truth: ItemSets, ours: ItemSets): void {
  const entries = new Set([...truth['kernel-iif'], ...truth['kernel-oil']].map((item) => item.split(' ').slice(0, 3).join(' ')));
  for (const category of ['kernel-iif', 'kernel-oil'] as const) {
    for (const item of ours[category]) if (!entries.has(item.split(' ').slice(0, 3).join(' '))) ours[category].delete(item);
  }
}

/** The analyzer's side of the host categories, restricted to the (link, group)s some host holds. */
export function restrictToHostGroups(truth: ItemSets, ours: ItemSets): void {
  const held = new Set([...truth['host-groups']].map((item) => item.split(' ').slice(0, 2).join(' ')));
  for (const category of ['host-groups', 'host-sources'] as const) {
    for (const item of ours[category]) if (!held.has(item.split(' ').slice(0, 2).join(' '))) ours[category].delete(item);
  }
}

/** The analyzer's side of the MLD categories, restricted to the links a lab querier (mld-querier.py) serves. */
export function restrictToQuerierLinks(truth: ItemSets, ours: ItemSets): void {
  const served = new Set([...truth['mld-querier']].map((item) => item.split(' ')[0]));
  for (const category of ['mld-querier', 'mld-groups', 'mld-sources'] as const) {
    for (const item of ours[category]) if (!served.has(item.split(' ')[0])) ours[category].delete(item);
  }
}
