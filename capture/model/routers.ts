/**
 * Which interfaces belong to one router. A passive observer sees interfaces (an address and a MAC
 * on a link, from PIM Hellos, OSPF packets, IGMP/MLD queries) and joins them into routers by
 * evidence the wire gives:
 *   - the same OSPF Router ID (RFC 2328 §A.3.1, RFC 5340 §A.3.1) on several links, and the
 *     interface addresses and stub networks each router lists in its Router-LSA (§A.4.2);
 *   - an address a PIM Hello lists (Address List option, RFC 7761 §4.9.2) that is another
 *     link's interface address;
 *   - the same unicast MAC on several links (many routers use one MAC for all interfaces;
 *     VRRP/HSRP virtual MACs excepted);
 *   - the source address of unicast PIM it sends (Register, C-RP-Advertisement) at its initial TTL;
 *   - the data it forwards (data-paths.ts): a router forwarding a datagram onto link B received it
 *     on link A, and owns there the interface that joined the flow (or, on the source's link, the
 *     one PIM router left once the others are ruled out). Candidates are intersected over many
 *     datagrams and joined only when one remains;
 *   - the optional topology file, which also names them (an override, never a requirement).
 */
import { interfaceAddresses, type Topology } from './topology.js';
import type { RouterLsa } from '../protocols/ospf.js';
import { compareAddresses, parseIPv4, prefixContainsAddress } from '../ip/address-format.js';

import type { Router, RouterEvidence } from '../../shapes/snapshot.js';

interface InterfaceState {
  link: string;
  addresses: Set<string>;
  mac: string | null;
  ospfRouterId: string | null;
  /** Addresses listed in its PIM Hello Address List option. */
  listed: Set<string>;
  /** Other addresses it sent unicast PIM from (a loopback, another interface's). */
  aliases: Set<string>;
}

/** What the forwarded data has said so far about which interface on `fromLink` a forwarder owns. */
interface ForwardingEvidence {
  candidates: Set<InterfaceState>;
  agreeing: number;
}

/** Datagrams that must agree on one interface before two interfaces are joined by data alone. */
const DATA_PATH_AGREEMENT = 2;

/** VRRP (RFC 5798 §7.3) and HSRP virtual MACs are shared by routers: never evidence of identity. */
function isVirtualMac(mac: string): boolean {
  return mac.startsWith('00:00:5e:00:01:') || mac.startsWith('00:00:5e:00:02:') || mac.startsWith('00:00:0c:07:ac:') || mac.startsWith('00:00:0c:9f:f');
}

function maskLength(mask: string): number {
  return (parseIPv4(mask) ?? new Uint8Array(4)).reduce((bits, byte) => bits + [...byte.toString(2)].filter((bit) => bit === '1').length, 0);
}

function sameMembers(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((item) => b.has(item));
}

interface Built {
  routers: Router[];
  byInterface: Map<InterfaceState, Router>;
  /** Link → interface address or MAC → the router owning it there. */
  onLink: Map<string, Map<string, Router>>;
}

export class RouterRegistry {
  private readonly interfaces: InterfaceState[] = [];
  private readonly byAddress = new Map<string, InterfaceState>();
  private readonly byMac = new Map<string, InterfaceState>();
  /** What each OSPF router's latest Router-LSA says it owns: interface addresses and stub prefixes. */
  private readonly ospfLinks = new Map<string, { addresses: Set<string>; stubs: string[] }>();
  /** Interfaces joined by forwarded data: [the forwarding interface, its interface upstream]. */
  private readonly dataPaths: Array<[InterfaceState, InterfaceState]> = [];
  /** Per `toLink|toMac|fromLink`, the candidates still standing. */
  private readonly forwardingEvidence = new Map<string, ForwardingEvidence>();
  private cache: Built | null = null;
  /** Bumped whenever something new is learnt; `routersChanged` compares the routers only then. */
  private revision = 0;
  private toldRevision = 0;
  /** The routers as last told (`routersChanged`), as text. */
  private told = '[]';

  constructor(private readonly topology: Topology | null = null) {}

