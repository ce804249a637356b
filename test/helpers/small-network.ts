/**
 * A small network built frame by frame, for rules about trees and findings:
 *
 *   S (10.1.0.10) ── src ──┬── R1 ──┐
 *                          └── R2 ──┴── lan ── R3 ── rcv (host H, member of 239.1.1.1)
 *                                      R2 ── side (nobody)
 *
 * Each router uses one MAC on all its links (so identity is not in question). R3 is the IGMPv3
 * querier of rcv and joins (S,G) towards R1; R1 forwards onto lan, R3 onto rcv. A Plan bends it:
 * R2 forwarding too (until or past an Assert), leaks onto side, a short TTL, R3 or the host or
 * the querier falling silent, R1 dying without a goodbye.
 */
import type { Frame } from '../../capture/frame.js';
import { ethernetFrame, frameOf } from './encode-frame.js';
import { encodeIPv4, encodeUdp } from './encode-ip.js';
import { encodeIgmpMessage, encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket, IGMP_V2_LEAVE } from './encode-igmp.js';
import { encodePim, type PimInput } from './encode-pim.js';

export const T0 = 1_764_057_600;
export const S = '10.1.0.10';
export const G = '239.1.1.1';
export const R1 = { mac: '02:00:00:00:00:01', src: '10.1.0.1', lan: '10.0.0.1' };
export const R2 = { mac: '02:00:00:00:00:02', src: '10.1.0.2', lan: '10.0.0.2', side: '10.5.0.2' };
export const R3 = { mac: '02:00:00:00:00:03', lan: '10.0.0.3', rcv: '10.3.0.1' };
export const HOST = '10.3.0.11';
const HOST_MAC = '02:00:00:00:00:0a';
export const SECOND_QUERIER = '10.3.9.3';
const SECOND_QUERIER_MAC = '02:00:00:00:00:0b';
const IGMP_QUERY = 0x11;
const SOURCE_MAC = '02:00:00:00:00:0b';
const PROTOCOL_PIM = 103;
const PROTOCOL_UDP = 17;
const CHANGE_TO_EXCLUDE = 4;
const CHANGE_TO_INCLUDE = 3;
const HOLDTIME_OPTION = 1;

export interface Step { time: number; link: string; bytes: Uint8Array }

export interface Plan {
  /** TTL the source sends with. */
  sourceTtl: number;
  /** Whether R2 forwards onto lan too, until the Assert at T0 + 20 (or past it, with `loserKeepsForwarding`). */
  duplicate: boolean;
  loserKeepsForwarding?: boolean;
  /** Times R2 puts a packet onto side (nobody asked for it there). */
  sideLeaks: number[];
  /** Seconds after T0 during which R3 does not forward onto rcv: [from, to). */
  r3Silent?: [number, number];
  /** Seconds after T0 when the host stops reporting (no Leave: it went away). */
  hostSilentAt?: number;
  /** Seconds after T0 when the host leaves: `v2` an IGMPv2 Leave, `v3` a TO_IN({}). */
  hostLeavesAt?: { time: number; how: 'v2' | 'v3' };
  /** Whether R3 answers a leave with the group-specific queries RFC 3376 §6.4.2 asks for. */
  specificQueries?: boolean;
  /** Seconds after T0 when R3 stops querying on rcv. */
  querierSilentAt?: number;
  /** Seconds after T0 when R1 stops sending Hellos on lan; `goodbye`: with a holdtime-0 Hello first. */
  r1StopsAt?: { time: number; goodbye: boolean };
  /** The data as RTP (sequence number = IP id); one packet in `every` missing on `lossOn` during [from, to) s after T0. */
  rtp?: { lossOn: 'lan' | 'rcv' | null; from: number; to: number; every: number };
  /** A second router on rcv, in another subnet, sending IGMPv2 General Queries every 20 s during [from, to) s after T0. */
  secondQuerier?: { from: number; to: number };
  /** Seconds after T0 of general queries sent with a wrong checksum. */
  badQueries?: number[];
  end: number;
}

