/**
 * The rule shared by every PIM body decoder: a message whose fields are all present is accepted;
 * bytes after its last field (padding, an implementation's extension) are a note, not an error.
 */

/** Bytes after the last field the message's counts and layout account for. */
export function trailingBytes(bytes: Uint8Array, end: number): number {
  return Math.max(0, bytes.length - end);
}