  /**
   * Records that `address` (with `mac`) on `link` is a router interface. One interface per MAC
   * per link: an IPv4 address, its IPv6 link-local and global addresses are one interface.
   */
  observe(link: string, address: string, mac: string | null, extra: { ospfRouterId?: string; listedAddresses?: readonly string[] } = {}): void {
    let entry = this.byAddress.get(`${link}|${address}`) ?? (mac === null ? undefined : this.byMac.get(`${link}|${mac}`));
    if (!entry) {
      entry = { link, addresses: new Set(), mac: null, ospfRouterId: null, listed: new Set(), aliases: new Set() };
      this.interfaces.push(entry);
    }
    if (!entry.addresses.has(address)) {
      entry.addresses.add(address);
      this.byAddress.set(`${link}|${address}`, entry);
      this.invalidate();
    }
    if (mac !== null && entry.mac !== mac) {
      entry.mac = mac;
      this.byMac.set(`${link}|${mac}`, entry);
      this.invalidate();
    }
    if (extra.ospfRouterId && entry.ospfRouterId !== extra.ospfRouterId) {
      entry.ospfRouterId = extra.ospfRouterId;
      this.invalidate();
    }
    for (const listed of extra.listedAddresses ?? []) {
      if (!entry.listed.has(listed)) {
        entry.listed.add(listed);
        this.invalidate();
      }
    }
  }

  /**
   * Records that the router interface with `mac` on `link` also answers for `address` (one of its
   * other addresses: a loopback, another interface's), when that interface is known.
   */
  observeAlias(link: string, mac: string, address: string): void {
    const entry = this.byMac.get(`${link}|${mac}`);
    if (entry && !entry.addresses.has(address) && !entry.aliases.has(address)) {
      entry.aliases.add(address);
      this.invalidate();
    }
  }

  /**
   * Records that the router interface with `toMac` on `toLink` forwarded a datagram that came from
   * `fromLink` (put there by `fromMac`): its router owns one of `candidates` (addresses on
   * `fromLink`). Ruled out: the upstream router itself, and routers with another interface on
   * `toLink` (one interface per router per link). Joined once the candidates left over agreeing
   * datagrams come down to one.
   */
  learnForwarding(toLink: string, toMac: string, fromLink: string, fromMac: string | null, candidates: readonly string[]): void {
    const forwarder = this.byMac.get(`${toLink}|${toMac}`);
    if (!forwarder) return;
    const { byInterface } = this.build();
    const router = byInterface.get(forwarder)!;
    if (router.interfaces.some((entry) => entry.link === fromLink)) return;
    const upstream = fromMac === null ? undefined : this.byMac.get(`${fromLink}|${fromMac}`);
    const upstreamRouter = upstream === undefined ? null : byInterface.get(upstream);
    const standing = new Set<InterfaceState>();
    for (const address of candidates) {
      const entry = this.byAddress.get(`${fromLink}|${address}`);
      if (!entry) continue;
      const owner = byInterface.get(entry)!;
      if (owner === upstreamRouter || owner.interfaces.some((other) => other.link === toLink)) continue;
      standing.add(entry);
    }
    if (standing.size === 0) return;
    const key = `${toLink}|${toMac}|${fromLink}`;
    const previous = this.forwardingEvidence.get(key);
    const common = previous ? new Set([...previous.candidates].filter((entry) => standing.has(entry))) : standing;
    // Evidence that contradicts what came before (a route change): start over from this datagram.
    const evidence = common.size === 0 ? { candidates: standing, agreeing: 1 } : { candidates: common, agreeing: (previous?.agreeing ?? 0) + 1 };
    this.forwardingEvidence.set(key, evidence);
    if (evidence.candidates.size === 1 && evidence.agreeing >= DATA_PATH_AGREEMENT) {
      this.forwardingEvidence.delete(key);
      this.dataPaths.push([forwarder, [...evidence.candidates][0]!]);
      this.invalidate();
    }
  }

  /** Records a Router-LSA (RFC 2328 §A.4.2); the latest one of a router replaces the previous. */
  learnRouterLsa(lsa: RouterLsa): void {
    const addresses = new Set<string>();
    const stubs: string[] = [];
    for (const link of lsa.links) {
      if (link.type === 'point-to-point' || link.type === 'transit') addresses.add(link.data);
      else if (link.type === 'stub') stubs.push(`${link.id}/${maskLength(link.data)}`);
    }
    const previous = this.ospfLinks.get(lsa.advertisingRouter);
    if (previous && sameMembers(previous.addresses, addresses) && previous.stubs.join() === stubs.join()) return;
    this.ospfLinks.set(lsa.advertisingRouter, { addresses, stubs });
    this.invalidate();
  }

