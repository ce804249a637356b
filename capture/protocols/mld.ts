/**
 * MLD decoder (ICMPv6 messages) — RFC 2710 (MLDv1), RFC 3810 / RFC 9777 (MLDv2), ICMPv6 RFC 4443.
 *
 * ICMPv6 types decoded: 130 Multicast Listener Query (v1 and v2; version by length, below),
 * 131 MLDv1 Report, 132 MLDv1 Done, 143 MLDv2 Report. Every other ICMPv6 type is kind 'other'.
 *
 * Sizes: MLDv1 messages are 24 bytes: type(1) | code(1) | checksum(2) | Maximum Response Delay(2, ms)
 * | reserved(2) | multicast address(16). An MLDv2 query adds Resv(4)|S(1)|QRV(3) | QQIC(1) | N(2)
 * | N sources (16 each) from byte 24. An MLDv2 report is type | reserved | checksum | reserved(2)
 * | record count(2) then address records: type(1) | aux words(1) | N(2) | address(16) | N sources
 * | aux data.
 *
 * Query version (RFC 3810 §8.1): length 24 → MLDv1; length ≥ 28 → MLDv2; 25–27 → not a valid
 * query (decode error 'bad-length').
 *
 * The checksum covers the IPv6 pseudo-header (RFC 8200 §8.1, next header 58) and the whole ICMPv6
 * message; a message with a wrong one is decoded with its `checksum` 'bad'. Decode only an unfragmented IPv6 payload; one cut short
 * by the capture is decoded as far as it goes with its checksum 'unverified'.
 */
import { type ChecksumStatus, type Decoded, fail, ok, truncated } from '../decode-error.js';
import { formatIPv6 } from '../ip/address-format.js';
import { checksumIsValid, ipv6PseudoHeaderSum } from '../ip/checksum.js';
import type { GroupRecordType } from '../message-kinds.js';
import { readGroupRecords, type RecordFormat } from './group-records.js';
import { decodeCode16, decodeCode8 } from './max-resp-code.js';
import { readUint16 } from '../bytes.js';

const ICMPV6_PROTOCOL = 58;
const TYPE_QUERY = 130;
const TYPE_V1_REPORT = 131;
const TYPE_V1_DONE = 132;
const TYPE_V2_REPORT = 143;

const ICMPV6_HEADER_LENGTH = 4;
const OFFSET_MAX_RESP = 4;
const OFFSET_ADDRESS = 8;
const V1_LENGTH = 24;
const V2_QUERY_MIN_LENGTH = 28;
const V2_QUERY_OFFSET_FLAGS = 24;
const V2_QUERY_OFFSET_QQIC = 25;
const V2_QUERY_OFFSET_SOURCE_COUNT = 26;
const V2_REPORT_HEADER_LENGTH = 8;
const V2_REPORT_OFFSET_RECORD_COUNT = 6;
const ADDRESS_LENGTH = 16;

interface Icmpv6Common {
  protocol: 'icmpv6';
  icmpType: number;
  checksum: ChecksumStatus;
}

export interface MldV1Query extends Icmpv6Common {
  kind: 'mld.v1.query.general' | 'mld.v1.query.address';
  /** Maximum Response Delay in milliseconds (RFC 2710 §3.4). */
  maxRespDelay: number;
  maxRespSeconds: number;
  multicastAddress: string;
}

export interface MldV1Message extends Icmpv6Common {
  kind: 'mld.v1.report' | 'mld.v1.done';
  multicastAddress: string;
}

export interface MldV2Query extends Icmpv6Common {
  kind: 'mld.v2.query.general' | 'mld.v2.query.address' | 'mld.v2.query.address-source';
  /** Raw Maximum Response Code (RFC 3810 §5.1.3). */
  maxRespCode: number;
  /** The code's value in milliseconds. */
  maxRespDelay: number;
  maxRespSeconds: number;
  /** S flag (RFC 3810 §5.1.7). */
  suppressRouterSideProcessing: boolean;
  /** Querier's Robustness Variable (§5.1.8); 0 means "above 7". */
  qrv: number;
  /** Raw Querier's Query Interval Code (§5.1.9). */
  qqic: number;
  queryIntervalSeconds: number;
  multicastAddress: string;
  sources: string[];
}

