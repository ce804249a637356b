/**
 * Writes classic pcap (see pcap.ts for the layout): a file header for one link type, then one
 * record per frame, in microsecond (magic a1b2c3d4) or nanosecond (a1b23c4d) units, in either
 * byte order for the encoders (PcapWriter writes little-endian).
 */
import type { Writable } from 'node:stream';
import {
  PCAP_CAPTURED_LENGTH_OFFSET, PCAP_FILE_HEADER_LENGTH, PCAP_FRACTION_OFFSET, PCAP_LINK_TYPE_OFFSET,
  PCAP_MAGIC_MICROSECONDS, PCAP_MAGIC_NANOSECONDS, PCAP_ORIGINAL_LENGTH_OFFSET, PCAP_RECORD_HEADER_LENGTH,
  PCAP_SECONDS_OFFSET, PCAP_SNAPLEN_OFFSET, PCAP_VERSION_OFFSET,
} from './pcap.js';
import type { WriterFrame } from './pcapng-writer.js';

export interface PcapFormat {
  nanosecond: boolean;
  littleEndian: boolean;
}

const VERSION_MAJOR = 2;
const VERSION_MINOR = 4;
const MAX_SNAPLEN = 262144;

/** `linkTypeField` is written as is: LINKTYPE_* in the low 16 bits, FCS information above. */
export function encodePcapFileHeader(linkTypeField: number, format: PcapFormat, snaplen = MAX_SNAPLEN): Uint8Array {
  const bytes = new Uint8Array(PCAP_FILE_HEADER_LENGTH);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, format.nanosecond ? PCAP_MAGIC_NANOSECONDS : PCAP_MAGIC_MICROSECONDS, format.littleEndian);
  view.setUint16(PCAP_VERSION_OFFSET, VERSION_MAJOR, format.littleEndian);
  view.setUint16(PCAP_VERSION_OFFSET + 2, VERSION_MINOR, format.littleEndian);
  view.setUint32(PCAP_SNAPLEN_OFFSET, snaplen, format.littleEndian);
  view.setUint32(PCAP_LINK_TYPE_OFFSET, linkTypeField >>> 0, format.littleEndian);
  return bytes;
}

/** A record; in microsecond files the nanoseconds are truncated to microseconds. */
export function encodePcapRecord(frame: WriterFrame, format: PcapFormat): Uint8Array {
  const bytes = new Uint8Array(PCAP_RECORD_HEADER_LENGTH + frame.data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(PCAP_SECONDS_OFFSET, frame.seconds, format.littleEndian);
  view.setUint32(PCAP_FRACTION_OFFSET, format.nanosecond ? frame.nanos : Math.floor(frame.nanos / 1000), format.littleEndian);
  view.setUint32(PCAP_CAPTURED_LENGTH_OFFSET, frame.data.length, format.littleEndian);
  view.setUint32(PCAP_ORIGINAL_LENGTH_OFFSET, frame.originalLength ?? frame.data.length, format.littleEndian);
  bytes.set(frame.data, PCAP_RECORD_HEADER_LENGTH);
  return bytes;
}

export class PcapWriter {
  private readonly format: PcapFormat;

  constructor(private readonly out: Writable, linkType: number, options: { nanosecond?: boolean; snaplen?: number } = {}) {
    this.format = { nanosecond: options.nanosecond ?? true, littleEndian: true };
    out.write(encodePcapFileHeader(linkType, this.format, options.snaplen));
  }

  /** Returns false when the stream wants the caller to wait for 'drain'. */
  write(frame: WriterFrame): boolean {
    return this.out.write(encodePcapRecord(frame, this.format));
  }

  end(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}
