/**
 * PIM Register (type 1) and Register-Stop (type 2), RFC 7761 §4.9.3 and §4.9.4.
 *
 *   Register       header (4) | B | N | reserved (30 bits) | inner multicast packet (IPv4 or IPv6)
 *   Register-Stop  header (4) | Encoded-Group | Encoded-Unicast source
 *
 * B (Border) is from PMBR use (RFC 4601, kept as 0 by 7761); N marks a Null-Register, whose inner
 * packet is only a dummy IP header naming (S,G) (§4.4.1). The Register checksum covers the 8-byte
 * Register header only, with an IPv6 pseudo-header length of 8 (§4.9); a checksum over the whole
 * message "should also be accepted" (§4.9.3). Implementations differ in the IPv6 pseudo-header's
 * length for either rule (8, or the message's length), so each rule is tried with both; the
 * header rule first, and `checksumCoverage` tells which one matched. A checksum no rule verifies
 * is 'bad', and the message is still decoded.
 *
 * The inner packet is read for its (S,G), protocol and length only. Its IPv4 header checksum is not
 * PIM's to judge and is not verified: FRR sends Null-Registers whose dummy header checksum is 0
 * (test/fixtures/pim/frr-pim.pcap). IPv6 inner headers go through the IPv6 decoder, which walks
 * extension headers to the upper-layer protocol.
 */
import { fail, ok, truncated, type ChecksumStatus, type Decoded, type DecodeError } from '../../decode-error.js';
import { formatIPv4 } from '../../ip/address-format.js';
import { decodeIPv6 } from '../../ip/ipv6.js';
import { readUint16, readUint32 } from '../../bytes.js';
import { pimChecksumIsValid, type PimIpContext } from './pim-checksum.js';
import {
  decodeEncodedGroup, decodeEncodedUnicast, encodedGroupOrSourceLength, encodedUnicastLength,
  type AddressFamily, type EncodedGroup, type EncodedUnicast,
} from './pim-encoded-address.js';
import { PIM_HEADER_LENGTH } from './pim-header.js';
import { trailingBytes } from './pim-length.js';
import { datagramFingerprint } from '../multicast-data.js';

/** Which bytes a Register checksum was found to cover; `unknown` when it could not be verified. */
export type RegisterChecksumCoverage = 'header' | 'message' | 'unknown';

export interface PimRegister {
  kind: 'pim.register' | 'pim.null-register';
  checksum: ChecksumStatus;
  checksumCoverage: RegisterChecksumCoverage;
  border: boolean;
  nullRegister: boolean;
  innerFamily: AddressFamily;
  innerSource: string;
  innerGroup: string;
  /** IPv4 protocol, or the IPv6 upper-layer header after any extension headers. */
  innerProtocol: number;
  /** The inner packet's own length field: IPv4 total length, IPv6 40 + payload length. */
  innerLength: number;
  /** The inner datagram's fingerprint (protocols/multicast-data.ts): the same datagram seen natively on a link has the same one. */
  innerFingerprint: number;
}

export interface PimRegisterStop {
  kind: 'pim.register-stop';
  checksum: ChecksumStatus;
  group: EncodedGroup;
  source: EncodedUnicast;
  /** Bytes after the last field (a note: the message is whole without them). */
  trailingBytes: number;
}

const REGISTER_HEADER_LENGTH = 8;
const REGISTER_FLAGS_OFFSET = 4;
const REGISTER_FLAG_BORDER = 0x80000000;
const REGISTER_FLAG_NULL = 0x40000000;
const IPV6_HEADER_LENGTH = 40;
/** RFC 791 §3.1: IHL in the low nibble of byte 0, total length at 2, identification at 4, protocol at 9, addresses at 12 and 16. */
const IPV4_MIN_HEADER_LENGTH = 20;
const IPV4_TOTAL_LENGTH_OFFSET = 2;
const IPV4_IDENTIFICATION_OFFSET = 4;
const IPV4_PROTOCOL_OFFSET = 9;
const IPV4_SOURCE_OFFSET = 12;
const IPV4_DESTINATION_OFFSET = 16;

/** How a Register's checksum was verified; shared constants, as there are only three outcomes. */
interface RegisterChecksumResult {
  status: ChecksumStatus;
  coverage: RegisterChecksumCoverage;
}
const HEADER_SUM: RegisterChecksumResult = { status: 'good', coverage: 'header' };
const MESSAGE_SUM: RegisterChecksumResult = { status: 'good', coverage: 'message' };
const UNVERIFIED_SUM: RegisterChecksumResult = { status: 'unverified', coverage: 'unknown' };
const BAD_SUM: RegisterChecksumResult = { status: 'bad', coverage: 'unknown' };

/** The inner packet's header fields a Register record keeps. */
interface InnerPacket {
  family: AddressFamily;
  source: string;
  group: string;
  protocol: number;
  length: number;
  /** Fewer bytes present than the inner header's length field says. */
  truncated: boolean;
  fingerprint: number;
}

/**
 * `capturedWhole` is false when the capture cut the message short (snaplen): the checksum then can
 * only be checked under the header rule, and the inner packet only needs its header present.
 */