  private invalidate(): void {
    this.cache = null;
    this.revision++;
  }

  routers(): Router[] {
    return this.build().routers;
  }

  /** Whether the routers differ from when this last answered true (cheap while nothing new was learnt). */
  routersChanged(): boolean {
    if (this.revision === this.toldRevision) return false;
    this.toldRevision = this.revision;
    const now = JSON.stringify(this.build().routers);
    if (now === this.told) return false;
    this.told = now;
    return true;
  }

  /** The router owning the interface with this address or MAC on this link, if known. */
  routerOn(link: string, key: { address?: string | null; mac?: string | null }): Router | null {
    const owners = this.build().onLink.get(link);
    if (owners === undefined) return null;
    return (key.address ? owners.get(key.address) : undefined) ?? (key.mac ? owners.get(key.mac) : undefined) ?? null;
  }

  /**
   * The router owning this address on any link, or whose router ID it is (router IDs are usually a
   * loopback address, which is also where RPs and BSRs live).
   */
  routerWithAddress(address: string): Router | null {
    const { routers, byInterface } = this.build();
    for (const [entry, router] of byInterface) if (entry.addresses.has(address) || entry.listed.has(address) || entry.aliases.has(address)) return router;
    return routers.find((router) => router.id === address || router.ospfRouterId === address) ?? null;
  }

  /**
   * The link on which `address` is directly connected to `router`, by the interface prefixes the
   * topology file gives (the wire does not carry prefix lengths); null when unknown.
   */
  connectedLink(router: string, address: string): string | null {
    const snapshot = this.build().routers.find((entry) => entry.id === router);
    const node = snapshot && this.topology?.nodes.find((candidate) => candidate.name === snapshot.name);
    for (const declared of node?.interfaces ?? []) {
      if (declared.link === undefined) continue;
      for (const prefix of [...(declared.ipv4 ?? []), ...(declared.ipv6 ?? [])]) {
        if (prefixContainsAddress(prefix, address)) return declared.link;
      }
    }
    return null;
  }

  /**
   * Router IDs whose Router-LSA claims one of the interface's addresses, or a stub network holding
   * it that no other router claims (a stub has one OSPF router on it) and no other interface seen
   * on that link lies in (routers without OSPF, a BSR or a PIM-only router, share the stub too).
   */
  private ospfOwners(entry: InterfaceState): string[] {
    const owners: string[] = [];
    for (const address of entry.addresses) {
      const direct: string[] = [];
      const stubOwners: Array<{ routerId: string; prefix: string }> = [];
      for (const [routerId, links] of this.ospfLinks) {
        if (links.addresses.has(address)) direct.push(routerId);
        else {
          const prefix = links.stubs.find((stub) => prefixContainsAddress(stub, address));
          if (prefix !== undefined) stubOwners.push({ routerId, prefix });
        }
      }
      owners.push(...direct);
      if (direct.length > 0 || stubOwners.length !== 1) continue;
      const { routerId, prefix } = stubOwners[0]!;
      const shared = this.interfaces.some((other) => other !== entry && other.link === entry.link && [...other.addresses].some((each) => prefixContainsAddress(prefix, each)));
      if (!shared) owners.push(routerId);
    }
    return owners;
  }

