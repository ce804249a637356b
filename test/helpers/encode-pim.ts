/**
 * Builds PIMv2 messages byte by byte for tests, with a correct checksum (IPv4, or IPv6 with its
 * pseudo-header), in the layouts of RFC 7761 §4.9, RFC 3973 §4.7 and RFC 5059 §4. Inputs name
 * the same fields as the decoded records; addresses are text and their family follows the text.
 */
import { computeChecksum, ipv6PseudoHeaderSum } from '../../capture/ip/checksum.js';
import { parseIPv4, parseIPv6 } from '../../capture/ip/address-format.js';
import type { PimIpContext } from '../../capture/protocols/pim.js';

export interface GroupInput {
  address: string;
  maskLength?: number;
  bidirectional?: boolean;
  adminScopeZone?: boolean;
}

export interface SourceInput {
  address: string;
  maskLength?: number;
  sparse?: boolean;
  wildcard?: boolean;
  rpt?: boolean;
}

export interface HelloOptionInput {
  type: number;
  value: ArrayLike<number>;
}

export interface JoinPruneGroupInput {
  group: GroupInput;
  joinedSources: SourceInput[];
  prunedSources: SourceInput[];
}

export interface BootstrapGroupInput {
  group: GroupInput;
  /** Defaults to the number of RPs given. */
  rpCount?: number;
  rps: { address: string; holdtime: number; priority: number }[];
}

export type PimInput =
  | { kind: 'pim.hello'; options: HelloOptionInput[] }
  | { kind: 'pim.register'; border?: boolean; nullRegister?: boolean; inner: Uint8Array }
  | { kind: 'pim.register-stop'; group: GroupInput; source: string }
  | { kind: 'pim.join-prune' | 'pim.graft' | 'pim.graft-ack'; upstreamNeighbor: string; holdtime: number; groups: JoinPruneGroupInput[] }
  | { kind: 'pim.assert'; group: GroupInput; source: string; rpt: boolean; metricPreference: number; metric: number }
  | {
      kind: 'pim.bootstrap'; noForward?: boolean; fragmentTag: number; hashMaskLength: number; bsrPriority: number;
      bsrAddress: string; groups: BootstrapGroupInput[];
    }
  | { kind: 'pim.c-rp-adv'; priority: number; holdtime: number; rpAddress: string; groups: GroupInput[] }
  | {
      kind: 'pim.state-refresh'; group: GroupInput; source: string; originator: string; rpt: boolean;
      metricPreference: number; metric: number; maskLength: number; ttl: number; pruneIndicator: boolean;
      pruneNow: boolean; assertOverride: boolean; intervalSeconds: number;
    }
  /** Any type with a body given as bytes (after the 4-byte header). */
  | { kind: 'raw'; pimType: number; body: ArrayLike<number> };

/** The IP packet around the message: addresses as text (the family follows them). */
export interface IpEnds {
  src: string;
  dst: string;
}

export interface EncodeOptions {
  /** Version nibble; 2 unless testing the version rule. */
  version?: number;
  /** The header's reserved/flags byte (Bootstrap's N bit is set from the input). */
  flags?: number;
  /** Register checksum coverage: the 8-byte header (RFC 7761 §4.9) or the whole message. */
  registerCoverage?: 'header' | 'message';
}

export interface EncodedPim {
  bytes: Uint8Array;
  ip: PimIpContext;
}

export const IPV4_ENDS: IpEnds = { src: '10.0.0.1', dst: '224.0.0.13' };
export const IPV6_ENDS: IpEnds = { src: 'fe80::1', dst: 'ff02::d' };

const TYPE_CODES: Record<Exclude<PimInput['kind'], 'raw'>, number> = {
  'pim.hello': 0, 'pim.register': 1, 'pim.register-stop': 2, 'pim.join-prune': 3, 'pim.bootstrap': 4,
  'pim.assert': 5, 'pim.graft': 6, 'pim.graft-ack': 7, 'pim.c-rp-adv': 8, 'pim.state-refresh': 9,
};