export function decodeRegister(bytes: Uint8Array, ip: PimIpContext, capturedWhole: boolean): Decoded<PimRegister> {
  if (bytes.length < REGISTER_HEADER_LENGTH) {
    return truncated('pim', 0, REGISTER_HEADER_LENGTH, bytes.length, 'Register header');
  }
  const sum = verifyRegisterChecksum(bytes, ip, capturedWhole);
  const flags = readUint32(bytes, REGISTER_FLAGS_OFFSET);
  const nullRegister = (flags & REGISTER_FLAG_NULL) !== 0;
  const innerBytes = bytes.subarray(REGISTER_HEADER_LENGTH);
  const inner = decodeInnerPacket(innerBytes);
  if (!inner.ok) return inner;
  // A Null-Register's dummy header may declare any length (§4.4.1); a data Register carries its packet.
  if (!nullRegister && capturedWhole && inner.value.truncated) {
    return truncated('pim', REGISTER_HEADER_LENGTH, inner.value.length, innerBytes.length, 'Register inner packet');
  }
  return ok({
    kind: nullRegister ? 'pim.null-register' : 'pim.register',
    checksum: sum.status,
    checksumCoverage: sum.coverage,
    border: (flags & REGISTER_FLAG_BORDER) !== 0,
    nullRegister,
    innerFamily: inner.value.family,
    innerSource: inner.value.source,
    innerGroup: inner.value.group,
    innerProtocol: inner.value.protocol,
    innerLength: inner.value.length,
    innerFingerprint: inner.value.fingerprint,
  });
}

/** RFC 7761 §4.9: the 8-byte header first; then the whole message, which some implementations sum. */
function verifyRegisterChecksum(bytes: Uint8Array, ip: PimIpContext, capturedWhole: boolean): RegisterChecksumResult {
  // The IPv6 pseudo-header length on the wire is the whole message's, even when the capture cut it.
  const wireLength = ip.payloadLengthOnWire ?? bytes.length;
  if (pimChecksumIsValid(bytes, ip, REGISTER_HEADER_LENGTH)) return HEADER_SUM;
  if (ip.family === 6 && pimChecksumIsValid(bytes, ip, REGISTER_HEADER_LENGTH, wireLength)) return HEADER_SUM;
  if (!capturedWhole) return UNVERIFIED_SUM;
  if (pimChecksumIsValid(bytes, ip, bytes.length)) return MESSAGE_SUM;
  if (ip.family === 6 && pimChecksumIsValid(bytes, ip, bytes.length, REGISTER_HEADER_LENGTH)) return MESSAGE_SUM;
  return BAD_SUM;
}

/** The inner IPv4 or IPv6 header, by its version nibble; errors are re-based to PIM offsets. */
function decodeInnerPacket(innerBytes: Uint8Array): Decoded<InnerPacket> {
  if (innerBytes.length === 0) return truncated('pim', REGISTER_HEADER_LENGTH, 1, 0, 'Register inner packet');
  const version = innerBytes[0]! >> 4;
  if (version === 4) return readInnerIPv4(innerBytes);
  if (version === 6) {
    const packet = decodeIPv6(innerBytes);
    if (!packet.ok) return innerFailure(packet.error);
    const { src, dst, nextHeader, payloadLength, truncated: cut, payload } = packet.value;
    const length = IPV6_HEADER_LENGTH + payloadLength;
    return ok({ family: 6, source: src, group: dst, protocol: nextHeader, length, truncated: cut, fingerprint: datagramFingerprint(0, length, payload) });
  }
  return fail('pim', 'bad-value', REGISTER_HEADER_LENGTH, `Register inner packet: IP version ${version}`);
}

function readInnerIPv4(innerBytes: Uint8Array): Decoded<InnerPacket> {
  if (innerBytes.length < IPV4_MIN_HEADER_LENGTH) {
    return truncated('pim', REGISTER_HEADER_LENGTH, IPV4_MIN_HEADER_LENGTH, innerBytes.length, 'Register inner IPv4 header');
  }
  const headerLength = (innerBytes[0]! & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) {
    return fail('pim', 'bad-length', REGISTER_HEADER_LENGTH, `Register inner IPv4 header: IHL ${headerLength / 4}, below 5`);
  }
  const totalLength = readUint16(innerBytes, IPV4_TOTAL_LENGTH_OFFSET);
  return ok({
    family: 4,
    source: formatIPv4(innerBytes, IPV4_SOURCE_OFFSET),
    group: formatIPv4(innerBytes, IPV4_DESTINATION_OFFSET),
    protocol: innerBytes[IPV4_PROTOCOL_OFFSET]!,
    length: totalLength,
    truncated: innerBytes.length < totalLength,
    fingerprint: datagramFingerprint(readUint16(innerBytes, IPV4_IDENTIFICATION_OFFSET), totalLength, innerBytes.subarray(headerLength, totalLength)),
  });
}

/** Re-reports an inner IP decode error as PIM's, with the offset counted from the PIM header. */
function innerFailure(error: DecodeError): Decoded<never> {
  return fail('pim', error.code, REGISTER_HEADER_LENGTH + error.offset, `Register inner packet: ${error.reason}`);
}

export function decodeRegisterStop(bytes: Uint8Array, checksum: ChecksumStatus): Decoded<PimRegisterStop> {
  const group = decodeEncodedGroup(bytes, PIM_HEADER_LENGTH, 'Register-Stop group');
  if (!group.ok) return group;
  const sourceOffset = PIM_HEADER_LENGTH + encodedGroupOrSourceLength(group.value.family);
  const source = decodeEncodedUnicast(bytes, sourceOffset, 'Register-Stop source');
  if (!source.ok) return source;
  const end = sourceOffset + encodedUnicastLength(source.value.family);
  return ok({ kind: 'pim.register-stop', checksum, group: group.value, source: source.value, trailingBytes: trailingBytes(bytes, end) });
}
