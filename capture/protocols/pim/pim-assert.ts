/**
 * PIM Assert (type 5), RFC 7761 §4.9.6.
 *
 *   header (4) | Encoded-Group | Encoded-Unicast source | R | metric preference (31 bits) | metric (32)
 *
 * R is the RPT bit: set for (*,G) asserts. An AssertCancel (§4.6.1) is an Assert whose metric
 * preference and metric are both infinite (0x7fffffff / 0xffffffff).
 */
import { ok, truncated, type ChecksumStatus, type Decoded } from '../../decode-error.js';
import { readUint32 } from '../../bytes.js';
import {
  decodeEncodedGroup, decodeEncodedUnicast, encodedGroupOrSourceLength, encodedUnicastLength,
  type EncodedGroup, type EncodedUnicast,
} from './pim-encoded-address.js';
import { PIM_HEADER_LENGTH } from './pim-header.js';
import { trailingBytes } from './pim-length.js';

export interface PimAssert {
  kind: 'pim.assert';
  checksum: ChecksumStatus;
  group: EncodedGroup;
  source: EncodedUnicast;
  rpt: boolean;
  metricPreference: number;
  metric: number;
  isCancel: boolean;
  /** Bytes after the last field (a note: the message is whole without them). */
  trailingBytes: number;
}

/** The metric preference word: R (RPT bit) then 31 bits of preference; State Refresh reuses it. */
export const RPT_BIT = 0x80000000;
export const METRIC_PREFERENCE_MASK = 0x7fffffff;
export const INFINITE_METRIC_PREFERENCE = 0x7fffffff;
export const INFINITE_METRIC = 0xffffffff;
const METRICS_LENGTH = 8;

export function decodeAssert(bytes: Uint8Array, checksum: ChecksumStatus): Decoded<PimAssert> {
  const group = decodeEncodedGroup(bytes, PIM_HEADER_LENGTH, 'Assert group');
  if (!group.ok) return group;
  const sourceOffset = PIM_HEADER_LENGTH + encodedGroupOrSourceLength(group.value.family);
  const source = decodeEncodedUnicast(bytes, sourceOffset, 'Assert source');
  if (!source.ok) return source;
  const metricsOffset = sourceOffset + encodedUnicastLength(source.value.family);
  if (bytes.length - metricsOffset < METRICS_LENGTH) {
    return truncated('pim', metricsOffset, METRICS_LENGTH, bytes.length - metricsOffset, 'Assert metric preference and metric');
  }
  const preferenceWord = readUint32(bytes, metricsOffset);
  const metricPreference = preferenceWord & METRIC_PREFERENCE_MASK;
  const metric = readUint32(bytes, metricsOffset + 4);
  return ok({
    kind: 'pim.assert',
    checksum,
    group: group.value,
    source: source.value,
    rpt: (preferenceWord & RPT_BIT) !== 0,
    metricPreference,
    metric,
    isCancel: metricPreference === INFINITE_METRIC_PREFERENCE && metric === INFINITE_METRIC,
    trailingBytes: trailingBytes(bytes, metricsOffset + METRICS_LENGTH),
  });
}
