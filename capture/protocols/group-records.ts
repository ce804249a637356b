/**
 * The records of an IGMPv3 Membership Report (RFC 3376 §4.2.4, group records) and of an MLDv2
 * Report (RFC 3810 §5.2.4, multicast address records) share one layout, with 4- or 16-byte
 * addresses:
 *
 *   record type (1) | aux data len, 32-bit words (1) | number of sources (2) | multicast address |
 *   sources | aux data
 *
 * Records of an unknown type are skipped and counted, as both RFCs require (§4.2.12, §5.2.12).
 */
import { readUint16 } from '../bytes.js';
import { ok, truncated, type Decoded, type Layer } from '../decode-error.js';
import { GROUP_RECORD_TYPES, type GroupRecordType } from '../message-kinds.js';

/** What differs between the two protocols. */
export interface RecordFormat<R> {
  layer: Layer;
  /** "group record" (IGMPv3), "address record" (MLDv2): how errors name a record. */
  recordName: string;
  addressLength: 4 | 16;
  formatAddress(bytes: Uint8Array, offset: number): string;
  /** Builds the protocol's own record (IGMP calls the address `group`, MLD `multicastAddress`). */
  record(type: GroupRecordType, address: string, sources: string[], auxData: Uint8Array): R;
}

/** Reads `count` records from `start`; stops with a `truncated` error at the first record that does not fit. */
export function readGroupRecords<R>(bytes: Uint8Array, start: number, count: number, format: RecordFormat<R>): Decoded<{ records: R[]; ignoredRecords: number }> {
  const headerLength = 4 + format.addressLength;
  const records: R[] = [];
  let ignoredRecords = 0;
  let at = start;
  for (let index = 0; index < count; index++) {
    if (at + headerLength > bytes.length) {
      return truncated(format.layer, at, headerLength, bytes.length - at, `${format.recordName} ${index + 1} of ${count}`);
    }
    const typeNumber = bytes[at]!;
    const auxLength = bytes[at + 1]! * 4;
    const sourceCount = readUint16(bytes, at + 2);
    const sourcesStart = at + headerLength;
    const recordEnd = sourcesStart + sourceCount * format.addressLength + auxLength;
    if (recordEnd > bytes.length) {
      return truncated(format.layer, at, recordEnd - at, bytes.length - at,
        `${format.recordName} ${index + 1} of ${count} (${sourceCount} sources, ${auxLength} aux bytes)`);
    }
    const type = GROUP_RECORD_TYPES[typeNumber - 1];
    if (type) {
      const sources = new Array<string>(sourceCount);
      for (let i = 0; i < sourceCount; i++) sources[i] = format.formatAddress(bytes, sourcesStart + i * format.addressLength);
      records.push(format.record(type, format.formatAddress(bytes, at + 4), sources, bytes.subarray(recordEnd - auxLength, recordEnd)));
    } else {
      ignoredRecords++;
    }
    at = recordEnd;
  }
  return ok({ records, ignoredRecords });
}
