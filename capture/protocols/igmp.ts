/**
 * IGMP decoder — RFC 1112 (v1), RFC 2236 (v2), RFC 3376 / RFC 9776 (v3).
 *
 * Type codes (first byte):
 *   0x11 Membership Query (v1, v2 and v3; version by length, below)
 *   0x12 v1 Membership Report        0x16 v2 Membership Report     0x17 v2 Leave Group
 *   0x22 v3 Membership Report
 *   Not decoded, reported as kind 'other': 0x13 DVMRP, 0x14 PIMv1, 0x1e mtrace response,
 *   0x1f mtrace query, 0x30/0x31/0x32 Multicast Router Discovery advertisement/solicitation/
 *   termination (RFC 4286); anything else is `IGMP_TYPE_<n>`.
 *
 * Sizes: every message starts type(1) | max resp(1) | checksum(2); v1/v2 messages are 8 bytes
 * (group at 4); a v3 query is ≥ 12 bytes: group(4) | Resv(4)|S(1)|QRV(3) | QQIC(1) | N(2) | N sources;
 * a v3 report is 8 bytes (record count at 6) then group records: type(1) | aux words(1) | N(2) |
 * group(4) | N sources | aux data.
 *
 * Query version (RFC 3376 §7.1): length 8 with Max Resp Code 0 → v1; length 8 otherwise → v2;
 * length ≥ 12 → v3; lengths 9–11 are not a valid query (decode error 'bad-length').
 *
 * The checksum covers the whole IGMP message (RFC 3376 §4.1.2); a message with a wrong one is
 * decoded and its `checksum` is 'bad' (receivers drop it: the analysis counts it, and does not
 * apply it).
 * Decode only an unfragmented IP payload; one cut short by the capture is decoded as far as it
 * goes with its checksum 'unverified'.
 */
import { type ChecksumStatus, type Decoded, fail, ok, truncated } from '../decode-error.js';
import { formatIPv4 } from '../ip/address-format.js';
import { checksumIsValid } from '../ip/checksum.js';
import type { GroupRecordType } from '../message-kinds.js';
import { readGroupRecords, type RecordFormat } from './group-records.js';
import { decodeCode8, igmpMaxRespSeconds } from './max-resp-code.js';
import { readUint16 } from '../bytes.js';

const TYPE_QUERY = 0x11;
const TYPE_V1_REPORT = 0x12;
const TYPE_V2_REPORT = 0x16;
const TYPE_V2_LEAVE = 0x17;
const TYPE_V3_REPORT = 0x22;

/** Names for the IGMP types carried but not decoded here. */
const OTHER_TYPE_NAMES: Readonly<Record<number, string>> = {
  0x13: 'dvmrp',
  0x14: 'pim-v1',
  0x1e: 'mtrace-response',
  0x1f: 'mtrace-query',
  0x30: 'mrd-advertisement',
  0x31: 'mrd-solicitation',
  0x32: 'mrd-termination',
};

const HEADER_LENGTH = 8;
const OFFSET_MAX_RESP = 1;
const OFFSET_GROUP = 4;
const V3_QUERY_MIN_LENGTH = 12;
const V3_QUERY_OFFSET_FLAGS = 8;
const V3_QUERY_OFFSET_QQIC = 9;
const V3_QUERY_OFFSET_SOURCE_COUNT = 10;
const V3_REPORT_OFFSET_RECORD_COUNT = 6;
const ADDRESS_LENGTH = 4;

interface IgmpCommon {
  protocol: 'igmp';
  igmpType: number;
  checksum: ChecksumStatus;
}

export interface IgmpV1Query extends IgmpCommon {
  kind: 'igmp.v1.query';
}

export interface IgmpV2Query extends IgmpCommon {
  kind: 'igmp.v2.query.general' | 'igmp.v2.query.group';
  /** Max Response Time in tenths of a second (RFC 2236 §2.2). */
  maxRespTime: number;
  maxRespSeconds: number;
  group: string;
}

