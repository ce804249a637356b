/**
 * Classic libpcap files (draft-ietf-opsawg-pcap; https://www.tcpdump.org/manpages/pcap-savefile.5.html).
 *
 *   file header (24): magic (4) | version major (2) minor (2) | thiszone (4) | sigfigs (4) |
 *                     snaplen (4) | link type + FCS info (4)
 *   record header (16): ts seconds (4) | ts µs or ns (4) | captured length (4) | original length (4)
 *
 * The magic, read little-endian, tells byte order and time unit: a1b2c3d4 µs, a1b23c4d ns (d4c3b2a1 /
 * 4d3cb2a1 when the writer was big-endian). The link-type field keeps the LINKTYPE_* value in its
 * low 16 bits; bit 26 (P) says the top 4 bits hold the FCS length in 16-bit words.
 */
import type { Frame } from '../frame.js';
import { MAX_UNIT_LENGTH, view, type CaptureFormatParser, type ParseSink } from './capture-format.js';

export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d;

export const PCAP_FILE_HEADER_LENGTH = 24;
export const PCAP_RECORD_HEADER_LENGTH = 16;
export const PCAP_VERSION_OFFSET = 4;
export const PCAP_SNAPLEN_OFFSET = 16;
export const PCAP_LINK_TYPE_OFFSET = 20;
export const PCAP_SECONDS_OFFSET = 0;
export const PCAP_FRACTION_OFFSET = 4;
export const PCAP_CAPTURED_LENGTH_OFFSET = 8;
export const PCAP_ORIGINAL_LENGTH_OFFSET = 12;

const LINK_TYPE_MASK = 0x0000ffff;
const FCS_LENGTH_PRESENT = 0x04000000;
const FCS_LENGTH_SHIFT = 28;
const FCS_WORD_BYTES = 2;

const NANOS_PER_SECOND = 1_000_000_000;

/** Byte order and time unit from the first 4 bytes, or null when they are not a pcap magic. */
export function readPcapMagic(bytes: Uint8Array): { littleEndian: boolean; nanosecond: boolean } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const magic = view.getUint32(0, littleEndian);
    if (magic === PCAP_MAGIC_MICROSECONDS) return { littleEndian, nanosecond: false };
    if (magic === PCAP_MAGIC_NANOSECONDS) return { littleEndian, nanosecond: true };
  }
  return null;
}

export class PcapParser implements CaptureFormatParser {
  /** Smaller than the file header: the reader asks for it before the first unit too, which is fine. */
  readonly headerLength = PCAP_RECORD_HEADER_LENGTH;
  readonly stopped = false;
  private readonly littleEndian: boolean;
  /** Multiplier from the file's fraction unit to nanoseconds. */
  private readonly nanosPerTick: number;
  private fileHeaderRead = false;
  private linkType = 0;

  constructor(magic: Uint8Array, private readonly sink: ParseSink, private readonly linkName: string) {
    const { littleEndian, nanosecond } = readPcapMagic(magic)!;
    this.littleEndian = littleEndian;
    this.nanosPerTick = nanosecond ? 1 : 1000;
  }

  private u32(bytes: Buffer, at: number): number {
    return this.littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
  }

  unitLength(bytes: Buffer, at: number): number | string {
    if (!this.fileHeaderRead) return PCAP_FILE_HEADER_LENGTH;
    const captured = this.u32(bytes, at + PCAP_CAPTURED_LENGTH_OFFSET);
    if (captured > MAX_UNIT_LENGTH) return `pcap record with impossible captured length ${captured}`;
    return PCAP_RECORD_HEADER_LENGTH + captured;
  }

  unitName(): string {
    return this.fileHeaderRead ? 'pcap record' : 'pcap file header';
  }

  readUnit(bytes: Buffer, at: number): Frame | null {
    if (!this.fileHeaderRead) {
      this.readFileHeader(bytes, at);
      return null;
    }
    const captured = this.u32(bytes, at + PCAP_CAPTURED_LENGTH_OFFSET);
    const nanos = this.u32(bytes, at + PCAP_FRACTION_OFFSET) * this.nanosPerTick;
    // A fraction of a second ≥ 1 s is malformed; carry it rather than emit nanos ≥ 1e9.
    const carry = nanos >= NANOS_PER_SECOND ? Math.floor(nanos / NANOS_PER_SECOND) : 0;
    return {
      number: 0,
      link: this.linkName,
      linkType: this.linkType,
      seconds: this.u32(bytes, at + PCAP_SECONDS_OFFSET) + carry,
      nanos: nanos - carry * NANOS_PER_SECOND,
      originalLength: this.u32(bytes, at + PCAP_ORIGINAL_LENGTH_OFFSET),
      data: view(bytes, at + PCAP_RECORD_HEADER_LENGTH, captured),
    };
  }

  private readFileHeader(bytes: Buffer, at: number): void {
    const linkField = this.u32(bytes, at + PCAP_LINK_TYPE_OFFSET);
    this.linkType = linkField & LINK_TYPE_MASK;
    this.fileHeaderRead = true;
    this.sink.interfaceFound({
      section: 0,
      id: 0,
      name: this.linkName,
      linkType: this.linkType,
      snaplen: this.u32(bytes, at + PCAP_SNAPLEN_OFFSET),
      tsResolution: this.nanosPerTick === 1 ? '1e-9' : '1e-6',
      fcsLength: linkField & FCS_LENGTH_PRESENT ? (linkField >>> FCS_LENGTH_SHIFT) * FCS_WORD_BYTES : 0,
    });
  }
}
