/**
 * PIM-DM State Refresh (type 9), RFC 3973 §4.7.1.
 *
 *   header (4) | Encoded-Group | Encoded-Unicast source | Encoded-Unicast originator |
 *   R | metric preference (31 bits) | metric (32) | mask length (1) | TTL (1) |
 *   P N O reserved (1) | interval (1, seconds)
 *
 * P: Prune Indicator; N: Prune Now; O: Assert Override.
 */
import { ok, truncated, type ChecksumStatus, type Decoded } from '../../decode-error.js';
import { readUint32 } from '../../bytes.js';
import { METRIC_PREFERENCE_MASK, RPT_BIT } from './pim-assert.js';
import {
  decodeEncodedGroup, decodeEncodedUnicast, encodedGroupOrSourceLength, encodedUnicastLength,
  type EncodedGroup, type EncodedUnicast,
} from './pim-encoded-address.js';
import { PIM_HEADER_LENGTH } from './pim-header.js';
import { trailingBytes } from './pim-length.js';

export interface PimStateRefresh {
  kind: 'pim.state-refresh';
  checksum: ChecksumStatus;
  group: EncodedGroup;
  source: EncodedUnicast;
  originator: EncodedUnicast;
  rpt: boolean;
  metricPreference: number;
  metric: number;
  /** Mask length of the route to the source. */
  maskLength: number;
  ttl: number;
  pruneIndicator: boolean;
  pruneNow: boolean;
  assertOverride: boolean;
  intervalSeconds: number;
  /** Bytes after the last field (a note: the message is whole without them). */
  trailingBytes: number;
}

/** Metric preference (4), metric (4), mask length, TTL, flags, interval (1 each). */
const TAIL_LENGTH = 12;
const FLAG_PRUNE_INDICATOR = 0x80;
const FLAG_PRUNE_NOW = 0x40;
const FLAG_ASSERT_OVERRIDE = 0x20;

export function decodeStateRefresh(bytes: Uint8Array, checksum: ChecksumStatus): Decoded<PimStateRefresh> {
  const group = decodeEncodedGroup(bytes, PIM_HEADER_LENGTH, 'State Refresh group');
  if (!group.ok) return group;
  let offset = PIM_HEADER_LENGTH + encodedGroupOrSourceLength(group.value.family);
  const source = decodeEncodedUnicast(bytes, offset, 'State Refresh source');
  if (!source.ok) return source;
  offset += encodedUnicastLength(source.value.family);
  const originator = decodeEncodedUnicast(bytes, offset, 'State Refresh originator');
  if (!originator.ok) return originator;
  offset += encodedUnicastLength(originator.value.family);
  if (bytes.length - offset < TAIL_LENGTH) {
    return truncated('pim', offset, TAIL_LENGTH, bytes.length - offset, 'State Refresh metrics, TTL and interval');
  }
  const preferenceWord = readUint32(bytes, offset);
  const flags = bytes[offset + 10]!;
  return ok({
    kind: 'pim.state-refresh',
    checksum,
    group: group.value,
    source: source.value,
    originator: originator.value,
    rpt: (preferenceWord & RPT_BIT) !== 0,
    metricPreference: preferenceWord & METRIC_PREFERENCE_MASK,
    metric: readUint32(bytes, offset + 4),
    maskLength: bytes[offset + 8]!,
    ttl: bytes[offset + 9]!,
    pruneIndicator: (flags & FLAG_PRUNE_INDICATOR) !== 0,
    pruneNow: (flags & FLAG_PRUNE_NOW) !== 0,
    assertOverride: (flags & FLAG_ASSERT_OVERRIDE) !== 0,
    intervalSeconds: bytes[offset + 11]!,
    trailingBytes: trailingBytes(bytes, offset + TAIL_LENGTH),
  });
}
