/**
 * PIMv2 (IP protocol 103) message decoder: the entry point for every PIM message type.
 *
 *   RFC 7761 PIM-SM: header, checksum and types 0-5, 8 (§4.9); encoded addresses (§4.9.1)
 *   RFC 3973 PIM-DM: Graft (6), Graft-Ack (7), State Refresh (9), Hello option 21
 *   RFC 5059 BSR:    Bootstrap (4) with the No-Forward bit, Candidate-RP-Advertisement (8)
 *
 * Version rule: only version 2 is decoded (PIMv1 travels inside IGMP, never as protocol 103).
 * Checksum rule: the whole message (plus the IPv6 pseudo-header), except Register (see
 * pim/pim-register.ts); a message with a wrong one is decoded with its `checksum` 'bad' (receivers drop
 * it: the analysis counts it and does not apply it). Bytes after a message's last field are a note
 * (`trailingBytes`), not an error: a message whose fields are all present is whole. A message the capture cut short
 * (`payloadLengthOnWire` > bytes) is a `truncated` error, except a Register, whose inner packet is
 * only read for its header. Types 10-15 become `{ kind: 'other', protocol: 'pim', pimType }`.
 *
 * One concept per file under pim/: header, checksum, encoded addresses, and a file per message family.
 */
import { fail, ok, truncated, type ChecksumStatus, type Decoded } from '../decode-error.js';
import { decodeAssert, type PimAssert } from './pim/pim-assert.js';
import {
  decodeBootstrap, decodeCandidateRpAdvertisement, type PimBootstrap, type PimCandidateRpAdvertisement,
} from './pim/pim-bootstrap.js';
import { pimChecksumIsValid, type PimIpContext } from './pim/pim-checksum.js';
import { PIM_HEADER_LENGTH, PIM_VERSION, PimType } from './pim/pim-header.js';
import { decodeHello, type PimHello } from './pim/pim-hello.js';
import { decodeJoinPrune, type PimJoinPrune } from './pim/pim-join-prune.js';
import { decodeRegister, decodeRegisterStop, type PimRegister, type PimRegisterStop } from './pim/pim-register.js';
import { decodeStateRefresh, type PimStateRefresh } from './pim/pim-state-refresh.js';

export type { PimIpContext } from './pim/pim-checksum.js';
export type { AddressFamily, EncodedGroup, EncodedSource, EncodedUnicast, SourceEntryType } from './pim/pim-encoded-address.js';
export type { LanPruneDelay, PimHello, PimHelloOption, StateRefreshCapability } from './pim/pim-hello.js';
export type { PimRegister, PimRegisterStop, RegisterChecksumCoverage } from './pim/pim-register.js';
export type { JoinPruneEntryType, JoinPruneGroup, JoinPruneKind, JoinPruneSource, PimJoinPrune } from './pim/pim-join-prune.js';
export type { PimAssert } from './pim/pim-assert.js';
export type { BootstrapGroup, BootstrapRp, PimBootstrap, PimCandidateRpAdvertisement } from './pim/pim-bootstrap.js';
export type { PimStateRefresh } from './pim/pim-state-refresh.js';
export { PimType } from './pim/pim-header.js';

/** A well-formed PIMv2 message of a type this decoder does not read (10 DF Election and up). */
export interface PimOther {
  kind: 'other';
  protocol: 'pim';
  pimType: number;
  checksum: ChecksumStatus;
}

export type PimMessage =
  | PimHello | PimRegister | PimRegisterStop | PimJoinPrune | PimAssert
  | PimBootstrap | PimCandidateRpAdvertisement | PimStateRefresh | PimOther;

type BodyDecoder = (bytes: Uint8Array, checksum: ChecksumStatus) => Decoded<PimMessage>;

/** Decoders for the types whose checksum covers the whole message, by type code. */
const BODY_DECODERS: ReadonlyMap<number, BodyDecoder> = new Map<number, BodyDecoder>([
  [PimType.hello, decodeHello],
  [PimType.registerStop, decodeRegisterStop],
  [PimType.joinPrune, (bytes, checksum) => decodeJoinPrune(bytes, 'pim.join-prune', checksum)],
  [PimType.bootstrap, decodeBootstrap],
  [PimType.assert, decodeAssert],
  [PimType.graft, (bytes, checksum) => decodeJoinPrune(bytes, 'pim.graft', checksum)],
  [PimType.graftAck, (bytes, checksum) => decodeJoinPrune(bytes, 'pim.graft-ack', checksum)],
  [PimType.candidateRpAdvertisement, decodeCandidateRpAdvertisement],
  [PimType.stateRefresh, decodeStateRefresh],
]);

/** Decodes one PIM message: `bytes` is the IP payload, offsets in errors count from its start. */
export function decodePim(bytes: Uint8Array, ip: PimIpContext): Decoded<PimMessage> {
  if (bytes.length < PIM_HEADER_LENGTH) return truncated('pim', 0, PIM_HEADER_LENGTH, bytes.length, 'PIM header');
  const version = bytes[0]! >> 4;
  if (version !== PIM_VERSION) {
    return fail('pim', 'bad-version', 0, `PIM version ${version}, only 2 is decoded (RFC 7761 §4.9)`);
  }
  const type = bytes[0]! & 0x0f;
  const lengthOnWire = ip.payloadLengthOnWire ?? bytes.length;
  const capturedWhole = lengthOnWire <= bytes.length;
  if (type === PimType.register) return decodeRegister(bytes, ip, capturedWhole);

  const decoder = BODY_DECODERS.get(type);
  if (!capturedWhole) {
    if (decoder) return truncated('pim', 0, lengthOnWire, bytes.length, 'PIM message cut by the capture');
    return ok({ kind: 'other', protocol: 'pim', pimType: type, checksum: 'unverified' });
  }
  const checksum: ChecksumStatus = pimChecksumIsValid(bytes, ip, bytes.length) ? 'good' : 'bad';
  if (decoder) return decoder(bytes, checksum);
  return ok({ kind: 'other', protocol: 'pim', pimType: type, checksum });
}