export interface IgmpV3Query extends IgmpCommon {
  kind: 'igmp.v3.query.general' | 'igmp.v3.query.group' | 'igmp.v3.query.group-source';
  /** Raw Max Resp Code (RFC 3376 §4.1.1). */
  maxRespCode: number;
  maxRespSeconds: number;
  /** S flag (RFC 3376 §4.1.5). */
  suppressRouterSideProcessing: boolean;
  /** Querier's Robustness Variable (§4.1.6); 0 means "above 7". */
  qrv: number;
  /** Raw Querier's Query Interval Code (§4.1.7). */
  qqic: number;
  queryIntervalSeconds: number;
  group: string;
  sources: string[];
}

export interface IgmpGroupMessage extends IgmpCommon {
  kind: 'igmp.v1.report' | 'igmp.v2.report' | 'igmp.v2.leave';
  group: string;
}

/** An IGMPv3 group record (RFC 3376 §4.2.4). */
export interface IgmpGroupRecord {
  type: GroupRecordType;
  group: string;
  sources: string[];
  auxData: Uint8Array;
}

export interface IgmpV3Report extends IgmpCommon {
  kind: 'igmp.v3.report';
  records: IgmpGroupRecord[];
  /** Records of unknown type, skipped as RFC 3376 §4.2.12 requires. */
  ignoredRecords: number;
}

export interface OtherIgmp extends IgmpCommon {
  kind: 'other';
  typeName: string;
}

export type IgmpMessage = IgmpV1Query | IgmpV2Query | IgmpV3Query | IgmpGroupMessage | IgmpV3Report | OtherIgmp;

type MessageDecoder = (bytes: Uint8Array) => Decoded<IgmpMessage>;

const DECODERS: Readonly<Record<number, MessageDecoder>> = {
  [TYPE_QUERY]: decodeQuery,
  [TYPE_V1_REPORT]: (bytes) => ok(groupMessage(bytes, 'igmp.v1.report')),
  [TYPE_V2_REPORT]: (bytes) => ok(groupMessage(bytes, 'igmp.v2.report')),
  [TYPE_V2_LEAVE]: (bytes) => ok(groupMessage(bytes, 'igmp.v2.leave')),
  [TYPE_V3_REPORT]: decodeV3Report,
};

/**
 * Decodes one IGMP message: the whole IP payload. When the capture holds less than the IP total
 * length (`captureTruncated`, the IPv4 packet's `truncated`), what is there is decoded and the
 * checksum is 'unverified'.
 */
export function decodeIgmp(bytes: Uint8Array, captureTruncated = false): Decoded<IgmpMessage> {
  if (bytes.length < HEADER_LENGTH) return truncated('igmp', 0, HEADER_LENGTH, bytes.length, 'IGMP message');
  const type = bytes[0]!;
  const decoder = DECODERS[type];
  const decoded = decoder ? decoder(bytes) : ok(otherMessage(type));
  if (!decoded.ok) return decoded;
  if (captureTruncated) decoded.value.checksum = 'unverified';
  else if (!checksumIsValid(bytes, 0, bytes.length)) decoded.value.checksum = 'bad';
  return decoded;
}

