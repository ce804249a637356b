/**
 * OSPF, read only to learn which interfaces belong to which router. OSPF itself is not analyzed;
 * its packets to 224.0.0.5/6 or ff02::5/6 stay multicast data for the counts.
 *
 * RFC 2328 §A.3.1 (OSPFv2) and RFC 5340 §A.3.1 (OSPFv3) share the first 12 bytes:
 *   version(1) type(1) packet length(2) Router ID(4) Area ID(4)
 * Types: 1 Hello, 2 Database Description, 3 LS Request, 4 LS Update, 5 LS Ack.
 * The OSPFv2 header is 24 bytes. An LS Update (§A.3.5) carries #LSAs(4) then LSAs, each with a
 * 20-byte header (§A.4.1): age(2) options(1) type(1) link state ID(4) advertising router(4)
 * sequence(4) checksum(2) length(2). A Router-LSA (type 1, §A.4.2) lists the router's links:
 * flags(1) 0(1) #links(2), then per link: link ID(4) link data(4) type(1) #TOS(1) metric(2)
 * and #TOS × 4 bytes. Link data is the router's own interface address on point-to-point (1)
 * and transit (2) links, the network mask on stub networks (3).
 */
import { fail, ok, truncated, type Decoded } from '../decode-error.js';
import { formatIPv4 } from '../ip/address-format.js';
import { readUint16, readUint32 } from '../bytes.js';

export const IP_PROTOCOL_OSPF = 89;
const COMMON_HEADER_LENGTH = 12;
const V2_HEADER_LENGTH = 24;
const TYPE_LS_UPDATE = 4;
const LSA_HEADER_LENGTH = 20;
const LSA_TYPE_ROUTER = 1;
const ROUTER_LINK_LENGTH = 12;

export type RouterLinkType = 'point-to-point' | 'transit' | 'stub' | 'virtual';
const ROUTER_LINK_TYPES: Record<number, RouterLinkType> = { 1: 'point-to-point', 2: 'transit', 3: 'stub', 4: 'virtual' };

export interface RouterLink {
  type: RouterLinkType;
  /** Neighbor's Router ID (p2p), DR's interface address (transit), network (stub). */
  id: string;
  /** Own interface address (p2p, transit), network mask (stub). */
  data: string;
}

export interface RouterLsa {
  advertisingRouter: string;
  links: RouterLink[];
}

export interface OspfHeader {
  version: 2 | 3;
  type: number;
  routerId: string;
  areaId: string;
  /** Router-LSAs an OSPFv2 LS Update carries; empty otherwise, or when the LSAs are cut short. */
  routerLsas: RouterLsa[];
}

export function decodeOspfHeader(bytes: Uint8Array): Decoded<OspfHeader> {
  if (bytes.length < COMMON_HEADER_LENGTH) return truncated('ospf', 0, COMMON_HEADER_LENGTH, bytes.length, 'OSPF header');
  const version = bytes[0]!;
  if (version !== 2 && version !== 3) return fail('ospf', 'bad-version', 0, `OSPF version ${version} (RFC 2328 is 2, RFC 5340 is 3)`);
  const type = bytes[1]!;
  const routerLsas = version === 2 && type === TYPE_LS_UPDATE ? readRouterLsas(bytes) : [];
  return ok({ version, type, routerId: formatIPv4(bytes, 4), areaId: formatIPv4(bytes, 8), routerLsas });
}

/** The Router-LSAs of an LS Update, as far as the bytes hold whole ones. */
function readRouterLsas(bytes: Uint8Array): RouterLsa[] {
  const lsas: RouterLsa[] = [];
  const end = Math.min(bytes.length, readUint16(bytes, 2));
  if (end < V2_HEADER_LENGTH + 4) return lsas;
  const count = readUint32(bytes, V2_HEADER_LENGTH);
  let at = V2_HEADER_LENGTH + 4;
  for (let index = 0; index < count && at + LSA_HEADER_LENGTH <= end; index++) {
    const length = readUint16(bytes, at + 18);
    if (length < LSA_HEADER_LENGTH || at + length > end) break;
    if (bytes[at + 3] === LSA_TYPE_ROUTER) {
      const lsa = readRouterLsa(bytes, at, at + length);
      if (lsa) lsas.push(lsa);
    }
    at += length;
  }
  return lsas;
}

function readRouterLsa(bytes: Uint8Array, start: number, end: number): RouterLsa | null {
  const body = start + LSA_HEADER_LENGTH;
  if (body + 4 > end) return null;
  const links: RouterLink[] = [];
  let at = body + 4;
  for (let index = 0; index < readUint16(bytes, body + 2); index++) {
    if (at + ROUTER_LINK_LENGTH > end) return null;
    const type = ROUTER_LINK_TYPES[bytes[at + 8]!];
    if (type) links.push({ type, id: formatIPv4(bytes, at), data: formatIPv4(bytes, at + 4) });
    at += ROUTER_LINK_LENGTH + 4 * bytes[at + 9]!;
  }
  return { advertisingRouter: formatIPv4(bytes, start + 8), links };
}
