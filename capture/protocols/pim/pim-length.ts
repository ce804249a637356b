/** The rule shared by every PIM body decoder: the message ends where its last field ends. */
import { fail, ok, type Decoded } from '../../decode-error.js';

/** `bad-length` when bytes remain after the last field a message's counts and layout account for. */
export function checkConsumedAll(bytes: Uint8Array, end: number, what: string): Decoded<number> {
  if (end === bytes.length) return ok(end);
  return fail('pim', 'bad-length', end, `${what}: ${bytes.length - end} bytes after the last field`);
}
