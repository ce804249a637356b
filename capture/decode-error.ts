/**
 * Decoders are pure and never throw on malformed input: they return a Decoded<T>, either the value
 * or a DecodeError saying which layer stopped, why, and at which byte offset (relative to the
 * start of the bytes that layer was given).
 */
export type Layer = 'link' | 'ipv4' | 'ipv6' | 'igmp' | 'mld' | 'pim' | 'udp' | 'ospf' | 'file';

export type DecodeErrorCode =
  | 'truncated'        // fewer bytes than the structure needs
  | 'bad-checksum'     // an IPv4 header checksum verified and wrong (a control message's own is its ChecksumStatus)
  | 'bad-version'      // version field not the one this decoder handles
  | 'bad-length'       // a length field contradicts the bytes or the RFC
  | 'bad-value'        // a field holds a value the RFC forbids
  | 'unsupported';     // well-formed but not decodable by us (e.g. unknown link type)

export interface DecodeError {
  layer: Layer;
  code: DecodeErrorCode;
  /** Byte offset within the layer's input where decoding stopped. */
  offset: number;
  reason: string;
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail<T = never>(layer: Layer, code: DecodeErrorCode, offset: number, reason: string): Decoded<T> {
  return { ok: false, error: { layer, code, offset, reason } };
}

/** The standard "need N bytes at offset O" error, in etherparse's style. */
export function truncated<T = never>(layer: Layer, offset: number, needed: number, have: number, what: string): Decoded<T> {
  return fail(layer, 'truncated', offset, `${what}: need ${needed} bytes at offset ${offset}, have ${have}`);
}

/** Whether a checksum was verified: part of every record, never a fake message type. */
export type ChecksumStatus = 'good' | 'bad' | 'unverified';
