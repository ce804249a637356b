/**
 * What the capture-file reader and its two format parsers (pcap.ts, pcapng.ts) share: the problem
 * and info records the reader exposes, the parser contract, the link-naming rule, and the view a frame's bytes are.
 */
import { basename } from 'node:path';
import type { Frame } from '../frame.js';

/** Something wrong with a file's content; `fatal` means reading stopped at `offset`. */
export interface CaptureProblem {
  file: string;
  /** Byte offset, in the decompressed file, of the record or block that is wrong or cut. */
  offset: number;
  reason: string;
  fatal: boolean;
}

export interface CaptureInterfaceInfo {
  /** pcapng section (0-based; always 0 for classic pcap). */
  section: number;
  /** Interface id within its section (0 for classic pcap). */
  id: number;
  /** The `link` its frames carry. */
  name: string;
  /** LINKTYPE_* value (FCS bits of classic pcap masked off). */
  linkType: number;
  snaplen: number;
  /** Timestamp unit as written: '1e-6', '1e-9', '2^-20', ... */
  tsResolution: string;
  /** Bytes of FCS at the end of each frame (classic pcap link-type bits, pcapng if_fcslen); 0 if none or unknown. */
  fcsLength: number;
}

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureFileInfo {
  file: string;
  /** null until the first bytes have been read. */
  format: CaptureFormat | null;
  compressed: boolean;
  interfaces: CaptureInterfaceInfo[];
  /** Decompressed bytes read so far. */
  bytesRead: number;
  /** Bytes read from the file on disk so far (compressed bytes for a gzip file): progress against its size. */
  fileBytesRead: number;
}

/** Where a format parser reports problems and interfaces. */
export interface ParseSink {
  problem(offset: number, reason: string, fatal: boolean): void;
  interfaceFound(info: CaptureInterfaceInfo): void;
}

/**
 * A format parser sees the file as a sequence of self-delimiting units (file header, records,
 * blocks). The reader guarantees `headerLength` bytes before asking a unit's length, and the
 * whole unit before asking to read it.
 */
export interface CaptureFormatParser {
  /** Bytes needed at the start of a unit to know its length. */
  readonly headerLength: number;
  /** The unit's total length, or why the bytes cannot be a unit (reading must stop). */
  unitLength(bytes: Buffer, at: number): number | string;
  /** What the unit starting at `at` is, for messages ('pcap record', 'pcapng Enhanced Packet Block'); `bytes` may hold less than a header. */
  unitName(bytes: Buffer, at: number): string;
  /**
   * Reads one complete unit and returns the frame it holds (number 0: the reader numbers frames),
   * or null for units without one and for units it reported a problem about.
   */
  readUnit(bytes: Buffer, at: number, length: number, fileOffset: number): Frame | null;
  /** Set once a fatal problem was reported. */
  readonly stopped: boolean;
}

/** Upper bound on any record or block: a larger length means corrupt framing, not a real frame. */
export const MAX_UNIT_LENGTH = 64 * 1024 * 1024;

const COMPRESSION_EXTENSION = /\.gz$/i;
const CAPTURE_EXTENSION = /\.(pcapng|pcap|cap|ntar|dmp)$/i;
const ANY_EXTENSION = /(?<=.)\.[^.]*$/;

/**
 * File name without directories and capture extensions: `pcap/lan1.pcapng.gz` → `lan1`,
 * `10.0.0.1.pcap` → `10.0.0.1`; an unknown extension is dropped (`lan2.trace` → `lan2`).
 */
export function captureBaseName(path: string): string {
  const file = basename(path).replace(COMPRESSION_EXTENSION, '');
  return CAPTURE_EXTENSION.test(file) ? file.replace(CAPTURE_EXTENSION, '') : file.replace(ANY_EXTENSION, '');
}

/**
 * The link a frame is attributed to. A caller's override names every interface (`<name>#<id>` when
 * the section has several); otherwise the interface's if_name, else the file's base name
 * (`<base>#<id>` when the section has several interfaces).
 */
export function interfaceLinkName(baseName: string, override: string | undefined, ifName: string | null, id: number, interfaceCount: number): string {
  if (override !== undefined) return interfaceCount > 1 ? `${override}#${id}` : override;
  if (ifName !== null) return ifName;
  return interfaceCount > 1 ? `${baseName}#${id}` : baseName;
}

/**
 * A frame's bytes inside the chunk it was read in, without copying: a plain Uint8Array view, which
 * costs less per frame than Buffer.subarray (that builds a Buffer through the species constructor).
 */
export function view(chunk: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, length);
}
