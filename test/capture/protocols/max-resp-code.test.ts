import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCode16, decodeCode8, encodeCode16, encodeCode8, igmpMaxRespSeconds } from '../../../capture/protocols/max-resp-code.js';

/** RFC 3376 §4.1.1 written out bit by bit, independent of the implementation's masks. */
function rfc3376Value(code: number): number {
  if (code < 128) return code;
  const bits = code.toString(2).padStart(8, '0');
  const exp = parseInt(bits.slice(1, 4), 2);
  const mant = parseInt(bits.slice(4, 8), 2);
  return (mant | 0x10) * 2 ** (exp + 3);
}

/** RFC 3810 §5.1.3 written out bit by bit. */
function rfc3810Value(code: number): number {
  if (code < 32768) return code;
  const bits = code.toString(2).padStart(16, '0');
  const exp = parseInt(bits.slice(1, 4), 2);
  const mant = parseInt(bits.slice(4, 16), 2);
  return (mant | 0x1000) * 2 ** (exp + 3);
}

/** Codes 0..65535 every 97th plus the boundaries and each exponent's first and last code. */
const SAMPLE_CODE16: number[] = (() => {
  const codes = new Set([0, 1, 32767, 32768, 32769, 65534, 65535]);
  for (let code = 0; code <= 0xffff; code += 97) codes.add(code);
  for (let exp = 0; exp < 8; exp++) { codes.add(0x8000 | (exp << 12)); codes.add(0x8000 | (exp << 12) | 0xfff); }
  return [...codes].sort((a, b) => a - b);
})();

describe('8-bit code (IGMPv3 Max Resp Code, QQIC)', () => {
  it('decodes boundary codes', () => {
    const cases: [number, number][] = [[0, 0], [1, 1], [127, 127], [128, 128], [129, 136], [143, 248], [144, 256], [255, 31744]];
    for (const [code, value] of cases) assert.equal(decodeCode8(code), value, `code ${code}`);
  });
  it('matches RFC 3376 §4.1.1 for every code', () => {
    for (let code = 0; code <= 255; code++) assert.equal(decodeCode8(code), rfc3376Value(code), `code ${code}`);
  });
  it('is strictly increasing, so it round-trips for every code', () => {
    for (let code = 1; code <= 255; code++) assert.ok(decodeCode8(code) > decodeCode8(code - 1), `code ${code}`);
    for (let code = 0; code <= 255; code++) assert.equal(encodeCode8(decodeCode8(code)), code, `code ${code}`);
  });
  it('encodes to the nearest code, monotonically, clamped', () => {
    let previous = 0;
    for (let value = 0; value <= 33000; value += 7) {
      const code = encodeCode8(value);
      assert.ok(code >= previous, `value ${value}`);
      previous = code;
      const error = Math.abs(decodeCode8(code) - value);
      if (code > 0) assert.ok(error <= Math.abs(decodeCode8(code - 1) - value), `value ${value}`);
      if (code < 255) assert.ok(error <= Math.abs(decodeCode8(code + 1) - value), `value ${value}`);
    }
    assert.equal(encodeCode8(-5), 0);
    assert.equal(encodeCode8(Number.NaN), 0);
    assert.equal(encodeCode8(1e9), 255);
    assert.equal(encodeCode8(127.6), 128);
    assert.equal(encodeCode8(131), 128);
    assert.equal(encodeCode8(133), 129);
  });
  it('gives IGMPv3 Max Resp Code in seconds', () => {
    assert.equal(igmpMaxRespSeconds(100), 10);
    assert.equal(igmpMaxRespSeconds(255), 3174.4);
  });
});

describe('16-bit code (MLDv2 Maximum Response Code)', () => {
  it('decodes boundary codes', () => {
    const cases: [number, number][] = [[0, 0], [10000, 10000], [32767, 32767], [32768, 32768], [32769, 32776], [65535, 8387584]];
    for (const [code, value] of cases) assert.equal(decodeCode16(code), value, `code ${code}`);
  });
  it('matches RFC 3810 §5.1.3 and round-trips on representative codes', () => {
    for (const code of SAMPLE_CODE16) {
      assert.equal(decodeCode16(code), rfc3810Value(code), `code ${code}`);
      assert.equal(encodeCode16(decodeCode16(code)), code, `code ${code}`);
    }
  });
  it('is strictly increasing over every code', () => {
    for (let code = 1; code <= 0xffff; code++) {
      if (decodeCode16(code) <= decodeCode16(code - 1)) assert.fail(`code ${code}`);
    }
  });
  it('encodes to the nearest code, monotonically, clamped', () => {
    let previous = 0;
    for (let value = 0; value <= 8_500_000; value += 997) {
      const code = encodeCode16(value);
      assert.ok(code >= previous, `value ${value}`);
      previous = code;
      const error = Math.abs(decodeCode16(code) - value);
      if (code > 0) assert.ok(error <= Math.abs(decodeCode16(code - 1) - value), `value ${value}`);
      if (code < 0xffff) assert.ok(error <= Math.abs(decodeCode16(code + 1) - value), `value ${value}`);
    }
    assert.equal(encodeCode16(-1), 0);
    assert.equal(encodeCode16(9e6), 0xffff);
  });
});
