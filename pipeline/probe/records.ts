/**
 * What a probe publishes and a collector consumes (one NATS JetStream message each, JSON):
 *
 *   packet  one decoded control packet (IGMP, MLD, PIM, OSPF, also with a bad checksum), or one
 *           multicast data packet of the data-path sample (fingerprint modulo, data-paths.ts: every
 *           probe samples the same datagrams, so the collector still follows them across links)
 *   second  what the probe counted on one link by a whole second of packet time: the flows whose
 *           snapshot changed, the link's frame counts, complete RTP / MPEG-TS seconds, the flow
 *           changes since the previous one (each with its own time), and per-second counters
 *   tick    the probe reached a whole second (its watermark: nothing older will follow), with its
 *           wall clock then: the collector estimates each probe's clock offset from it and the
 *           time the stream stored the tick, and how long the tick took to reach the dashboard
 *   end     the probe read all its input
 *
 * Records carry `v` (the format version): a collector refuses versions it does not know, one
 * counted error per record, rather than misreading them. Byte fields (IGMP auxiliary data, PIM
 * Hello option values) travel as base64.
 */
import type { Packet } from '../../capture/decode.js';
import type { FlowChange } from '../../capture/model/flows.js';
import type { ProbeFlowState } from '../../capture/model/network-analyzer.js';

export const PROBE_RECORD_VERSION = 1;

/** Frames and data counted in one second of packet time on one link (the store's counters and link_counters). */
export interface SecondCounts {
  second: number;
  frames: number;
  decodeErrors: number;
  flows: { source: string; group: string; packets: number; bytes: number }[];
}

interface RecordHead {
  v: typeof PROBE_RECORD_VERSION;
  probe: string;
}

export interface PacketRecord extends RecordHead {
  type: 'packet';
  packet: Packet;
}

export interface SecondRecord extends RecordHead {
  type: 'second';
  link: string;
  time: number;
  changes: FlowChange[];
  state: ProbeFlowState;
  counts: SecondCounts[];
}

export interface TickRecord extends RecordHead {
  type: 'tick';
  time: number;
  /** The probe's wall clock when it published the tick (epoch seconds). */
  wall: number;
}

export interface EndRecord extends RecordHead {
  type: 'end';
  time: number;
}

export type ProbeRecord = PacketRecord | SecondRecord | TickRecord | EndRecord;

/** A record that cannot be read: counted by the collector, never applied. */
export class ProbeRecordError extends Error {}

/** The subject a record goes to: `mcast.PROBE.LINK` (or `mcast.PROBE._probe` for ticks and ends). */
export function recordSubject(record: ProbeRecord): string {
  const link = record.type === 'packet' ? record.packet.link : record.type === 'second' ? record.link : null;
  return `${SUBJECT_ROOT}.${subjectToken(record.probe)}.${link === null ? '_probe' : subjectToken(link)}`;
}

export const SUBJECT_ROOT = 'mcast';

/** NATS subject tokens cannot hold `.`, `*`, `>` or white space: anything but letters, digits, `-` and `_` becomes `_`. */
export function subjectToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
}

/** A probe name as the command line takes it: what a subject token can hold, 1 to 64 characters. */
export function isProbeName(name: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeRecord(record: ProbeRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record, bytesToBase64));
}

export function decodeRecord(data: Uint8Array): ProbeRecord {
  let value: unknown;
  try {
    // A reviver would be called for every value of every record (most of the collector's time): bytes are restored in packets only.
    value = JSON.parse(decoder.decode(data));
  } catch (error) {
    throw new ProbeRecordError(`not a probe record: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null) throw new ProbeRecordError('not a probe record: not an object');
  const record = value as Partial<ProbeRecord> & { v?: unknown };
  if (record.v !== PROBE_RECORD_VERSION) throw new ProbeRecordError(`probe record version ${String(record.v)} is not ${PROBE_RECORD_VERSION}, the one this collector reads`);
  if (typeof record.probe !== 'string' || !isProbeName(record.probe)) throw new ProbeRecordError('probe record without a valid probe name');
  switch (record.type) {
    case 'packet':
      if (!isPacket(record.packet)) throw new ProbeRecordError('packet record without a packet');
      restoreBytes(record.packet);
      break;
    case 'second':
      if (typeof record.link !== 'string' || !Number.isFinite(record.time) || !Array.isArray(record.changes) || !Array.isArray(record.counts)
        || typeof record.state !== 'object' || record.state === null || !Array.isArray(record.state.flows)) {
        throw new ProbeRecordError('second record missing its link, time, changes, state or counts');
      }
      break;
    case 'tick':
      if (!Number.isFinite(record.time) || !Number.isFinite(record.wall)) throw new ProbeRecordError('tick record without its time and wall clock');
      break;
    case 'end':
      if (!Number.isFinite(record.time)) throw new ProbeRecordError('end record without a time');
      break;
    default:
      throw new ProbeRecordError(`unknown probe record type ${String(record.type)}`);
  }
  return record as ProbeRecord;
}

function isPacket(value: unknown): value is Packet {
  if (typeof value !== 'object' || value === null) return false;
  const packet = value as Partial<Packet>;
  return Number.isFinite(packet.time) && typeof packet.link === 'string' && typeof packet.message === 'object' && packet.message !== null
    && typeof packet.message.kind === 'string';
}

const BYTES_TAG = '$bytes';

/** Uint8Array (and Buffer, which JSON turns into `{type: 'Buffer', data}` before a replacer sees it) as `{$bytes: base64}`. */
function bytesToBase64(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { [BYTES_TAG]: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return { [BYTES_TAG]: Buffer.from((value as { data: number[] }).data).toString('base64') };
  }
  return value;
}

/** Turns every `{$bytes: base64}` inside `value` back into a Uint8Array, in place. */
function restoreBytes(value: object): void {
  for (const [key, field] of Object.entries(value)) {
    if (typeof field !== 'object' || field === null) continue;
    const base64 = (field as Record<string, unknown>)[BYTES_TAG];
    if (typeof base64 === 'string' && Object.keys(field).length === 1) (value as Record<string, unknown>)[key] = new Uint8Array(Buffer.from(base64, 'base64'));
    else restoreBytes(field);
  }
}