/** RFC 3376 §7.1: the query version follows from the message length (and v1's zero Max Resp Code). */
function decodeQuery(bytes: Uint8Array): Decoded<IgmpMessage> {
  const maxResp = bytes[OFFSET_MAX_RESP]!;
  if (bytes.length === HEADER_LENGTH) {
    if (maxResp === 0) return ok({ kind: 'igmp.v1.query', protocol: 'igmp', igmpType: TYPE_QUERY, checksum: 'good' });
    return ok({
      kind: isZeroAddress(bytes, OFFSET_GROUP) ? 'igmp.v2.query.general' : 'igmp.v2.query.group',
      protocol: 'igmp',
      igmpType: TYPE_QUERY,
      checksum: 'good',
      maxRespTime: maxResp,
      maxRespSeconds: maxResp / 10,
      group: formatIPv4(bytes, OFFSET_GROUP),
    });
  }
  if (bytes.length < V3_QUERY_MIN_LENGTH) {
    return fail('igmp', 'bad-length', HEADER_LENGTH, `query length ${bytes.length}: neither 8 (v1/v2) nor at least 12 (v3), RFC 3376 §7.1`);
  }
  const sourceCount = readUint16(bytes, V3_QUERY_OFFSET_SOURCE_COUNT);
  const sourcesEnd = V3_QUERY_MIN_LENGTH + sourceCount * ADDRESS_LENGTH;
  if (sourcesEnd > bytes.length) {
    return truncated('igmp', V3_QUERY_MIN_LENGTH, sourceCount * ADDRESS_LENGTH, bytes.length - V3_QUERY_MIN_LENGTH, `${sourceCount} query sources`);
  }
  const general = isZeroAddress(bytes, OFFSET_GROUP);
  if (general && sourceCount > 0) {
    return fail('igmp', 'bad-value', V3_QUERY_OFFSET_SOURCE_COUNT, `general query (group 0.0.0.0) with ${sourceCount} sources (RFC 3376 §4.1.9)`);
  }
  const flags = bytes[V3_QUERY_OFFSET_FLAGS]!;
  const qqic = bytes[V3_QUERY_OFFSET_QQIC]!;
  return ok({
    kind: general ? 'igmp.v3.query.general' : sourceCount ? 'igmp.v3.query.group-source' : 'igmp.v3.query.group',
    protocol: 'igmp',
    igmpType: TYPE_QUERY,
    checksum: 'good',
    maxRespCode: maxResp,
    maxRespSeconds: igmpMaxRespSeconds(maxResp),
    suppressRouterSideProcessing: (flags & 0x08) !== 0,
    qrv: flags & 0x07,
    qqic,
    queryIntervalSeconds: decodeCode8(qqic),
    group: formatIPv4(bytes, OFFSET_GROUP),
    sources: readAddresses(bytes, V3_QUERY_MIN_LENGTH, sourceCount),
  });
}

function groupMessage(bytes: Uint8Array, kind: IgmpGroupMessage['kind']): IgmpGroupMessage {
  return { kind, protocol: 'igmp', igmpType: bytes[0]!, checksum: 'good', group: formatIPv4(bytes, OFFSET_GROUP) };
}

function otherMessage(type: number): OtherIgmp {
  return { kind: 'other', protocol: 'igmp', igmpType: type, checksum: 'good', typeName: OTHER_TYPE_NAMES[type] ?? `IGMP_TYPE_${type}` };
}

/** RFC 3376 §4.2: Number of Group Records, then the records back to back. */
function decodeV3Report(bytes: Uint8Array): Decoded<IgmpMessage> {
  const read = readGroupRecords(bytes, HEADER_LENGTH, readUint16(bytes, V3_REPORT_OFFSET_RECORD_COUNT), GROUP_RECORD_FORMAT);
  if (!read.ok) return read;
  return ok({ kind: 'igmp.v3.report', protocol: 'igmp', igmpType: TYPE_V3_REPORT, checksum: 'good', ...read.value });
}

const GROUP_RECORD_FORMAT: RecordFormat<IgmpGroupRecord> = {
  layer: 'igmp', recordName: 'group record', addressLength: ADDRESS_LENGTH, formatAddress: formatIPv4,
  record: (type, group, sources, auxData) => ({ type, group, sources, auxData }),
};

function readAddresses(bytes: Uint8Array, start: number, count: number): string[] {
  const addresses = new Array<string>(count);
  for (let i = 0; i < count; i++) addresses[i] = formatIPv4(bytes, start + i * ADDRESS_LENGTH);
  return addresses;
}

function isZeroAddress(bytes: Uint8Array, offset: number): boolean {
  return (bytes[offset]! | bytes[offset + 1]! | bytes[offset + 2]! | bytes[offset + 3]!) === 0;
}