  private build(): Built {
    if (this.cache) return this.cache;
    const entries = this.interfaces;
    const parent = new Map<InterfaceState, InterfaceState>(entries.map((entry) => [entry, entry]));
    const find = (entry: InterfaceState): InterfaceState => {
      let root = entry;
      while (parent.get(root) !== root) root = parent.get(root)!;
      // Path compression: every interface on the way points at the root (a router of many interfaces stays flat).
      for (let next = entry; next !== root;) {
        const up = parent.get(next)!;
        parent.set(next, root);
        next = up;
      }
      return root;
    };
    /** Which evidence made each join, told per router once the sets are final. */
    const joins: Array<{ entry: InterfaceState; evidence: RouterEvidence }> = [];
    const union = (a: InterfaceState, b: InterfaceState, evidence: RouterEvidence) => {
      const [rootA, rootB] = [find(a), find(b)];
      if (rootA === rootB) return;
      parent.set(rootB, rootA);
      joins.push({ entry: a, evidence });
    };
    const joinBy = (evidence: RouterEvidence, keyOf: (entry: InterfaceState) => string[]) => {
      const first = new Map<string, InterfaceState>();
      for (const entry of entries) {
        for (const key of keyOf(entry)) {
          const seen = first.get(key);
          if (seen) union(seen, entry, evidence);
          else first.set(key, entry);
        }
      }
    };
    const others = (entry: InterfaceState, addresses: Set<string>) => [...addresses].filter((address) => !entry.addresses.has(address));
    joinBy('ospf', (entry) => (entry.ospfRouterId ? [entry.ospfRouterId] : []).concat(this.ospfOwners(entry)));
    joinBy('shared-mac', (entry) => (entry.mac && !isVirtualMac(entry.mac) ? [entry.mac] : []));
    joinBy('hello-address-list', (entry) => [...entry.addresses, ...others(entry, entry.listed)]);
    joinBy('pim-source-address', (entry) => [...entry.addresses, ...entry.listed, ...others(entry, entry.aliases)]);
    for (const [forwarder, upstream] of this.dataPaths) union(forwarder, upstream, 'data-path');
    const names = new Map<InterfaceState, { name: string; routerId: string | null }>();
    for (const node of this.topology?.nodes ?? []) {
      const members = entries.filter((entry) => node.interfaces.some((declared) =>
        (declared.mac !== undefined && declared.mac === entry.mac) || interfaceAddresses(declared).some((address) => entry.addresses.has(address))));
      for (const member of members) {
        union(member, members[0]!, 'topology');
        names.set(member, { name: node.name, routerId: node.routerId ?? null });
      }
    }

    const groups = new Map<InterfaceState, InterfaceState[]>();
    for (const entry of entries) {
      const root = find(entry);
      const members = groups.get(root);
      if (members === undefined) groups.set(root, [entry]);
      else members.push(entry);
    }
    const evidenceOf = new Map<InterfaceState, Set<RouterEvidence>>();
    for (const { entry, evidence } of joins) {
      const root = find(entry);
      evidenceOf.set(root, (evidenceOf.get(root) ?? new Set()).add(evidence));
    }
    const byInterface = new Map<InterfaceState, Router>();
    const routers: Router[] = [];
    for (const [root, members] of groups) {
      const named = members.map((member) => names.get(member)).find((value) => value !== undefined) ?? null;
      const ospfRouterId = members.map((member) => member.ospfRouterId).find((value) => value !== null) ?? null;
      const addresses = members.flatMap((member) => [...member.addresses]).sort(compareAddresses);
      const interfaces = members
        .map((member) => ({ link: member.link, addresses: [...member.addresses].sort(compareAddresses), mac: member.mac }))
        .sort((a, b) => a.link.localeCompare(b.link) || compareAddresses(a.addresses[0]!, b.addresses[0]!));
      const evidence = [...(evidenceOf.get(root) ?? [])].sort();
      const router: Router = { id: ospfRouterId ?? named?.routerId ?? addresses[0]!, name: named?.name ?? null, ospfRouterId, interfaces, evidence };
      routers.push(router);
      for (const member of members) byInterface.set(member, router);
    }
    routers.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || compareAddresses(a.id, b.id));
    // Lookups by link, then address or MAC: trees ask them for every edge of every snapshot (no key text built per lookup).
    const onLink = new Map<string, Map<string, Router>>();
    for (const [entry, router] of byInterface) {
      let owners = onLink.get(entry.link);
      if (owners === undefined) onLink.set(entry.link, (owners = new Map()));
      for (const address of entry.addresses) if (!owners.has(address)) owners.set(address, router);
      if (entry.mac !== null && !owners.has(entry.mac)) owners.set(entry.mac, router);
    }
    this.cache = { routers, byInterface, onLink };
    return this.cache;
  }
}