/** Growable big-endian byte list. */
class Bytes {
  readonly list: number[] = [];
  u8(value: number): this { this.list.push(value & 0xff); return this; }
  u16(value: number): this { return this.u8(value >>> 8).u8(value); }
  u32(value: number): this { return this.u16(value >>> 16).u16(value & 0xffff); }
  add(bytes: ArrayLike<number>): this { for (let i = 0; i < bytes.length; i++) this.list.push(bytes[i]!); return this; }
}

export function addressBytes(address: string): Uint8Array {
  const bytes = address.includes(':') ? parseIPv6(address) : parseIPv4(address);
  if (!bytes) throw new Error(`not an address: ${address}`);
  return bytes;
}

function familyCode(address: string): number {
  return address.includes(':') ? 2 : 1;
}

function fullMask(address: string): number {
  return address.includes(':') ? 128 : 32;
}

export function encodedUnicast(address: string): number[] {
  return new Bytes().u8(familyCode(address)).u8(0).add(addressBytes(address)).list;
}

export function encodedGroup(group: GroupInput): number[] {
  const flags = (group.bidirectional ? 0x80 : 0) | (group.adminScopeZone ? 0x01 : 0);
  return new Bytes().u8(familyCode(group.address)).u8(0).u8(flags)
    .u8(group.maskLength ?? fullMask(group.address)).add(addressBytes(group.address)).list;
}

export function encodedSource(source: SourceInput): number[] {
  const flags = (source.sparse ? 0x04 : 0) | (source.wildcard ? 0x02 : 0) | (source.rpt ? 0x01 : 0);
  return new Bytes().u8(familyCode(source.address)).u8(0).u8(flags)
    .u8(source.maskLength ?? fullMask(source.address)).add(addressBytes(source.address)).list;
}

/** Hello options in their RFC 7761 §4.9.2 / RFC 3973 §4.7.5 value layouts. */
export const helloOption = {
  holdtime: (seconds: number): HelloOptionInput => ({ type: 1, value: new Bytes().u16(seconds).list }),
  lanPruneDelay: (trackingSupport: boolean, propagationDelayMs: number, overrideIntervalMs: number): HelloOptionInput => ({
    type: 2, value: new Bytes().u16((trackingSupport ? 0x8000 : 0) | propagationDelayMs).u16(overrideIntervalMs).list,
  }),
  drPriority: (priority: number): HelloOptionInput => ({ type: 19, value: new Bytes().u32(priority).list }),
  generationId: (id: number): HelloOptionInput => ({ type: 20, value: new Bytes().u32(id).list }),
  stateRefresh: (version: number, intervalSeconds: number): HelloOptionInput => ({
    type: 21, value: new Bytes().u8(version).u8(intervalSeconds).u16(0).list,
  }),
  addressList: (addresses: string[], type = 24): HelloOptionInput => ({ type, value: addresses.flatMap(encodedUnicast) }),
};

