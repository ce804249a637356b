/**
 * Writes pcapng (see pcapng.ts for the block layouts): one Section Header Block, one Interface
 * Description Block per interface (if_name, if_tsresol = 9, i.e. nanosecond timestamps) and an
 * Enhanced Packet Block per frame. The block encoders are exported for tests that need exact bytes
 * (either byte order); PcapngWriter streams a capture to any Writable (file, gzip, socket).
 */
import type { Writable } from 'node:stream';
import {
  BLOCK_EPB, BLOCK_IDB, BLOCK_SHB, BYTE_ORDER_MAGIC,
  OPTION_END, OPTION_IF_NAME, OPTION_IF_TSRESOL,
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
const NANOS_PER_SECOND = 1_000_000_000n;
const SECTION_LENGTH_UNSPECIFIED = -1n;

const pad4 = (length: number) => (length + 3) & ~3;

/** Lays out type | length | body | length. `fill` writes the body at offset 8. */
function block(type: number, bodyLength: number, littleEndian: boolean, fill: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const length = 12 + pad4(bodyLength);
  const bytes = new Uint8Array(length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, littleEndian);
  view.setUint32(4, length, littleEndian);
  fill(view, bytes);
  view.setUint32(length - 4, length, littleEndian);
  return bytes;
}

function optionsLength(options: readonly PcapngOption[]): number {
  if (options.length === 0) return 0;
  return options.reduce((sum, option) => sum + 4 + pad4(option.value.length), 0) + 4;
}

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: readonly PcapngOption[], littleEndian: boolean): void {
  if (options.length === 0) return;
  for (const option of options) {
    view.setUint16(at, option.code, littleEndian);
    view.setUint16(at + 2, option.value.length, littleEndian);
    bytes.set(option.value, at + 4);
    at += 4 + pad4(option.value.length);
  }
  view.setUint16(at, OPTION_END, littleEndian);
}

export function encodeSectionHeaderBlock(littleEndian = true): Uint8Array {
  return block(BLOCK_SHB, 16, littleEndian, (view) => {
    view.setUint32(8, BYTE_ORDER_MAGIC, littleEndian);
    view.setUint16(12, 1, littleEndian);
    view.setUint16(14, 0, littleEndian);
    view.setBigInt64(16, SECTION_LENGTH_UNSPECIFIED, littleEndian);
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
  return block(BLOCK_IDB, 8 + optionsLength(options), littleEndian, (view, bytes) => {
    view.setUint16(8, linkType, littleEndian);
    view.setUint32(12, snaplen, littleEndian);
    writeOptions(view, bytes, 16, options, littleEndian);
  });
}

/** An EPB whose timestamp is `timestamp` units of the interface's if_tsresol. */
export function encodeEnhancedPacketBlock(interfaceId: number, timestamp: bigint, data: Uint8Array, originalLength = data.length, littleEndian = true): Uint8Array {
  return block(BLOCK_EPB, 20 + data.length, littleEndian, (view, bytes) => {
    view.setUint32(8, interfaceId, littleEndian);
    view.setUint32(12, Number(timestamp >> 32n), littleEndian);
    view.setUint32(16, Number(timestamp & 0xffffffffn), littleEndian);
    view.setUint32(20, data.length, littleEndian);
    view.setUint32(24, originalLength, littleEndian);
    bytes.set(data, 28);
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
