/**
 * The OSPF packet header, read only to learn which router sent a packet: its Router ID ties a
 * router's interfaces on different links together. OSPF itself is not analyzed; its packets to
 * 224.0.0.5/6 or ff02::5/6 stay multicast data for the counts.
 *
 * RFC 2328 §A.3.1 (OSPFv2) and RFC 5340 §A.3.1 (OSPFv3) share the first 12 bytes:
 *   version(1) type(1) packet length(2) Router ID(4) Area ID(4)
 * Types: 1 Hello, 2 Database Description, 3 LS Request, 4 LS Update, 5 LS Ack.
 */
import { fail, ok, truncated, type Decoded } from '../decode-error.js';
import { formatIPv4 } from '../ip/address-format.js';

export const IP_PROTOCOL_OSPF = 89;
const HEADER_LENGTH = 12;

export interface OspfHeader {
  version: 2 | 3;
  type: number;
  routerId: string;
  areaId: string;
}

export function decodeOspfHeader(bytes: Uint8Array): Decoded<OspfHeader> {
  if (bytes.length < HEADER_LENGTH) return truncated('ospf', 0, HEADER_LENGTH, bytes.length, 'OSPF header');
  const version = bytes[0]!;
  if (version !== 2 && version !== 3) return fail('ospf', 'bad-version', 0, `OSPF version ${version} (RFC 2328 is 2, RFC 5340 is 3)`);
  return ok({ version, type: bytes[1]!, routerId: formatIPv4(bytes, 4), areaId: formatIPv4(bytes, 8) });
}
