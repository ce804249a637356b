/**
 * A frame's bytes inside the chunk it was read in, without copying: a plain Uint8Array view, which
 * costs less per frame than Buffer.subarray (that builds a Buffer through the species constructor).
 */
export function view(chunk: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, length);
}