function pim(time: number, link: string, mac: string, src: string, message: PimInput, dst = '224.0.0.13'): Step {
  const { bytes } = encodePim(message, { src, dst });
  return { time, link, bytes: ethernetFrame('01:00:5e:00:00:0d', mac, 0x0800, encodeIPv4({ src, dst, protocol: PROTOCOL_PIM, ttl: 1, tos: 0xc0, payload: bytes })) };
}

const hello = (time: number, link: string, mac: string, src: string, holdtime = 105) =>
  pim(time, link, mac, src, { kind: 'pim.hello', options: [{ type: HOLDTIME_OPTION, value: [holdtime >> 8, holdtime & 0xff] }] });

/** An RTP packet (RFC 3550 §5.1): V=2, payload type 33, sequence `id`, 90 kHz timestamps at 20 packets a second. */
function rtpPayload(id: number): Uint8Array {
  const bytes = new Uint8Array(64);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x80;
  bytes[1] = 33;
  view.setUint16(2, id & 0xffff);
  view.setUint32(4, id * 4500);
  view.setUint32(8, 0x5eed);
  return bytes;
}

function data(time: number, link: string, mac: string, ttl: number, id: number, rtp = false): Step {
  const udp = encodeUdp(S, G, 5000, 5001, rtp ? rtpPayload(id) : new Uint8Array(64).fill(id & 0xff));
  return { time, link, bytes: ethernetFrame('01:00:5e:01:01:01', mac, 0x0800, encodeIPv4({ src: S, dst: G, protocol: PROTOCOL_UDP, ttl, id, payload: udp })) };
}

const igmp = (time: number, src: string, mac: string, dst: string, dstMac: string, message: Uint8Array): Step =>
  ({ time, link: 'rcv', bytes: ethernetFrame(dstMac, mac, 0x0800, igmpPacket(src, dst, message)) });

