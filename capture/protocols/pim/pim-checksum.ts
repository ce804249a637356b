/**
 * The PIM checksum (RFC 7761 §4.9): RFC 1071 sum over the whole PIM message, with the IPv6
 * pseudo-header (RFC 8200 §8.1, next header 103) prepended for PIM over IPv6. Register messages
 * are the exception: only their 8-byte header is covered, and the pseudo-header's upper-layer
 * length is then 8 (see pim-register.ts for the implementations that cover the whole message).
 */
import { ipv6PseudoHeaderSum, onesComplementSum } from '../../ip/checksum.js';

/** The IP layer facts the PIM checksum and length checks need. */
export interface PimIpContext {
  family: 4 | 6;
  /** 4 or 16 bytes; read for the IPv6 pseudo-header only. */
  srcBytes: Uint8Array;
  dstBytes: Uint8Array;
  /** Length of the PIM message on the wire, when the capture cut it short (snaplen). */
  payloadLengthOnWire?: number;
}

const IP_PROTOCOL_PIM = 103;

function pseudoHeaderSum(ip: PimIpContext, coveredLength: number): number {
  return ip.family === 6 ? ipv6PseudoHeaderSum(ip.srcBytes, ip.dstBytes, coveredLength, IP_PROTOCOL_PIM) : 0;
}

/**
 * Whether the first `coveredLength` bytes (checksum field included) sum correctly; for IPv6 the
 * pseudo-header's upper-layer length is `pseudoHeaderLength` (default: the bytes covered).
 */
export function pimChecksumIsValid(bytes: Uint8Array, ip: PimIpContext, coveredLength: number, pseudoHeaderLength = coveredLength): boolean {
  return onesComplementSum(bytes, 0, coveredLength, pseudoHeaderSum(ip, pseudoHeaderLength)) === 0xffff;
}