function body(message: PimInput): number[] {
  const out = new Bytes();
  switch (message.kind) {
    case 'pim.hello':
      for (const option of message.options) out.u16(option.type).u16(option.value.length).add(option.value);
      break;
    case 'pim.register':
      out.u32((message.border ? 0x80000000 : 0) | (message.nullRegister ? 0x40000000 : 0)).add(message.inner);
      break;
    case 'pim.register-stop':
      out.add(encodedGroup(message.group)).add(encodedUnicast(message.source));
      break;
    case 'pim.join-prune':
    case 'pim.graft':
    case 'pim.graft-ack':
      out.add(encodedUnicast(message.upstreamNeighbor)).u8(0).u8(message.groups.length).u16(message.holdtime);
      for (const entry of message.groups) {
        out.add(encodedGroup(entry.group)).u16(entry.joinedSources.length).u16(entry.prunedSources.length);
        for (const source of [...entry.joinedSources, ...entry.prunedSources]) out.add(encodedSource(source));
      }
      break;
    case 'pim.assert':
      out.add(encodedGroup(message.group)).add(encodedUnicast(message.source))
        .u32((message.rpt ? 0x80000000 : 0) | message.metricPreference).u32(message.metric);
      break;
    case 'pim.bootstrap':
      out.u16(message.fragmentTag).u8(message.hashMaskLength).u8(message.bsrPriority).add(encodedUnicast(message.bsrAddress));
      for (const entry of message.groups) {
        out.add(encodedGroup(entry.group)).u8(entry.rpCount ?? entry.rps.length).u8(entry.rps.length).u16(0);
        for (const rp of entry.rps) out.add(encodedUnicast(rp.address)).u16(rp.holdtime).u8(rp.priority).u8(0);
      }
      break;
    case 'pim.c-rp-adv':
      out.u8(message.groups.length).u8(message.priority).u16(message.holdtime).add(encodedUnicast(message.rpAddress));
      for (const group of message.groups) out.add(encodedGroup(group));
      break;
    case 'pim.state-refresh':
      out.add(encodedGroup(message.group)).add(encodedUnicast(message.source)).add(encodedUnicast(message.originator))
        .u32((message.rpt ? 0x80000000 : 0) | message.metricPreference).u32(message.metric)
        .u8(message.maskLength).u8(message.ttl)
        .u8((message.pruneIndicator ? 0x80 : 0) | (message.pruneNow ? 0x40 : 0) | (message.assertOverride ? 0x20 : 0))
        .u8(message.intervalSeconds);
      break;
    case 'raw':
      out.add(message.body);
      break;
  }
  return out.list;
}

export function pimIpContext(ends: IpEnds): PimIpContext {
  const srcBytes = addressBytes(ends.src);
  return { family: srcBytes.length === 4 ? 4 : 6, srcBytes, dstBytes: addressBytes(ends.dst) };
}

/** The complete message with its checksum, and the IP context to decode it with. */
export function encodePim(message: PimInput, ends: IpEnds = IPV4_ENDS, options: EncodeOptions = {}): EncodedPim {
  const type = message.kind === 'raw' ? message.pimType : TYPE_CODES[message.kind];
  const noForward = message.kind === 'pim.bootstrap' && message.noForward ? 0x80 : 0;
  const bytes = Uint8Array.from([((options.version ?? 2) << 4) | type, (options.flags ?? 0) | noForward, 0, 0, ...body(message)]);
  const ip = pimIpContext(ends);
  const covered = message.kind === 'pim.register' && options.registerCoverage !== 'message' ? 8 : bytes.length;
  const initial = ip.family === 6 ? ipv6PseudoHeaderSum(ip.srcBytes, ip.dstBytes, covered, 103) : 0;
  const checksum = computeChecksum(bytes, 0, covered, initial);
  bytes[2] = checksum >>> 8;
  bytes[3] = checksum & 0xff;
  return { bytes, ip };
}

/** An IPv4 packet (RFC 791) with a correct header checksum, for Register inner packets. */
export function ipv4Packet(src: string, dst: string, protocol: number, payload: ArrayLike<number>, totalLength?: number): Uint8Array {
  const header = new Bytes().u8(0x45).u8(0).u16(totalLength ?? 20 + payload.length).u16(0x1234).u16(0)
    .u8(64).u8(protocol).u16(0).add(addressBytes(src)).add(addressBytes(dst)).list;
  const checksum = computeChecksum(Uint8Array.from(header), 0, 20);
  header[10] = checksum >>> 8;
  header[11] = checksum & 0xff;
  return Uint8Array.from([...header, ...Array.from(payload)]);
}

/** An IPv6 packet (RFC 8200) with no extension headers, for Register inner packets. */
export function ipv6Packet(src: string, dst: string, nextHeader: number, payload: ArrayLike<number>, payloadLength?: number): Uint8Array {
  return Uint8Array.from(new Bytes().u32(0x60000000).u16(payloadLength ?? payload.length).u8(nextHeader).u8(64)
    .add(addressBytes(src)).add(addressBytes(dst)).add(payload).list);
}

