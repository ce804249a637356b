/**
 * Test encoders for IGMP messages (RFC 1112, 2236, 3376) with correct checksums, plus a whole
 * IPv4 packet the way hosts and routers send them (TTL 1, Router Alert).
 */
import { computeChecksum } from '../../capture/ip/checksum.js';
import { concat, encodeIPv4, ipv4Bytes, ipv4RouterAlertOption, PROTOCOL_IGMP } from './encode-ip.js';

export const IGMP_QUERY = 0x11;
export const IGMP_V1_REPORT = 0x12;
export const IGMP_V2_REPORT = 0x16;
export const IGMP_V2_LEAVE = 0x17;
export const IGMP_V3_REPORT = 0x22;

/** Writes the IGMP checksum of a message whose checksum field may hold anything. */
export function setIgmpChecksum(message: Uint8Array): Uint8Array {
  message[2] = 0;
  message[3] = 0;
  const checksum = computeChecksum(message, 0, message.length);
  message[2] = checksum >> 8;
  message[3] = checksum & 0xff;
  return message;
}

/** An 8-byte message: v1/v2 query, v1/v2 report, leave, or any other type. */
export function encodeIgmpMessage(type: number, maxResp: number, group: string): Uint8Array {
  return setIgmpChecksum(concat([type, maxResp, 0, 0], ipv4Bytes(group)));
}

export interface IgmpV3QuerySpec {
  maxRespCode?: number;
  group?: string;
  suppressRouterSideProcessing?: boolean;
  qrv?: number;
  qqic?: number;
  sources?: string[];
  /** Extra bytes after the sources (RFC 3376 §4.1.10: ignored, but checksummed). */
  trailing?: ArrayLike<number>;
  /** Overrides the source count field. */
  sourceCount?: number;
}

export function encodeIgmpV3Query(spec: IgmpV3QuerySpec = {}): Uint8Array {
  const sources = spec.sources ?? [];
  const count = spec.sourceCount ?? sources.length;
  const flags = (spec.suppressRouterSideProcessing ? 0x08 : 0) | ((spec.qrv ?? 2) & 0x07);
  return setIgmpChecksum(concat(
    [IGMP_QUERY, spec.maxRespCode ?? 100, 0, 0],
    ipv4Bytes(spec.group ?? '0.0.0.0'),
    [flags, spec.qqic ?? 125, count >> 8, count & 0xff],
    ...sources.map(ipv4Bytes),
    spec.trailing ?? [],
  ));
}

export interface IgmpGroupRecordSpec {
  /** Wire value 1..6 (IS_IN .. BLOCK), or anything else for an unknown type. */
  type: number;
  group: string;
  sources?: string[];
  /** Auxiliary data, a multiple of 4 bytes. */
  auxData?: ArrayLike<number>;
}

export function encodeIgmpV3Report(records: IgmpGroupRecordSpec[], recordCount = records.length): Uint8Array {
  const encoded = records.map((record) => {
    const sources = record.sources ?? [];
    const aux = record.auxData ?? [];
    return concat([record.type, aux.length / 4, sources.length >> 8, sources.length & 0xff], ipv4Bytes(record.group), ...sources.map(ipv4Bytes), aux);
  });
  return setIgmpChecksum(concat([IGMP_V3_REPORT, 0, 0, 0, 0, 0, recordCount >> 8, recordCount & 0xff], ...encoded));
}

/** An IPv4 packet carrying `igmp` with TTL 1 and Router Alert, as RFC 3376 §4 asks. */
export function igmpPacket(src: string, dst: string, igmp: Uint8Array): Uint8Array {
  return encodeIPv4({ src, dst, protocol: PROTOCOL_IGMP, ttl: 1, tos: 0xc0, options: ipv4RouterAlertOption(0), payload: igmp });
}
