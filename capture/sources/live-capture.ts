/**
 * Live capture through `cap` (libpcap), one handle per interface, turned into the same Frames the
 * file readers produce, so live traffic runs through the very same decoders and state machines.
 *
 * What cap gives and what it does not (node_modules/cap/src/binding.cc, 0.2.1):
 *   - open(device, filter, bufSize, buffer) sets snaplen 65535, promiscuous mode, the kernel ring
 *     size `bufSize`, a 1 s read timeout and immediate mode (pcap_set_immediate_mode, so frames are
 *     delivered at once instead of per filled TPACKET_V3 block); it returns the link type by name.
 *   - the 'packet' event carries only (nbytes, truncated): no timestamp and no original length. Each
 *     frame is stamped on arrival from EpochClock (a monotonic clock anchored once to the epoch).
 *   - every frame is written into the one Buffer given to open() and overwritten by the next: the
 *     bytes are copied out before the Frame is handed on.
 *   - pcap_stats is not exposed: drops inside libpcap's ring are invisible (see interface-counters.ts
 *     for the loss that can be seen).
 *   - immediate mode makes libpcap use TPACKET_V2, whose ring has one fixed-size slot per frame. When
 *     the interface has a receive or segmentation offload on (GRO, LRO, TSO, GSO, UFO), frames may be
 *     up to 64 KiB, so each slot is 64 KiB and a 32 MiB ring holds only 512 frames (measured); with
 *     the offloads off, slots fit the MTU and the same ring holds about 20,000 frames.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import type { Frame } from '../frame.js';
import { SYS_CLASS_NET } from './interface-counters.js';

/** A libpcap ring of this size holds about 2 s of 100 kpps of 100-byte frames. */
export const DEFAULT_BUFFER_SIZE = 32 * 1024 * 1024;
/** cap copies each frame into this buffer: the snaplen (65535) plus room, so nothing is cut. */
const FRAME_BUFFER_LENGTH = 65_536;
/**
 * Frames are copied out into slabs of this size, each frame a plain Uint8Array view of its own bytes,
 * as the file reader's frames are views of its chunks: a Buffer's subarray (which the decoders take at
 * every layer) goes through Node's Buffer constructor, and a small typed array of its own lives on
 * V8's heap and is moved off it the first time a decoder takes a subarray of it.
 */
const SLAB_LENGTH = 256 * 1024;
/** libpcap's pseudo-device for every interface at once (Linux cooked frames). */
const ANY_DEVICE = 'any';

/**
 * IGMP, PIM (also unicast Registers, Register-Stops, C-RP-Advertisements), MLD and all IPv4/IPv6
 * multicast data, also inside 802.1Q tags. MLD messages carry a Hop-by-Hop header (RFC 3810 §5,
 * Router Alert), so the ICMPv6 type is not at a fixed offset after the IPv6 header: `ip6 multicast`
 * keeps MLD to multicast destinations whatever the header chain, and the two explicit clauses keep
 * MLD sent to a unicast address, with no extension header or with the usual 8-byte Hop-by-Hop header.
 */
export const DEFAULT_FILTER = [
  'igmp', 'pim', 'ip multicast', 'ip6 multicast',
  '(ip6[6] == 58 and (ip6[40] >= 130 and ip6[40] <= 132 or ip6[40] == 143))',
  '(ip6[6] == 0 and ip6[40] == 58 and ip6[41] == 0 and (ip6[48] >= 130 and ip6[48] <= 132 or ip6[48] == 143))',
  '(vlan and (igmp or pim or ip multicast or ip6 multicast))',
].join(' or ');

/** ethtool -k features that make libpcap size ring slots for 64 KiB frames (pcap-linux.c, iface_get_offload). */
const OFFLOAD_FEATURES = [
  'tcp-segmentation-offload', 'udp-fragmentation-offload', 'generic-segmentation-offload', 'generic-receive-offload', 'large-receive-offload',
];
const LARGE_SLOT = 65_536;
/** TPACKET_V2 header, sockaddr_ll, link header, VLAN tag and alignment around an MTU-sized frame. */
const SLOT_OVERHEAD = 128;

export interface RingEstimate {
  /** About how many frames libpcap's ring holds. */
  slots: number;
  /** What it would hold with the offloads off. */
  slotsWithoutOffloads: number;
  /** Offloads that are on (empty when none; null when ethtool could not tell). */
  offloads: string[] | null;
}

