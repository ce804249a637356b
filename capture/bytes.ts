/**
 * Big-endian reads of network byte order fields, shared by every decoder (link, IP, protocols,
 * payload numbering). Callers check lengths first: every decoder does, before reading.
 */

export function readUint16(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! << 8) | bytes[offset + 1]!;
}

export function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}
