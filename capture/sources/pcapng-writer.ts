/**
 * Writes pcapng (see pcapng.ts for the block layouts): one Section Header Block, one Interface
 * Description Block per interface (if_name, if_tsresol = 9, i.e. nanosecond timestamps) and an
 * Enhanced Packet Block per frame. The block encoders are exported for tests that need exact bytes
 * (either byte order); PcapngWriter streams a capture to any Writable (file, gzip, socket).
 */
import type { Writable } from 'node:stream';
import {
  BLOCK_EPB, BLOCK_HEADER_LENGTH, BLOCK_IDB, BLOCK_LENGTH_OFFSET, BLOCK_SHB, BLOCK_TRAILER_LENGTH, BYTE_ORDER_MAGIC,
  EPB_CAPTURED_OFFSET, EPB_DATA_OFFSET, EPB_INTERFACE_OFFSET, EPB_ORIGINAL_OFFSET, EPB_TIMESTAMP_HIGH_OFFSET,
  EPB_TIMESTAMP_LOW_OFFSET, IDB_LINK_TYPE_OFFSET, IDB_OPTIONS_OFFSET, IDB_SNAPLEN_OFFSET,
  OPTION_END, OPTION_HEADER_LENGTH, OPTION_IF_NAME, OPTION_IF_TSRESOL,
  SHB_MAJOR_OFFSET, SHB_MINOR_OFFSET, SHB_OPTIONS_OFFSET, SHB_SECTION_LENGTH_OFFSET,
} from './pcapng.js';

export interface WriterInterface {
  name: string;
  linkType: number;
  /** 0 (the default) means no limit. */
  snaplen?: number;
}

export interface WriterFrame {
  /** Index in the interfaces given to the writer (default 0). */
  interfaceId?: number;
  seconds: number;
  nanos: number;
  data: Uint8Array;
  /** Defaults to data.length. */
  originalLength?: number;
}

export interface PcapngOption {
  code: number;
  value: Uint8Array;
}

const NANOSECOND_TSRESOL = 9;
const PCAPNG_VERSION = [1, 0] as const;
const NANOS_PER_SECOND = 1_000_000_000n;
const SECTION_LENGTH_UNSPECIFIED = -1n;

const pad4 = (length: number) => (length + 3) & ~3;

/** Lays out type | length | body | length; `fill` writes the body, which starts at BLOCK_HEADER_LENGTH. */
function block(type: number, bodyLength: number, littleEndian: boolean, fill: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const length = BLOCK_HEADER_LENGTH + pad4(bodyLength) + BLOCK_TRAILER_LENGTH;
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, littleEndian);
  view.setUint32(BLOCK_LENGTH_OFFSET, length, littleEndian);
  fill(view, bytes);
  view.setUint32(length - BLOCK_TRAILER_LENGTH, length, littleEndian);
  return bytes;
}

function optionsLength(options: readonly PcapngOption[]): number {
  if (options.length === 0) return 0;
  return options.reduce((sum, option) => sum + OPTION_HEADER_LENGTH + pad4(option.value.length), 0) + OPTION_HEADER_LENGTH;
}

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: readonly PcapngOption[], littleEndian: boolean): void {
  if (options.length === 0) return;
  for (const option of options) {
    view.setUint16(at, option.code, littleEndian);
    view.setUint16(at + 2, option.value.length, littleEndian);
    bytes.set(option.value, at + OPTION_HEADER_LENGTH);
    at += OPTION_HEADER_LENGTH + pad4(option.value.length);
  }
  view.setUint16(at, OPTION_END, littleEndian);
}

export function encodeSectionHeaderBlock(littleEndian = true): Uint8Array {
  return block(BLOCK_SHB, SHB_OPTIONS_OFFSET - BLOCK_HEADER_LENGTH, littleEndian, (view) => {
    view.setUint32(BLOCK_HEADER_LENGTH, BYTE_ORDER_MAGIC, littleEndian);
    view.setUint16(SHB_MAJOR_OFFSET, PCAPNG_VERSION[0], littleEndian);
    view.setUint16(SHB_MINOR_OFFSET, PCAPNG_VERSION[1], littleEndian);
    view.setBigInt64(SHB_SECTION_LENGTH_OFFSET, SECTION_LENGTH_UNSPECIFIED, littleEndian);
  });
}

/** The writer's IDB options: if_name and nanosecond if_tsresol. */
export function interfaceOptions(name: string): PcapngOption[] {
  return [
    { code: OPTION_IF_NAME, value: new TextEncoder().encode(name) },
    { code: OPTION_IF_TSRESOL, value: Uint8Array.of(NANOSECOND_TSRESOL) },
  ];
}

export function encodeInterfaceDescriptionBlock(linkType: number, snaplen: number, options: readonly PcapngOption[], littleEndian = true): Uint8Array {
  return block(BLOCK_IDB, IDB_OPTIONS_OFFSET - BLOCK_HEADER_LENGTH + optionsLength(options), littleEndian, (view, bytes) => {
    view.setUint16(IDB_LINK_TYPE_OFFSET, linkType, littleEndian);
    view.setUint32(IDB_SNAPLEN_OFFSET, snaplen, littleEndian);
    writeOptions(view, bytes, IDB_OPTIONS_OFFSET, options, littleEndian);
  });
}

/** An EPB whose timestamp is `timestamp` units of the interface's if_tsresol. */
export function encodeEnhancedPacketBlock(interfaceId: number, timestamp: bigint, data: Uint8Array, originalLength = data.length, littleEndian = true): Uint8Array {
  return block(BLOCK_EPB, EPB_DATA_OFFSET - BLOCK_HEADER_LENGTH + data.length, littleEndian, (view, bytes) => {
    view.setUint32(EPB_INTERFACE_OFFSET, interfaceId, littleEndian);
    view.setUint32(EPB_TIMESTAMP_HIGH_OFFSET, Number(timestamp >> 32n), littleEndian);
    view.setUint32(EPB_TIMESTAMP_LOW_OFFSET, Number(timestamp & 0xffffffffn), littleEndian);
    view.setUint32(EPB_CAPTURED_OFFSET, data.length, littleEndian);
    view.setUint32(EPB_ORIGINAL_OFFSET, originalLength, littleEndian);
    bytes.set(data, EPB_DATA_OFFSET);
  });
}

export function nanosecondTimestamp(seconds: number, nanos: number): bigint {
  return BigInt(seconds) * NANOS_PER_SECOND + BigInt(nanos);
}

export class PcapngWriter {
  private interfaceCount = 0;

  /** Writes the SHB and an IDB per interface at once. */
  constructor(private readonly out: Writable, interfaces: readonly WriterInterface[]) {
    out.write(encodeSectionHeaderBlock());
    for (const iface of interfaces) this.addInterface(iface);
  }

  /** Describes one more interface; returns its id. */
  addInterface(iface: WriterInterface): number {
    this.out.write(encodeInterfaceDescriptionBlock(iface.linkType, iface.snaplen ?? 0, interfaceOptions(iface.name)));
    return this.interfaceCount++;
  }

  /** Returns false when the stream wants the caller to wait for 'drain'. */
  write(frame: WriterFrame): boolean {
    const interfaceId = frame.interfaceId ?? 0;
    if (interfaceId >= this.interfaceCount) throw new RangeError(`pcapng writer: no interface ${interfaceId}`);
    return this.out.write(encodeEnhancedPacketBlock(interfaceId, nanosecondTimestamp(frame.seconds, frame.nanos), frame.data, frame.originalLength));
  }

  /** Ends the stream and resolves once everything is flushed. */
  end(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}
