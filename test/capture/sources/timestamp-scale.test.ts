import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimestampScale } from '../../../capture/sources/timestamp-scale.js';

/** Reference conversion in bigint: floor to the nanosecond. */
function reference(tsresol: number, count: bigint, offset: number): [number, number] {
  const units = tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
  return [Number(count / units) + offset, Number(((count % units) * 1_000_000_000n) / units)];
}

/** Deterministic pseudo-random 32-bit values (xorshift). */
function* randomWords(seed: number, count: number): Generator<number> {
  let x = seed;
  for (let i = 0; i < count; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    yield x >>> 0;
  }
}

describe('TimestampScale', () => {
  it('labels resolutions as written', () => {
    assert.equal(new TimestampScale().label, '1e-6');
    assert.equal(new TimestampScale(9).label, '1e-9');
    assert.equal(new TimestampScale(0x80 | 20).label, '2^-20');
  });

  it('converts exactly for every resolution, against a bigint reference', () => {
    const resolutions = [0, 1, 3, 6, 7, 9, 10, 12, 0x80, 0x80 | 10, 0x80 | 20, 0x80 | 32, 0x80 | 40];
    const words = [...randomWords(0x9e3779b9, 4000)];
    const edges = [0, 1, 0xffff, 0x10000, 999_999_999, 1_000_000_000, 0x7fffffff, 0xffffffff];
    const pairs: [number, number][] = [];
    for (const high of edges) for (const low of edges) pairs.push([high, low]);
    for (let i = 0; i < words.length; i += 2) pairs.push([words[i]!, words[i + 1]!]);
    const out = { seconds: 0, nanos: 0 };
    for (const tsresol of resolutions) {
      for (const offset of [0, -3600]) {
        const scale = new TimestampScale(tsresol, offset);
        for (const [high, low] of pairs) {
          scale.convert(high, low, out);
          const count = (BigInt(high) << 32n) | BigInt(low);
          assert.deepEqual([out.seconds, out.nanos], reference(tsresol, count, offset), `tsresol ${tsresol} count ${count}`);
        }
      }
    }
  });
});
