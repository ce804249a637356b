/**
 * pcapng files (draft-ietf-opsawg-pcapng; https://www.ietf.org/archive/id/draft-ietf-opsawg-pcapng-03.html).
 *
 * Every block: type (4) | total length (4) | body | total length again (4); lengths are multiples
 * of 4, bodies padded to 4. A file is one or more sections, each opened by a Section Header Block
 * whose byte-order magic sets the byte order of the whole section and which forgets the previous
 * section's interfaces.
 *
 *   0x0A0D0D0A SHB (§4.1): byte-order magic 1A2B3C4D (4) | major 1 (2) | minor (2) | section length (8) | options
 *   0x00000001 IDB (§4.2): link type (2) | reserved (2) | snaplen (4) | options
 *              options used: if_name 2, if_tsresol 9, if_fcslen 13, if_tsoffset 14
 *   0x00000006 EPB (§4.3): interface id (4) | timestamp high (4) low (4) | captured (4) | original (4) | data | options
 *   0x00000003 SPB (§4.4): original length (4) | data — interface 0, no timestamp
 *   0x00000002 obsolete Packet Block (Appendix A): interface id (2) | drops (2) | then as EPB
 *   NRB 4, ISB 5, DSB 0x0A, custom 0x0BAD / 0x40000BAD and unknown types are skipped by length.
 *
 * Options (§3.5): code (2) | length (2) | value padded to 4; code 0 ends the list.
 */
import type { Frame } from '../frame.js';
import {
  interfaceLinkName, MAX_UNIT_LENGTH, view,
  type CaptureFormatParser, type CaptureInterfaceInfo, type ParseSink,
} from './capture-format.js';
import { DEFAULT_TSRESOL, TimestampScale } from './timestamp-scale.js';

export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_PB = 0x00000002;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_EPB = 0x00000006;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

export const OPTION_END = 0;
export const OPTION_IF_NAME = 2;
export const OPTION_IF_TSRESOL = 9;
export const OPTION_IF_FCSLEN = 13;
export const OPTION_IF_TSOFFSET = 14;

const BLOCK_NAMES = new Map<number, string>([
  [BLOCK_SHB, 'Section Header Block'],
  [BLOCK_IDB, 'Interface Description Block'],
  [BLOCK_PB, 'Packet Block'],
  [BLOCK_SPB, 'Simple Packet Block'],
  [0x00000004, 'Name Resolution Block'],
  [0x00000005, 'Interface Statistics Block'],
  [BLOCK_EPB, 'Enhanced Packet Block'],
  [0x0000000a, 'Decryption Secrets Block'],
  [0x00000bad, 'Custom Block'],
  [0x40000bad, 'Custom Block'],
]);

/** Block header: type + total length; the trailing total length follows the body. */
export const BLOCK_LENGTH_OFFSET = 4;
export const BLOCK_HEADER_LENGTH = 8;
export const BLOCK_TRAILER_LENGTH = 4;
/** Type, length and the SHB's byte-order magic: enough to know any block's length. */
const BLOCK_PREFIX_LENGTH = 12;
const MIN_BLOCK_LENGTH = 12;
export const OPTION_HEADER_LENGTH = 4;

export const SHB_MAJOR_OFFSET = 12;
export const SHB_MINOR_OFFSET = 14;
export const SHB_SECTION_LENGTH_OFFSET = 16;
export const SHB_OPTIONS_OFFSET = 24;
const SHB_MIN_LENGTH = 28;
const SUPPORTED_MAJOR_VERSION = 1;

export const IDB_LINK_TYPE_OFFSET = 8;
export const IDB_SNAPLEN_OFFSET = 12;
export const IDB_OPTIONS_OFFSET = 16;
const IDB_MIN_LENGTH = 20;

/** EPB and the obsolete PB share their layout after the interface id. */
export const EPB_INTERFACE_OFFSET = 8;
export const EPB_TIMESTAMP_HIGH_OFFSET = 12;
export const EPB_TIMESTAMP_LOW_OFFSET = 16;
export const EPB_CAPTURED_OFFSET = 20;
export const EPB_ORIGINAL_OFFSET = 24;
export const EPB_DATA_OFFSET = 28;
const EPB_MIN_LENGTH = 32;

const SPB_ORIGINAL_OFFSET = 8;
const SPB_DATA_OFFSET = 12;
const SPB_MIN_LENGTH = 16;

