/** A short synthetic live session on two links (a querier, a join, 20 s of data, a leave and its group query), replayed as a live source would. */
import type { Frame } from '../../capture/frame.js';
import type { AnalysisRun } from '../../pipeline/run.js';
import { ethernetFrame, frameOf } from './encode-frame.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from './encode-ip.js';
import { encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket } from './encode-igmp.js';

export const T0 = 1_764_057_600;
const ROUTER_MAC = '02:00:00:00:00:01';
const HOST_MAC = '02:00:00:00:00:0a';
const SENDER_MAC = '02:00:00:00:00:14';
export const CHANGE_TO_EXCLUDE = 4;
const CHANGE_TO_INCLUDE = 3;

export const LINKS = [{ link: 'lan1', device: 'veth1', linkType: 1 }, { link: 'lan2', device: 'veth2', linkType: 1 }];

export const query = (time: number, link: string, qqic = 5) =>
  frameOf(ethernetFrame('01:00:5e:00:00:01', ROUTER_MAC, 0x0800, igmpPacket('10.0.0.1', '224.0.0.1', encodeIgmpV3Query({ maxRespCode: 10, qqic }))), { time, link });
export const report = (time: number, link: string, type: number, group: string) =>
  frameOf(ethernetFrame('01:00:5e:00:00:16', HOST_MAC, 0x0800, igmpPacket('10.0.0.10', '224.0.0.22', encodeIgmpV3Report([{ type, group }]))), { time, link });
export const data = (time: number, link: string) =>
  frameOf(ethernetFrame('01:00:5e:09:09:09', SENDER_MAC, 0x0800, encodeIPv4({
    src: '10.0.0.20', dst: '239.9.9.9', protocol: PROTOCOL_UDP, ttl: 4, payload: encodeUdp('10.0.0.20', '239.9.9.9', 4000, 5000, new Uint8Array(64)),
  })), { time, link });

/** A short session on two links: a querier, a join, 10 pps of data for 20 s on lan1, a leave on lan2. */
export function session(): { frame: Frame; index: number }[] {
  const frames: { frame: Frame; index: number }[] = [];
  const add = (frame: Frame) => frames.push({ frame, index: LINKS.findIndex((link) => link.link === frame.link) });
  add(query(T0, 'lan1', 125));
  add(query(T0 + 0.01, 'lan2', 125));
  add(report(T0 + 0.5, 'lan1', CHANGE_TO_EXCLUDE, '239.9.9.9'));
  add(report(T0 + 0.6, 'lan2', CHANGE_TO_EXCLUDE, '239.8.8.8'));
  for (let packet = 0; packet < 200; packet++) add(data(T0 + 1 + packet / 10, 'lan1'));
  add(report(T0 + 15, 'lan2', CHANGE_TO_INCLUDE, '239.8.8.8'));
  // The querier's group-specific query (RFC 3376 §6.4.2, Send Q(G)), twice LMQI apart: 1 s each.
  for (const at of [15.01, 16.01]) {
    add(frameOf(ethernetFrame('01:00:5e:08:08:08', ROUTER_MAC, 0x0800, igmpPacket('10.0.0.1', '239.8.8.8', encodeIgmpV3Query({ maxRespCode: 10, group: '239.8.8.8' }))), { time: T0 + at, link: 'lan2' }));
  }
  frames.sort((a, b) => a.frame.seconds + a.frame.nanos / 1e9 - (b.frame.seconds + b.frame.nanos / 1e9));
  frames.forEach((entry, index) => (entry.frame.number = index + 1));
  return frames;
}

/** Feeds the session as a live source does: a tick each whole second, frames as they come. */
export function replayLive(run: AnalysisRun, end: number): void {
  let nextSecond = T0 + 1;
  for (const { frame, index } of session()) {
    const time = frame.seconds + frame.nanos / 1e9;
    while (nextSecond <= time) run.advance(nextSecond++);
    run.frame(frame, index);
  }
  while (nextSecond <= end) run.advance(nextSecond++);
}

