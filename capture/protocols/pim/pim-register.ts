/**
 * PIM Register (type 1) and Register-Stop (type 2), RFC 7761 §4.9.3 and §4.9.4.
 *
 *   Register       header (4) | B | N | reserved (30 bits) | inner multicast packet (IPv4 or IPv6)
 *   Register-Stop  header (4) | Encoded-Group | Encoded-Unicast source
 *
 * B (Border) is from PMBR use (RFC 4601, kept as 0 by 7761); N marks a Null-Register, whose inner
 * packet is only a dummy IP header naming (S,G) (§4.4.1). The Register checksum covers the 8-byte
 * Register header only (§4.9), but some implementations sum the whole message: the header rule is
 * tried first, then the whole message, and `checksumCoverage` tells which one matched.
 */
import { fail, ok, truncated, type ChecksumStatus, type Decoded, type DecodeError } from '../../decode-error.js';
import { decodeIPv4 } from '../../ip/ipv4.js';
import { decodeIPv6 } from '../../ip/ipv6.js';
import { readUint32 } from './pim-bytes.js';
import { badPimChecksum, pimChecksumIsValid, type PimIpContext } from './pim-checksum.js';
import {
  decodeEncodedGroup, decodeEncodedUnicast, encodedGroupOrSourceLength, encodedUnicastLength,
  type AddressFamily, type EncodedGroup, type EncodedUnicast,
} from './pim-encoded-address.js';
import { PIM_HEADER_LENGTH } from './pim-header.js';
import { checkConsumedAll } from './pim-length.js';

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
}

export interface PimRegisterStop {
  kind: 'pim.register-stop';
  checksum: ChecksumStatus;
  group: EncodedGroup;
  source: EncodedUnicast;
}

const REGISTER_HEADER_LENGTH = 8;
const REGISTER_FLAGS_OFFSET = 4;
const REGISTER_FLAG_BORDER = 0x80000000;
const REGISTER_FLAG_NULL = 0x40000000;
const IPV6_HEADER_LENGTH = 40;

/**
 * `capturedWhole` is false when the capture cut the message short (snaplen): the checksum then can
 * only be checked under the header rule, and the inner packet only needs its header present.
 */
export function decodeRegister(bytes: Uint8Array, ip: PimIpContext, capturedWhole: boolean): Decoded<PimRegister> {
  if (bytes.length < REGISTER_HEADER_LENGTH) {
    return truncated('pim', 0, REGISTER_HEADER_LENGTH, bytes.length, 'Register header');
  }
  let checksum: ChecksumStatus = 'good';
  let checksumCoverage: RegisterChecksumCoverage = 'header';
  if (!pimChecksumIsValid(bytes, ip, REGISTER_HEADER_LENGTH)) {
    if (!capturedWhole) {
      checksum = 'unverified';
      checksumCoverage = 'unknown';
    } else if (pimChecksumIsValid(bytes, ip, bytes.length)) {
      checksumCoverage = 'message';
    } else {
      return badPimChecksum(bytes, ip, REGISTER_HEADER_LENGTH);
    }
  }

  const flags = readUint32(bytes, REGISTER_FLAGS_OFFSET);
  const nullRegister = (flags & REGISTER_FLAG_NULL) !== 0;
  const innerBytes = bytes.subarray(REGISTER_HEADER_LENGTH);
  if (innerBytes.length === 0) return truncated('pim', REGISTER_HEADER_LENGTH, 1, 0, 'Register inner packet');
  const innerVersion = innerBytes[0]! >> 4;
  let inner: InnerPacket;
  if (innerVersion === 4) {
    const packet = decodeIPv4(innerBytes);
    if (!packet.ok) return innerFailure(packet.error);
    inner = { family: 4, source: packet.value.src, group: packet.value.dst, protocol: packet.value.protocol,
      length: packet.value.totalLength, truncated: packet.value.truncated };
  } else if (innerVersion === 6) {
    const packet = decodeIPv6(innerBytes);
    if (!packet.ok) return innerFailure(packet.error);
    inner = { family: 6, source: packet.value.src, group: packet.value.dst, protocol: packet.value.nextHeader,
      length: IPV6_HEADER_LENGTH + packet.value.payloadLength, truncated: packet.value.truncated };
  } else {
    return fail('pim', 'bad-value', REGISTER_HEADER_LENGTH, `Register inner packet: IP version ${innerVersion}`);
  }
  // A Null-Register's dummy header may declare any length; a data Register must carry its packet.
  if (!nullRegister && capturedWhole && inner.truncated) {
    return truncated('pim', REGISTER_HEADER_LENGTH, inner.length, innerBytes.length, 'Register inner packet');
  }

  return ok({
    kind: nullRegister ? 'pim.null-register' : 'pim.register',
    checksum,
    checksumCoverage,
    border: (flags & REGISTER_FLAG_BORDER) !== 0,
    nullRegister,
    innerFamily: inner.family,
    innerSource: inner.source,
    innerGroup: inner.group,
    innerProtocol: inner.protocol,
    innerLength: inner.length,
  });
}

interface InnerPacket {
  family: AddressFamily;
  source: string;
  group: string;
  protocol: number;
  length: number;
  truncated: boolean;
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
  const end = checkConsumedAll(bytes, sourceOffset + encodedUnicastLength(source.value.family), 'Register-Stop');
  if (!end.ok) return end;
  return ok({ kind: 'pim.register-stop', checksum, group: group.value, source: source.value });
}