export function isPcapngMagic(bytes: Uint8Array): boolean {
  return bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

interface PcapngInterface {
  info: CaptureInterfaceInfo;
  ifName: string | null;
  scale: TimestampScale;
  /** Set at the interface's first frame: from then on its link name no longer changes. */
  named: boolean;
}

export class PcapngParser implements CaptureFormatParser {
  readonly headerLength = BLOCK_PREFIX_LENGTH;
  stopped = false;
  private littleEndian = true;
  private section = -1;
  private interfaces: PcapngInterface[] = [];

  constructor(private readonly sink: ParseSink, private readonly baseName: string, private readonly linkOverride: string | undefined) {}

  private u16(bytes: Buffer, at: number): number {
    return this.littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at);
  }

  private u32(bytes: Buffer, at: number): number {
    return this.littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at);
  }

  /** The byte order an SHB announces, or null when its magic is wrong. */
  private static sectionByteOrder(bytes: Buffer, at: number): boolean | null {
    if (bytes.readUInt32LE(at + BLOCK_HEADER_LENGTH) === BYTE_ORDER_MAGIC) return true;
    if (bytes.readUInt32BE(at + BLOCK_HEADER_LENGTH) === BYTE_ORDER_MAGIC) return false;
    return null;
  }

  unitLength(bytes: Buffer, at: number): number | string {
    const type = this.u32(bytes, at);
    let littleEndian = this.littleEndian;
    if (type === BLOCK_SHB) {
      const order = PcapngParser.sectionByteOrder(bytes, at);
      if (order === null) return `Section Header Block with bad byte-order magic ${hex(bytes.readUInt32BE(at + BLOCK_HEADER_LENGTH))}`;
      littleEndian = order;
    }
    const length = littleEndian ? bytes.readUInt32LE(at + BLOCK_LENGTH_OFFSET) : bytes.readUInt32BE(at + BLOCK_LENGTH_OFFSET);
    if (length < MIN_BLOCK_LENGTH || length % 4 !== 0 || length > MAX_UNIT_LENGTH) {
      return `${this.blockName(type)} with impossible length ${length}`;
    }
    return length;
  }

  unitName(bytes: Buffer, at: number): string {
    return bytes.length - at < 4 ? 'pcapng block' : `pcapng ${this.blockName(this.u32(bytes, at))}`;
  }

  private blockName(type: number): string {
    return BLOCK_NAMES.get(type) ?? `block of type ${hex(type)}`;
  }

  readUnit(bytes: Buffer, at: number, length: number, fileOffset: number): Frame | null {
    const type = this.u32(bytes, at);
    if (type === BLOCK_SHB) this.littleEndian = PcapngParser.sectionByteOrder(bytes, at)!;
    const trailing = this.u32(bytes, at + length - BLOCK_TRAILER_LENGTH);
    if (trailing !== length) {
      this.stop(fileOffset, `${this.blockName(type)}: trailing length ${trailing} differs from leading length ${length}`);
      return null;
    }
    switch (type) {
      case BLOCK_SHB: this.readSectionHeader(bytes, at, length, fileOffset); return null;
      case BLOCK_IDB: this.readInterfaceDescription(bytes, at, length, fileOffset); return null;
      case BLOCK_EPB: return this.readPacket(bytes, at, length, fileOffset, this.u32(bytes, at + EPB_INTERFACE_OFFSET));
      case BLOCK_PB: return this.readPacket(bytes, at, length, fileOffset, this.u16(bytes, at + EPB_INTERFACE_OFFSET));
      case BLOCK_SPB: return this.readSimplePacket(bytes, at, length, fileOffset);
      default: return null;
    }
  }

  private stop(offset: number, reason: string): void {
    this.stopped = true;
    this.sink.problem(offset, reason, true);
  }

  /** Reports a block too short for its type; true when it is. */
  private tooShort(type: number, length: number, minimum: number, fileOffset: number): boolean {
    if (length >= minimum) return false;
    this.sink.problem(fileOffset, `${this.blockName(type)} of ${length} bytes, shorter than its ${minimum}-byte minimum`, false);
    return true;
  }

  private readSectionHeader(bytes: Buffer, at: number, length: number, fileOffset: number): void {
    if (length < SHB_MIN_LENGTH) {
      this.stop(fileOffset, `Section Header Block of ${length} bytes, shorter than its ${SHB_MIN_LENGTH}-byte minimum`);
      return;
    }
    const major = this.u16(bytes, at + SHB_MAJOR_OFFSET);
    if (major !== SUPPORTED_MAJOR_VERSION) {
      this.stop(fileOffset, `unsupported pcapng version ${major}.${this.u16(bytes, at + SHB_MINOR_OFFSET)}`);
      return;
    }
    this.section += 1;
    this.interfaces = [];
  }

  private readInterfaceDescription(bytes: Buffer, at: number, length: number, fileOffset: number): void {
    if (this.tooShort(BLOCK_IDB, length, IDB_MIN_LENGTH, fileOffset)) return;
    let ifName: string | null = null;
    let tsresol = DEFAULT_TSRESOL;
    let tsoffset = 0;
    let fcsLength = 0;
    const end = at + length - BLOCK_TRAILER_LENGTH;
    let option = at + IDB_OPTIONS_OFFSET;
    while (option + OPTION_HEADER_LENGTH <= end) {
      const code = this.u16(bytes, option);
      const valueLength = this.u16(bytes, option + 2);
      const value = option + OPTION_HEADER_LENGTH;
      if (code === OPTION_END) break;
      if (value + valueLength > end) {
        this.sink.problem(fileOffset, `Interface Description Block: option ${code} runs past the block`, false);
        break;
      }
      if (code === OPTION_IF_NAME) ifName = bytes.toString('utf8', value, value + valueLength);
      else if (code === OPTION_IF_TSRESOL && valueLength >= 1) tsresol = bytes[value]!;
      else if (code === OPTION_IF_FCSLEN && valueLength >= 1) fcsLength = bytes[value]!;
      else if (code === OPTION_IF_TSOFFSET && valueLength >= 8) {
        tsoffset = Number(this.littleEndian ? bytes.readBigInt64LE(value) : bytes.readBigInt64BE(value));
      }
      option = value + ((valueLength + 3) & ~3);
    }
    const scale = new TimestampScale(tsresol, tsoffset);
    const info: CaptureInterfaceInfo = {
      section: this.section,
      id: this.interfaces.length,
      name: '',
      linkType: this.u16(bytes, at + IDB_LINK_TYPE_OFFSET),
      snaplen: this.u32(bytes, at + IDB_SNAPLEN_OFFSET),
      tsResolution: scale.label,
      fcsLength,
    };
    this.interfaces.push({ info, ifName, scale, named: false });
    // A new interface can turn `lan1` into `lan1#0`, `lan1#1` for interfaces without frames yet.
    for (const known of this.interfaces) {
      if (!known.named) known.info.name = this.linkName(known);
    }
    this.sink.interfaceFound(info);
  }

  private linkName(iface: PcapngInterface): string {
    return interfaceLinkName(this.baseName, this.linkOverride, iface.ifName, iface.info.id, this.interfaces.length);
  }

  private interfaceFor(type: number, id: number, fileOffset: number): PcapngInterface | null {
    const iface = this.interfaces[id];
    if (iface === undefined) {
      this.sink.problem(fileOffset, `${this.blockName(type)} for interface ${id}, which the section has not described`, false);
      return null;
    }
    iface.named = true;
    return iface;
  }

  private readPacket(bytes: Buffer, at: number, length: number, fileOffset: number, interfaceId: number): Frame | null {
    const type = this.u32(bytes, at);
    if (this.tooShort(type, length, EPB_MIN_LENGTH, fileOffset)) return null;
    const iface = this.interfaceFor(type, interfaceId, fileOffset);
    if (iface === null) return null;
    const captured = this.u32(bytes, at + EPB_CAPTURED_OFFSET);
    if (captured > length - EPB_MIN_LENGTH) {
      this.sink.problem(fileOffset, `${this.blockName(type)}: captured length ${captured} exceeds the block`, false);
      return null;
    }
    const frame: Frame = {
      number: 0,
      link: iface.info.name,
      linkType: iface.info.linkType,
      seconds: 0,
      nanos: 0,
      originalLength: this.u32(bytes, at + EPB_ORIGINAL_OFFSET),
      data: view(bytes, at + EPB_DATA_OFFSET, captured),
    };
    iface.scale.convert(this.u32(bytes, at + EPB_TIMESTAMP_HIGH_OFFSET), this.u32(bytes, at + EPB_TIMESTAMP_LOW_OFFSET), frame);
    return frame;
  }

  /** SPB (§4.4): interface 0, no timestamp (the frame gets time 0), captured = min(original, snaplen, block). */
  private readSimplePacket(bytes: Buffer, at: number, length: number, fileOffset: number): Frame | null {
    if (this.tooShort(BLOCK_SPB, length, SPB_MIN_LENGTH, fileOffset)) return null;
    const iface = this.interfaceFor(BLOCK_SPB, 0, fileOffset);
    if (iface === null) return null;
    const originalLength = this.u32(bytes, at + SPB_ORIGINAL_OFFSET);
    const snaplen = iface.info.snaplen || Infinity;
    const captured = Math.min(originalLength, snaplen, length - SPB_MIN_LENGTH);
    return {
      number: 0,
      link: iface.info.name,
      linkType: iface.info.linkType,
      seconds: 0,
      nanos: 0,
      originalLength,
      data: view(bytes, at + SPB_DATA_OFFSET, captured),
    };
  }
}
