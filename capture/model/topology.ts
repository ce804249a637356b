/**
 * The optional topology file (`--topology topo.json`): names for routers and which interfaces
 * belong to which router. The lab in samples/ writes this format; only `nodes` is read.
 *
 *   { "nodes": [ { "name": "R1", "kind": "router", "routerId": "1.1.1.1",
 *                  "interfaces": [ { "name": "eth0", "link": "lan1", "mac": "02:..", "ipv4": ["10.0.1.1/24"], "ipv6": ["fe80::1/64"] } ] } ] }
 */
export interface TopologyInterface {
  name?: string;
  link?: string;
  mac?: string;
  ipv4?: string[];
  ipv6?: string[];
}

export interface TopologyNode {
  name: string;
  kind?: string;
  routerId?: string;
  interfaces: TopologyInterface[];
}

export interface Topology {
  nodes: TopologyNode[];
}

/** Validates parsed JSON as a topology; returns the reason when it is not one. */
export function parseTopology(json: unknown): Topology | string {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { nodes?: unknown }).nodes)) return 'topology: expected an object with a "nodes" array';
  const nodes: TopologyNode[] = [];
  for (const [index, node] of ((json as { nodes: unknown[] }).nodes).entries()) {
    const where = `topology: nodes[${index}]`;
    if (typeof node !== 'object' || node === null) return `${where} is not an object`;
    const { name, kind, routerId, interfaces } = node as Record<string, unknown>;
    if (typeof name !== 'string' || name === '') return `${where}.name must be a non-empty string`;
    if (interfaces !== undefined && !Array.isArray(interfaces)) return `${where}.interfaces must be an array`;
    const parsed: TopologyInterface[] = [];
    for (const [i, candidate] of ((interfaces as unknown[] | undefined) ?? []).entries()) {
      if (typeof candidate !== 'object' || candidate === null) return `${where}.interfaces[${i}] is not an object`;
      const { name: ifName, link, mac, ipv4, ipv6 } = candidate as Record<string, unknown>;
      const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string');
      if ((ipv4 !== undefined && !strings(ipv4)) || (ipv6 !== undefined && !strings(ipv6))) return `${where}.interfaces[${i}]: ipv4/ipv6 must be arrays of strings`;
      parsed.push({
        name: typeof ifName === 'string' ? ifName : undefined,
        link: typeof link === 'string' ? link : undefined,
        mac: typeof mac === 'string' ? mac.toLowerCase() : undefined,
        ipv4: ipv4 as string[] | undefined,
        ipv6: ipv6 as string[] | undefined,
      });
    }
    nodes.push({ name, kind: typeof kind === 'string' ? kind : undefined, routerId: typeof routerId === 'string' ? routerId : undefined, interfaces: parsed });
  }
  return { nodes };
}

/** Interface addresses without their prefix length. */
export function interfaceAddresses(entry: TopologyInterface): string[] {
  return [...(entry.ipv4 ?? []), ...(entry.ipv6 ?? [])].map((address) => address.split('/')[0]!);
}
