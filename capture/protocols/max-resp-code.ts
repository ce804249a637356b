/**
 * The floating-point codes IGMPv3 and MLDv2 use for timers.
 *
 * 8-bit code (IGMPv3 Max Resp Code, RFC 3376 §4.1.1, unit 0.1 s; IGMPv3 QQIC, §4.1.7, and MLDv2
 * QQIC, RFC 3810 §5.1.9, unit 1 s):
 *   code < 128   → value = code
 *   code ≥ 128   → 1 | exp(3) | mant(4):  value = (mant | 0x10) << (exp + 3)      (max 31744)
 *
 * 16-bit code (MLDv2 Maximum Response Code, RFC 3810 §5.1.3, unit 1 ms):
 *   code < 32768 → value = code
 *   code ≥ 32768 → 1 | exp(3) | mant(12): value = (mant | 0x1000) << (exp + 3)    (max 8387584)
 *
 * Both mappings are strictly increasing over all codes, so every value maps back to one code.
 */

const CODE8_FLOAT_THRESHOLD = 0x80;
const CODE8_MAX = 0xff;
const CODE16_FLOAT_THRESHOLD = 0x8000;
const CODE16_MAX = 0xffff;

/** Value (in the field's unit) of an 8-bit IGMPv3 Max Resp Code or IGMPv3/MLDv2 QQIC. */
export function decodeCode8(code: number): number {
  if (code < CODE8_FLOAT_THRESHOLD) return code;
  const mant = code & 0x0f;
  const exp = (code >> 4) & 0x07;
  return (mant | 0x10) << (exp + 3);
}

/** Value (in milliseconds) of a 16-bit MLDv2 Maximum Response Code. */
export function decodeCode16(code: number): number {
  if (code < CODE16_FLOAT_THRESHOLD) return code;
  const mant = code & 0x0fff;
  const exp = (code >> 12) & 0x07;
  return (mant | 0x1000) << (exp + 3);
}

/** The 8-bit code whose value is nearest to `value` (clamped to 0..31744). */
export function encodeCode8(value: number): number {
  return nearestCode(value, CODE8_FLOAT_THRESHOLD, CODE8_MAX, decodeCode8);
}

/** The 16-bit code whose value is nearest to `value` ms (clamped to 0..8387584). */
export function encodeCode16(value: number): number {
  return nearestCode(value, CODE16_FLOAT_THRESHOLD, CODE16_MAX, decodeCode16);
}

/** IGMPv3 Max Resp Code in seconds (the code counts tenths of a second). */
export function igmpMaxRespSeconds(code: number): number {
  return decodeCode8(code) / 10;
}

/** Binary search over the floating-point codes of a strictly increasing code → value mapping. */
function nearestCode(value: number, floatThreshold: number, maxCode: number, decode: (code: number) => number): number {
  if (!(value > 0)) return 0;
  if (value < floatThreshold) {
    const rounded = Math.round(value);
    return rounded < floatThreshold ? rounded : floatThreshold;
  }
  if (value >= decode(maxCode)) return maxCode;
  // Largest code whose value is ≤ value, then pick it or the next one, whichever is nearer.
  let low = floatThreshold;
  let high = maxCode;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (decode(middle) <= value) low = middle;
    else high = middle - 1;
  }
  return value - decode(low) <= decode(low + 1) - value ? low : low + 1;
}
