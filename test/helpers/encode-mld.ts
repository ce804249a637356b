/**
 * Test encoders for MLD messages (RFC 2710, 3810) with correct ICMPv6 checksums over the IPv6
 * pseudo-header, plus a whole IPv6 packet as hosts and routers send them (hop limit 1,
 * Hop-by-Hop Router Alert 0).
 */
import { computeChecksum, ipv6PseudoHeaderSum } from '../../capture/ip/checksum.js';
import { concat, encodeIPv6, hopByHopRouterAlert, ipv6Bytes, NEXT_HEADER_ICMPV6 } from './encode-ip.js';

export const MLD_QUERY = 130;
export const MLD_V1_REPORT = 131;
export const MLD_V1_DONE = 132;
export const MLD_V2_REPORT = 143;

/** Source and destination of the IPv6 packet the message travels in (the checksum covers them). */
export interface MldAddresses {
  src: string;
  dst: string;
}

/** Writes the ICMPv6 checksum of a message whose checksum field may hold anything. */
export function setIcmpv6Checksum(message: Uint8Array, addresses: MldAddresses): Uint8Array {
  message[2] = 0;
  message[3] = 0;
  const pseudoHeader = ipv6PseudoHeaderSum(ipv6Bytes(addresses.src), ipv6Bytes(addresses.dst), message.length, NEXT_HEADER_ICMPV6);
  const checksum = computeChecksum(message, 0, message.length, pseudoHeader);
  message[2] = checksum >> 8;
  message[3] = checksum & 0xff;
  return message;
}

/** A 24-byte MLDv1 query, report or done (or any type with that shape). */
export function encodeMldV1(type: number, maxRespDelay: number, address: string, addresses: MldAddresses): Uint8Array {
  return setIcmpv6Checksum(concat([type, 0, 0, 0, maxRespDelay >> 8, maxRespDelay & 0xff, 0, 0], ipv6Bytes(address)), addresses);
}

export interface MldV2QuerySpec {
  maxRespCode?: number;
  address?: string;
  suppressRouterSideProcessing?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: string[];
  trailing?: ArrayLike<number>;
  sourceCount?: number;
}

export function encodeMldV2Query(spec: MldV2QuerySpec, addresses: MldAddresses): Uint8Array {
  const sources = spec.sources ?? [];
  const count = spec.sourceCount ?? sources.length;
  const code = spec.maxRespCode ?? 10000;
  const flags = (spec.suppressRouterSideProcessing ? 0x08 : 0) | ((spec.qrv ?? 2) & 0x07);
  return setIcmpv6Checksum(concat(
    [MLD_QUERY, 0, 0, 0, code >> 8, code & 0xff, 0, 0],
    ipv6Bytes(spec.address ?? '::'),
    [flags, spec.qqic ?? 125, count >> 8, count & 0xff],
    ...sources.map(ipv6Bytes),
    spec.trailing ?? [],
  ), addresses);
}

export interface MldAddressRecordSpec {
  /** Wire value 1..6 (IS_IN .. BLOCK), or anything else for an unknown type. */
  type: number;
  address: string;
  sources?: string[];
  auxData?: ArrayLike<number>;
}

export function encodeMldV2Report(records: MldAddressRecordSpec[], addresses: MldAddresses, recordCount = records.length): Uint8Array {
  const encoded = records.map((record) => {
    const sources = record.sources ?? [];
    const aux = record.auxData ?? [];
    return concat([record.type, aux.length / 4, sources.length >> 8, sources.length & 0xff], ipv6Bytes(record.address), ...sources.map(ipv6Bytes), aux);
  });
  return setIcmpv6Checksum(concat([MLD_V2_REPORT, 0, 0, 0, 0, 0, recordCount >> 8, recordCount & 0xff], ...encoded), addresses);
}

/** An IPv6 packet carrying `icmpv6` behind a Hop-by-Hop Router Alert (value 0, MLD), hop limit 1. */
export function mldPacket(addresses: MldAddresses, icmpv6: Uint8Array): Uint8Array {
  return encodeIPv6({ ...addresses, nextHeader: NEXT_HEADER_ICMPV6, hopLimit: 1, extensionHeaders: [hopByHopRouterAlert(0)], payload: icmpv6 });
}
