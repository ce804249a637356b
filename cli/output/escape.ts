/**
 * Text from packets and file names made safe for a terminal: control characters (C0, DEL, C1,
 * line separators and bidirectional overrides) are shown as escapes, `\x1b` as the four
 * characters `\x1b`, so a name cannot move the cursor, recolor the screen or hide itself.
 */
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