/** An MLDv2 multicast address record (RFC 3810 §5.2.4). */
export interface MldAddressRecord {
  type: GroupRecordType;
  multicastAddress: string;
  sources: string[];
  auxData: Uint8Array;
}

export interface MldV2Report extends Icmpv6Common {
  kind: 'mld.v2.report';
  records: MldAddressRecord[];
  /** Records of unknown type, skipped as RFC 3810 §5.2.12 requires. */
  ignoredRecords: number;
}

export interface OtherIcmpv6 extends Icmpv6Common {
  kind: 'other';
}

export type MldMessage = MldV1Query | MldV1Message | MldV2Query | MldV2Report;

/** What the checksum needs from the IPv6 packet (an IPv6Packet fits). */
export interface MldIpContext {
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
  /** The capture holds less than the IPv6 payload length: decode what is there, checksum 'unverified'. */
  truncated?: boolean;
}

type MessageDecoder = (bytes: Uint8Array) => Decoded<MldMessage>;

const DECODERS: Readonly<Record<number, MessageDecoder>> = {
  [TYPE_QUERY]: decodeQuery,
  [TYPE_V1_REPORT]: (bytes) => v1Message(bytes, 'mld.v1.report'),
  [TYPE_V1_DONE]: (bytes) => v1Message(bytes, 'mld.v1.done'),
  [TYPE_V2_REPORT]: decodeV2Report,
};

/** Decodes one ICMPv6 message (the whole upper-layer payload of an IPv6 packet). */
export function decodeMld(icmpv6: Uint8Array, ip: MldIpContext): Decoded<MldMessage | OtherIcmpv6> {
  if (icmpv6.length < ICMPV6_HEADER_LENGTH) return truncated('mld', 0, ICMPV6_HEADER_LENGTH, icmpv6.length, 'ICMPv6 header');
  const type = icmpv6[0]!;
  const decoder = DECODERS[type];
  const decoded: Decoded<MldMessage | OtherIcmpv6> = decoder
    ? decoder(icmpv6)
    : ok({ kind: 'other', protocol: 'icmpv6', icmpType: type, checksum: 'good' });
  if (!decoded.ok) return decoded;
  if (ip.truncated) {
    decoded.value.checksum = 'unverified';
    return decoded;
  }
  const pseudoHeader = ipv6PseudoHeaderSum(ip.srcBytes, ip.dstBytes, icmpv6.length, ICMPV6_PROTOCOL);
  if (!checksumIsValid(icmpv6, 0, icmpv6.length, pseudoHeader)) decoded.value.checksum = 'bad';
  return decoded;
}