/** Reads `ethtool -k` output: the offload features that are on. */
export function offloadsOn(ethtoolOutput: string): string[] {
  return OFFLOAD_FEATURES.filter((feature) => new RegExp(`^${feature}: on`, 'm').test(ethtoolOutput));
}

/** How many frames a ring of `bufferSize` bytes holds on `device` (see the header: slots per frame). */
export function estimateRing(device: string, bufferSize: number): RingEstimate {
  let offloads: string[] | null = null;
  try {
    offloads = offloadsOn(execFileSync('ethtool', ['-k', device], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    // no ethtool, or a device it does not know: assume the large slots
  }
  let mtu = Number.NaN;
  try {
    mtu = Number(readFileSync(join(SYS_CLASS_NET, device, 'mtu'), 'utf8'));
  } catch {
    // not Linux, or a pseudo-device
  }
  const smallSlot = Number.isFinite(mtu) ? mtu + SLOT_OVERHEAD : LARGE_SLOT;
  const slot = offloads === null || offloads.length > 0 ? LARGE_SLOT : smallSlot;
  return { slots: Math.floor(bufferSize / slot), slotsWithoutOffloads: Math.floor(bufferSize / smallSlot), offloads };
}

/** cap's link type names (pcap_datalink) as LINKTYPE_* values; other types arrive as "Unknown linktype N". */
const LINK_TYPE_BY_NAME: Readonly<Record<string, number>> = {
  NULL: 0,
  ETHERNET: 1,
  IEEE802_11_RADIO: 127,
  LINKTYPE_LINUX_SLL: 113,
  RAW: 101,
};
const UNKNOWN_LINK_TYPE = /^Unknown linktype (\d+)$/;

export function linkTypeFromCap(name: string): number | null {
  const known = LINK_TYPE_BY_NAME[name];
  if (known !== undefined) return known;
  const unknown = UNKNOWN_LINK_TYPE.exec(name);
  return unknown ? Number(unknown[1]) : null;
}

interface CapHandle extends EventEmitter {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  close(): boolean;
}

export interface CapDevice {
  name: string;
  description?: string;
  addresses: { addr: string; netmask?: string; broadaddr?: string; dstaddr?: string }[];
  flags?: string;
}

interface CapModule {
  Cap: { new (): CapHandle; deviceList(): CapDevice[] };
}

let capModule: CapModule | null = null;
/**
 * Handles whose open() failed. cap's close() (also run by its destructor when the handle is garbage
 * collected) stops a libuv poll handle that only a successful open() initializes, and crashes the
 * process; so a failed handle is never closed and kept reachable until the process ends.
 */
const failedHandles: CapHandle[] = [];

/** Loads the native addon on first use, so the file commands work without it. */
function loadCap(): CapModule {
  if (capModule !== null) return capModule;
  try {
    capModule = createRequire(import.meta.url)('cap') as CapModule;
  } catch (error) {
    throw new LiveCaptureError('no-cap', `live capture needs the cap addon (npm install with libpcap-dev present): ${(error as Error).message}`);
  }
  return capModule;
}

export function listDevices(): CapDevice[] {
  return loadCap().Cap.deviceList();
}

export type LiveCaptureErrorReason = 'no-such-device' | 'permission' | 'bad-filter' | 'no-cap' | 'failed';

export class LiveCaptureError extends Error {
  constructor(readonly reason: LiveCaptureErrorReason, message: string) {
    super(message);
  }
}

/** Turns libpcap's error text into a one-line reason a user can act on. */
export function describeOpenError(device: string, message: string): LiveCaptureError {
  const text = message.trim();
  if (/no such device|doesn't exist|not found/i.test(text)) return new LiveCaptureError('no-such-device', `${device}: no such interface`);
  if (/permission|not permitted/i.test(text)) {
    return new LiveCaptureError('permission', `${device}: permission denied (capture needs root, or CAP_NET_RAW and CAP_NET_ADMIN on node)`);
  }
  if (/syntax|filter|expression|illegal|unknown/i.test(text)) return new LiveCaptureError('bad-filter', `bad capture filter: ${text}`);
  return new LiveCaptureError('failed', `${device}: ${text}`);
}

/** `lan1=eth0` (link name lan1, device eth0) or just `eth0` (the link is the device's name). */
export interface InterfaceSpec {
  link: string;
  device: string;
}

export function parseInterfaceSpec(text: string): InterfaceSpec | null {
  const [first, second, ...rest] = text.split('=');
  if (rest.length > 0 || !first) return null;
  if (second === undefined) return { link: first, device: first };
  return second ? { link: first, device: second } : null;
}

/**
 * Epoch time from the monotonic clock: the epoch is read once, then only process.hrtime advances,
 * so frame stamps never go back when the wall clock is adjusted, and frame time and timer time
 * (the analyzer's periodic advance) come from one clock.
 */
export class EpochClock {
  private readonly anchor: bigint;

  constructor(epochMilliseconds = performance.timeOrigin + performance.now()) {
    this.anchor = BigInt(Math.round(epochMilliseconds * 1e6)) - process.hrtime.bigint();
  }

  /** Nanoseconds since the epoch. */
  nowNanos(): bigint {
    return process.hrtime.bigint() + this.anchor;
  }

  /** Epoch seconds (float), the analyzer's time. */
  now(): number {
    return Number(this.nowNanos()) / 1e9;
  }
}

const NANOS_PER_SECOND = 1_000_000_000n;

export interface OpenInterface extends InterfaceSpec {
  /** LINKTYPE_* of the frames. */
  linkType: number;
  frames: number;
  bytes: number;
}

export interface LiveCaptureOptions {
  filter: string;
  bufferSize: number;
  clock: EpochClock;
}

/** Called for every frame, in arrival order over all interfaces; `frame.data` is the frame's own copy. */
export type LiveFrameHandler = (frame: Frame, interfaceIndex: number) => void;

export class LiveCapture {
  readonly interfaces: OpenInterface[] = [];
  /** Frames delivered so far, over all interfaces (the next frame's number is frames + 1). */
  frames = 0;
  private readonly handles: CapHandle[] = [];

  /** Opens every interface, or none: on the first failure the ones already open are closed and the error thrown. */
  constructor(specs: readonly InterfaceSpec[], private readonly options: LiveCaptureOptions, private readonly onFrame: LiveFrameHandler) {
    const cap = loadCap();
    try {
      for (const spec of specs) this.openOne(cap, spec);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  private openOne(cap: CapModule, spec: InterfaceSpec): void {
    // Checked before libpcap, which would also print a warning of its own for a missing device.
    if (spec.device !== ANY_DEVICE && existsSync(SYS_CLASS_NET) && !existsSync(join(SYS_CLASS_NET, spec.device))) {
      throw new LiveCaptureError('no-such-device', `${spec.device}: no such interface`);
    }
    const handle = new cap.Cap();
    const buffer = Buffer.alloc(FRAME_BUFFER_LENGTH);
    // Read as a plain Uint8Array: a Buffer's subarray goes through Node's Buffer constructor.
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
    let slab = new ArrayBuffer(SLAB_LENGTH);
    let used = 0;
    // A frame is at most FRAME_BUFFER_LENGTH bytes: it fits a new slab.
    const copyOut = (length: number): Uint8Array => {
      if (used + length > SLAB_LENGTH) {
        slab = new ArrayBuffer(SLAB_LENGTH);
        used = 0;
      }
      const data = new Uint8Array(slab, used, length);
      data.set(bytes.subarray(0, length));
      used += length;
      return data;
    };
    let linkTypeName: string;
    try {
      linkTypeName = handle.open(spec.device, this.options.filter, this.options.bufferSize, buffer);
    } catch (error) {
      failedHandles.push(handle);
      throw describeOpenError(spec.device, (error as Error).message);
    }
    const linkType = linkTypeFromCap(linkTypeName);
    if (linkType === null) {
      handle.close();
      throw new LiveCaptureError('failed', `${spec.device}: unsupported link type ${linkTypeName}`);
    }
    const entry: OpenInterface = { ...spec, linkType, frames: 0, bytes: 0 };
    const index = this.interfaces.push(entry) - 1;
    this.handles.push(handle);
    const clock = this.options.clock;
    handle.on('packet', (length: number) => {
      const stamp = clock.nowNanos();
      // cap reuses `buffer` for the next frame: the frame gets its own copy.
      const data = copyOut(length);
      entry.frames++;
      entry.bytes += length;
      this.onFrame({
        number: ++this.frames,
        link: entry.link,
        linkType,
        seconds: Number(stamp / NANOS_PER_SECOND),
        nanos: Number(stamp % NANOS_PER_SECOND),
        // cap does not report the length on the wire; snaplen 65535 cuts only GRO super-frames.
        originalLength: length,
        data,
      }, index);
    });
  }

  close(): void {
    for (const handle of this.handles) handle.close();
    this.handles.length = 0;
  }
}
