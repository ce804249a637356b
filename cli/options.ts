/**
 * Option values as the user typed them, read strictly: a value that is not what the option
 * takes is a usage error naming the option, the text given and what was expected.
 */
import { InputError } from '../capture/input-error.js';

const INTEGER = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
/** A date and time with its zone, as the output prints it (2026-03-01T08:46:05.123Z); seconds and fraction optional. */
const ISO_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

function invalid(option: string, text: string, expected: string): InputError {
  return new InputError(`${option}: '${text}' is not ${expected}`, 'usage');
}

export function parsePort(option: string, text: string): number {
  const port = Number(text);
  if (!INTEGER.test(text) || port > 65535) throw invalid(option, text, 'a port number (0-65535)');
  return port;
}

/** A decimal number in [min, max] (min itself excluded when `minExclusive`). */
export function parseDecimal(option: string, text: string, expected: string, range: { min: number; max?: number; minExclusive?: boolean }): number {
  const value = Number(text);
  const aboveMin = range.minExclusive ? value > range.min : value >= range.min;
  if (!DECIMAL.test(text) || !aboveMin || value > (range.max ?? Infinity)) throw invalid(option, text, expected);
  return value;
}

/** Epoch seconds (1764057600.5) or an ISO 8601 time with its zone, kept to the sub-millisecond digits Date drops. */
export function parseTime(option: string, text: string): number {
  if (DECIMAL.test(text)) return Number(text);
  const iso = ISO_TIME.exec(text);
  const milliseconds = iso === null ? NaN : Date.parse(`${iso[1]}:${iso[2] ?? '00'}${iso[4]}`.toUpperCase());
  if (Number.isNaN(milliseconds)) throw invalid(option, text, 'a time: give epoch seconds (1764057600.5) or an ISO 8601 time (2025-11-25T08:00:00.5Z)');
  return milliseconds / 1000 + Number(`0${iso![3] ?? ''}`);
}