/** The network's frames, in time order: Hellos every 30 s, R3's Join every 60 s, IGMP every 10 s, data at 20 pps. */
export function smallNetworkSteps(plan: Plan): Step[] {
  const steps: Step[] = [];
  const before = (time: number, limit: number | undefined) => limit === undefined || time < T0 + limit;
  for (let time = T0; time < T0 + plan.end; time += 30) {
    steps.push(hello(time, 'src', R1.mac, R1.src), hello(time, 'src', R2.mac, R2.src), hello(time, 'lan', R2.mac, R2.lan),
      hello(time, 'lan', R3.mac, R3.lan), hello(time, 'rcv', R3.mac, R3.rcv), hello(time, 'side', R2.mac, R2.side));
    if (before(time, plan.r1StopsAt?.time)) steps.push(hello(time, 'lan', R1.mac, R1.lan));
  }
  if (plan.r1StopsAt?.goodbye) steps.push(hello(T0 + plan.r1StopsAt.time, 'lan', R1.mac, R1.lan, 0));
  for (let time = T0 + 0.5; time < T0 + plan.end; time += 60) {
    steps.push(pim(time, 'lan', R3.mac, R3.lan, {
      kind: 'pim.join-prune', upstreamNeighbor: R1.lan, holdtime: 210, groups: [{ group: { address: G, maskLength: 32 }, joinedSources: [{ address: S, maskLength: 32 }], prunedSources: [] }],
    }));
  }
  const leaveAt = plan.hostLeavesAt === undefined ? undefined : plan.hostLeavesAt.time;
  for (let time = T0 + 0.2; time < T0 + plan.end; time += 10) {
    if (before(time, plan.querierSilentAt)) {
      const query = encodeIgmpV3Query();
      if (plan.badQueries?.some((offset) => Math.abs(T0 + offset - time) < 0.01)) query[2] ^= 0xff;
      steps.push(igmp(time, R3.rcv, R3.mac, '224.0.0.1', '01:00:5e:00:00:01', query));
    }
    if (before(time + 0.1, plan.hostSilentAt) && before(time + 0.1, leaveAt)) {
      steps.push(igmp(time + 0.1, HOST, HOST_MAC, '224.0.0.22', '01:00:5e:00:00:16', encodeIgmpV3Report([{ type: CHANGE_TO_EXCLUDE, group: G }])));
    }
  }
  if (plan.secondQuerier) {
    for (let time = T0 + plan.secondQuerier.from; time < T0 + plan.secondQuerier.to; time += 20) {
      steps.push(igmp(time, SECOND_QUERIER, SECOND_QUERIER_MAC, '224.0.0.1', '01:00:5e:00:00:01', encodeIgmpMessage(IGMP_QUERY, 100, '0.0.0.0')));
    }
  }
  if (plan.hostLeavesAt !== undefined) {
    const at = T0 + plan.hostLeavesAt.time;
    steps.push(plan.hostLeavesAt.how === 'v2'
      ? igmp(at, HOST, HOST_MAC, '224.0.0.2', '01:00:5e:00:00:02', encodeIgmpMessage(IGMP_V2_LEAVE, 0, G))
      : igmp(at, HOST, HOST_MAC, '224.0.0.22', '01:00:5e:00:00:16', encodeIgmpV3Report([{ type: CHANGE_TO_INCLUDE, group: G }])));
    if (plan.specificQueries) {
      for (const offset of [0.01, 1.01]) steps.push(igmp(at + offset, R3.rcv, R3.mac, G, '01:00:5e:01:01:01', encodeIgmpV3Query({ group: G, maxRespCode: 10 })));
    }
  }
  const assertAt = T0 + 20;
  if (plan.duplicate) {
    steps.push(pim(assertAt, 'lan', R1.mac, R1.lan, { kind: 'pim.assert', group: { address: G, maskLength: 32 }, source: S, rpt: false, metricPreference: 110, metric: 10 }));
    steps.push(pim(assertAt + 0.01, 'lan', R2.mac, R2.lan, { kind: 'pim.assert', group: { address: G, maskLength: 32 }, source: S, rpt: false, metricPreference: 110, metric: 20 }));
  }
  // Data stops reaching rcv once the host is gone and R3's membership is (about to be) over.
  const membershipEnd = leaveAt ?? (plan.hostSilentAt === undefined ? Infinity : plan.hostSilentAt + 270);
  let id = 1;
  const rtp = plan.rtp !== undefined;
  const lost = (link: string, at: number) => plan.rtp !== undefined && plan.rtp.lossOn === link && at >= T0 + plan.rtp.from && at < T0 + plan.rtp.to && id % plan.rtp.every === 0;
  for (let time = T0 + 1; time < T0 + plan.end; time += 0.05, id++) {
    const at = Math.round(time * 1000) / 1000;
    steps.push(data(at, 'src', SOURCE_MAC, plan.sourceTtl, id, rtp));
    if (plan.sourceTtl <= 1) continue;
    if (lost('lan', at)) continue; // lost on lan: R3 never gets it either
    steps.push(data(at + 0.0002, 'lan', R1.mac, plan.sourceTtl - 1, id, rtp));
    if (plan.duplicate && (plan.loserKeepsForwarding || at < assertAt + 0.02)) steps.push(data(at + 0.0003, 'lan', R2.mac, plan.sourceTtl - 1, id, rtp));
    const silent = plan.r3Silent !== undefined && at >= T0 + plan.r3Silent[0] && at < T0 + plan.r3Silent[1];
    if (plan.sourceTtl > 2 && !silent && at < T0 + membershipEnd && !lost('rcv', at)) steps.push(data(at + 0.0004, 'rcv', R3.mac, plan.sourceTtl - 2, id, rtp));
  }
  for (const [index, offset] of plan.sideLeaks.entries()) steps.push(data(T0 + offset, 'side', R2.mac, plan.sourceTtl - 1, 90_000 + index));
  return steps.sort((a, b) => a.time - b.time);
}

/** The plan's frames as a capture would give them. */
export function smallNetworkFrames(plan: Plan): Frame[] {
  return smallNetworkSteps(plan).map((step, index) => frameOf(step.bytes, { time: step.time, link: step.link, number: index + 1 }));
}
