/**
 * pcapng timestamps (draft-ietf-opsawg-pcapng §4.2 if_tsresol, §4.3 EPB): a 64-bit count of units
 * since 1970, the unit set per interface by if_tsresol — 10^-n s when its top bit is 0, 2^-n s when
 * it is 1 (default 10^-6) — plus if_tsoffset whole seconds. Converted to exact seconds + nanoseconds.
 */

const NANOS_PER_SECOND = 1_000_000_000;
const TWO_POW_16 = 0x10000;
const TWO_POW_32 = 0x1_0000_0000;
const POWER_OF_TWO_FLAG = 0x80;
const EXPONENT_MASK = 0x7f;
/** 10^9 units per second is the finest unit the split arithmetic below handles exactly. */
const MAX_EXACT_DECIMAL_EXPONENT = 9;

export const DEFAULT_TSRESOL = 6;

/** Where a conversion writes its result (a Frame, typically): no allocation per packet. */
export interface FrameTime {
  seconds: number;
  nanos: number;
}

/** Floor division of an exact integer below 2^53, corrected for the rounding of `/`. */
function divide(dividend: number, divisor: number, out: { quotient: number; remainder: number }): void {
  let quotient = Math.floor(dividend / divisor);
  let remainder = dividend - quotient * divisor;
  if (remainder < 0) { quotient -= 1; remainder += divisor; }
  else if (remainder >= divisor) { quotient += 1; remainder -= divisor; }
  out.quotient = quotient;
  out.remainder = remainder;
}

export class TimestampScale {
  /** '1e-6', '2^-20': the resolution as written, for CaptureInterfaceInfo. */
  readonly label: string;
  /** Units per second, as a number (decimal exponent ≤ 9) and as a bigint (other resolutions). */
  private readonly unitsPerSecond: number;
  private readonly unitsPerSecondBig: bigint;
  private readonly nanosPerUnit: number;
  private readonly division = { quotient: 0, remainder: 0 };

  constructor(tsresol: number = DEFAULT_TSRESOL, private readonly offsetSeconds = 0) {
    const decimal = (tsresol & POWER_OF_TWO_FLAG) === 0;
    const exponent = tsresol & EXPONENT_MASK;
    this.label = decimal ? `1e-${exponent}` : `2^-${exponent}`;
    this.unitsPerSecondBig = decimal ? 10n ** BigInt(exponent) : 1n << BigInt(exponent);
    this.unitsPerSecond = Number(this.unitsPerSecondBig);
    this.nanosPerUnit = decimal && exponent <= MAX_EXACT_DECIMAL_EXPONENT ? 10 ** (MAX_EXACT_DECIMAL_EXPONENT - exponent) : 0;
  }

  /** Writes the time of timestamp `high`·2^32 + `low` into `out`. */
  convert(high: number, low: number, out: FrameTime): void {
    if (this.nanosPerUnit === 0) {
      this.convertBig(high, low, out);
      return;
    }
    // Exact without bigint: split the 64-bit count into 32 + 16 + 16 bits, dividing as we go;
    // every intermediate stays below 2^46 because each remainder is below 10^9 < 2^30.
    const units = this.unitsPerSecond;
    const d = this.division;
    divide(high, units, d);
    const highSeconds = d.quotient;
    divide(d.remainder * TWO_POW_16 + (low >>> 16), units, d);
    const middleSeconds = d.quotient;
    divide(d.remainder * TWO_POW_16 + (low & 0xffff), units, d);
    out.seconds = highSeconds * TWO_POW_32 + middleSeconds * TWO_POW_16 + d.quotient + this.offsetSeconds;
    out.nanos = d.remainder * this.nanosPerUnit;
  }

  /** Power-of-2 and sub-nanosecond units: rounded down to the nanosecond. */
  private convertBig(high: number, low: number, out: FrameTime): void {
    const count = (BigInt(high) << 32n) | BigInt(low);
    const units = this.unitsPerSecondBig;
    out.seconds = Number(count / units) + this.offsetSeconds;
    out.nanos = Number(((count % units) * BigInt(NANOS_PER_SECOND)) / units);
  }
}