/** RFC 3810 §8.1: the query version follows from the message length. */
function decodeQuery(bytes: Uint8Array): Decoded<MldMessage> {
  if (bytes.length < V1_LENGTH) return truncated('mld', 0, V1_LENGTH, bytes.length, 'MLD query');
  const maxResp = readUint16(bytes, OFFSET_MAX_RESP);
  const general = isZeroAddress(bytes, OFFSET_ADDRESS);
  if (bytes.length === V1_LENGTH) {
    return ok({
      kind: general ? 'mld.v1.query.general' : 'mld.v1.query.address',
      protocol: 'icmpv6',
      icmpType: TYPE_QUERY,
      checksum: 'good',
      maxRespDelay: maxResp,
      maxRespSeconds: maxResp / 1000,
      multicastAddress: formatIPv6(bytes, OFFSET_ADDRESS),
    });
  }
  if (bytes.length < V2_QUERY_MIN_LENGTH) {
    return fail('mld', 'bad-length', V1_LENGTH, `query length ${bytes.length}: neither 24 (MLDv1) nor at least 28 (MLDv2), RFC 3810 §8.1`);
  }
  const sourceCount = readUint16(bytes, V2_QUERY_OFFSET_SOURCE_COUNT);
  if (V2_QUERY_MIN_LENGTH + sourceCount * ADDRESS_LENGTH > bytes.length) {
    return truncated('mld', V2_QUERY_MIN_LENGTH, sourceCount * ADDRESS_LENGTH, bytes.length - V2_QUERY_MIN_LENGTH, `${sourceCount} query sources`);
  }
  if (general && sourceCount > 0) {
    return fail('mld', 'bad-value', V2_QUERY_OFFSET_SOURCE_COUNT, `general query (address ::) with ${sourceCount} sources (RFC 3810 §5.1.10)`);
  }
  const flags = bytes[V2_QUERY_OFFSET_FLAGS]!;
  const qqic = bytes[V2_QUERY_OFFSET_QQIC]!;
  const maxRespDelay = decodeCode16(maxResp);
  return ok({
    kind: general ? 'mld.v2.query.general' : sourceCount ? 'mld.v2.query.address-source' : 'mld.v2.query.address',
    protocol: 'icmpv6',
    icmpType: TYPE_QUERY,
    checksum: 'good',
    maxRespCode: maxResp,
    maxRespDelay,
    maxRespSeconds: maxRespDelay / 1000,
    suppressRouterSideProcessing: (flags & 0x08) !== 0,
    qrv: flags & 0x07,
    qqic,
    queryIntervalSeconds: decodeCode8(qqic),
    multicastAddress: formatIPv6(bytes, OFFSET_ADDRESS),
    sources: readAddresses(bytes, V2_QUERY_MIN_LENGTH, sourceCount),
  });
}

function v1Message(bytes: Uint8Array, kind: MldV1Message['kind']): Decoded<MldMessage> {
  if (bytes.length < V1_LENGTH) return truncated('mld', 0, V1_LENGTH, bytes.length, 'MLDv1 message');
  return ok({ kind, protocol: 'icmpv6', icmpType: bytes[0]!, checksum: 'good', multicastAddress: formatIPv6(bytes, OFFSET_ADDRESS) });
}

/** RFC 3810 §5.2: Nr of Mcast Address Records, then the records back to back. */
function decodeV2Report(bytes: Uint8Array): Decoded<MldMessage> {
  if (bytes.length < V2_REPORT_HEADER_LENGTH) return truncated('mld', 0, V2_REPORT_HEADER_LENGTH, bytes.length, 'MLDv2 report header');
  const read = readGroupRecords(bytes, V2_REPORT_HEADER_LENGTH, readUint16(bytes, V2_REPORT_OFFSET_RECORD_COUNT), ADDRESS_RECORD_FORMAT);
  if (!read.ok) return read;
  return ok({ kind: 'mld.v2.report', protocol: 'icmpv6', icmpType: TYPE_V2_REPORT, checksum: 'good', ...read.value });
}

const ADDRESS_RECORD_FORMAT: RecordFormat<MldAddressRecord> = {
  layer: 'mld', recordName: 'address record', addressLength: ADDRESS_LENGTH, formatAddress: formatIPv6,
  record: (type, multicastAddress, sources, auxData) => ({ type, multicastAddress, sources, auxData }),
};

function readAddresses(bytes: Uint8Array, start: number, count: number): string[] {
  const addresses = new Array<string>(count);
  for (let i = 0; i < count; i++) addresses[i] = formatIPv6(bytes, start + i * ADDRESS_LENGTH);
  return addresses;
}

function isZeroAddress(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < offset + ADDRESS_LENGTH; i++) if (bytes[i] !== 0) return false;
  return true;
}
