/** The rule shared by every PIM body decoder: the message ends where its last field ends. */
import { fail, type Decoded } from '../../decode-error.js';

/** `bad-length` when bytes remain after the last field a message's counts and layout account for; else null. */
export function trailingBytesError(bytes: Uint8Array, end: number, what: string): Decoded<never> | null {
  if (end === bytes.length) return null;
  return fail('pim', 'bad-length', end, `${what}: ${bytes.length - end} bytes after the last field`);
}
