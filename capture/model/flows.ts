/**
 * Multicast data flows per link: one (S,G) per link, with counters, the rate over a sliding
 * window, and who put it on the link (the sender's MAC: a router forwarding it, or the source
 * host itself on its own link). Two forwarders active at once on one link is the duplicate
 * forwarding PIM Asserts exist to stop (RFC 7761 §4.6).
 *
 * Forwarder activity is state with a timer, measured against the forwarder's own rate: it starts
 * with its first packet (or its first after a pause) and stops when it has missed
 * `activityIntervals` of its inter-arrival intervals (a smoothed mean, kept within
 * [minActiveWindow, maxActiveWindow]; `initialActiveWindow` before there is one). Both are
 * timeline changes (`forwarder-started`, `forwarder-stopped`), so whoever follows the timeline
 * (the store, the live hub) knows when trees and anomalies built on the activity change. An
 * activity period of at most `leakPackets` packets is a leak — isolated packets, not a flow — and
 * its stop says so.
 */
import { ThreeKeyMap } from '../three-key-map.js';
import type { MulticastData } from '../protocols/multicast-data.js';
import { TimerQueue } from './pim/timer-queue.js';
import type { Timed } from './pim/types.js';
import type { PayloadFormat } from './sequence-gaps.js';
import { StreamQuality, type MediaSecond, type StreamQualitySnapshot } from './stream-quality.js';

export interface FlowOptions {
  /** Width of the rate window, seconds. */
  rateWindow: number;
  /** Inter-arrival intervals a forwarder may miss and still count as active. */
  activityIntervals: number;
  /** Bounds of the activity window, seconds, whatever the rate. */
  minActiveWindow: number;
  maxActiveWindow: number;
  /** The window before a forwarder's second packet gives it a rate. */
  initialActiveWindow: number;
  /** An activity period of at most this many packets is a leak, not forwarding. */
  leakPackets: number;
  /** Most flows tracked; more are counted as dropped (an anomaly, not a crash). */
  maxFlows: number;
}

export const DEFAULT_FLOW_OPTIONS: Readonly<FlowOptions> = {
  rateWindow: 5, activityIntervals: 4, minActiveWindow: 1, maxActiveWindow: 210, initialActiveWindow: 30, leakPackets: 3, maxFlows: 100_000,
};

/** Weight of the newest interval in the smoothed inter-arrival mean. */
const INTERVAL_WEIGHT = 0.125;
/** Leaks kept per flow (the latest). */
const LEAKS_KEPT = 8;
const NO_FLOW_CHANGES: readonly FlowChange[] = Object.freeze([]);

interface ForwarderCounts {
  mac: string;
  packets: number;
  firstSeen: number;
  lastSeen: number;
  /** TTL / hop limit of its latest packet: each router hop lowers it by one. */
  ttl: number;
  /** The current (or last) activity period: when it started and its packets. */
  periodStart: number;
  periodPackets: number;
}

interface ForwarderState extends ForwarderCounts, Timed {
  flow: FlowState;
  /** Between its forwarder-started and forwarder-stopped changes. */
  active: boolean;
  /** Smoothed mean inter-arrival interval, seconds; null before the second packet. */
  interval: number | null;
}

export interface ForwarderSnapshot extends ForwarderCounts {
  active: boolean;
  /** Seconds without a packet after which it stops. */
  activeWindow: number;
  /** Its current activity period is more than a leak: more than `leakPackets` packets, or spread over more than a window. */
  sustained: boolean;
}

/** An activity period too short to be forwarding: a few isolated packets. */
export interface Leak {
  mac: string;
  from: number;
  to: number;
  packets: number;
}

/** What a flow is and what it has counted: shared by the live state and its snapshot. */
interface FlowCounts {
  link: string;
  source: string;
  group: string;
  family: 4 | 6;
  protocol: number;
  dstPort: number | null;
  packets: number;
  bytes: number;
  firstSeen: number;
  lastSeen: number;
  /** Packets whose destination MAC was not the group's mapped MAC. */
  macMismatches: number;
}

interface FlowState extends FlowCounts {
  /** Per-second buckets of the rate window, keyed by whole second. */
  seconds: Map<number, { packets: number; bytes: number }>;
  forwarders: Map<string, ForwarderState>;
  quality: StreamQuality;
  leaks: Leak[];
}

export interface FlowSnapshot extends FlowCounts {
  pps: number;
  bps: number;
  forwarders: ForwarderSnapshot[];
  duplicated: boolean;
  /** RTP or MPEG-TS when the payloads are numbered (see sequence-gaps.ts), else null. */
  payloadFormat: PayloadFormat | null;
  /** Jumps in the RTP sequence numbers / MPEG-TS continuity counters: loss before the capture point. */
  sequenceGaps: number;
  /** Packets missing in those jumps (MPEG-TS: a lower bound, the counter wraps at 16). */
  lostPackets: number;
  /** Delivery quality: jitter, duplicates, continuity per PID, MDI, bursts (stream-quality.ts). */
  quality: StreamQualitySnapshot;
  /** The latest leaks onto the link. */
  leaks: Leak[];
}

/** What each change kind carries. */
export interface FlowChangeDetails {
  'flow-started': { protocol: number };
  /** A forwarder's first packet, or its first after its activity ran out. */
  'forwarder-started': { mac: string; ttl: number };
  /** Its activity ran out (the change's time is when); `leak`: the period was only a few isolated packets. */
  'forwarder-stopped': { mac: string; packets: number; leak: boolean; lastSeen: number };
  /** A forwarder started while others were active on the link. */
  'duplicate-forwarding': { macs: string };
  'limit-exceeded': { limit: 'maxFlows'; max: number };
}

export type FlowChange = {
  [K in keyof FlowChangeDetails]: { time: number; link: string; group: string; source: string; kind: K; detail: FlowChangeDetails[K] };
}[keyof FlowChangeDetails];

export type MediaSecondListener = (link: string, source: string, group: string, second: MediaSecond) => void;

/**
 * The flows as the rest of the model reads them: counted here from packets (FlowTracker), or
 * mirrored from the probes that counted them (flow-mirror.ts).
 */
export interface FlowModel {
  snapshot(now: number): FlowSnapshot[];
  /** The changes due by `now` (activity that ran out). */
  advance(now: number): readonly FlowChange[];
  /** Told each complete second of an RTP / MPEG-TS flow on a link (the store keeps them: media_seconds). */
  onMediaSecond: MediaSecondListener | null;
}

export class FlowTracker implements FlowModel {
  private readonly flows = new ThreeKeyMap<FlowState>();
  private readonly options: FlowOptions;
  /** Active forwarders by the time their activity runs out unless they send again. */
  private readonly activity = new TimerQueue<ForwarderState>();
  private droppedFlows = 0;
  private order: FlowState[] | null = null;
  onMediaSecond: MediaSecondListener | null = null;

  constructor(options: Partial<FlowOptions> = {}) {
    this.options = { ...DEFAULT_FLOW_OPTIONS, ...options };
  }

  /** A data packet; returns what it changed (most packets: nothing, in one shared empty list). */
  onData(time: number, link: string, srcMac: string | null, data: MulticastData, macMismatch: boolean): readonly FlowChange[] {
    let changes: FlowChange[] | null = null;
    let flow = this.flows.get(link, data.source, data.group);
    if (!flow) {
      if (this.flows.size >= this.options.maxFlows) {
        if (this.droppedFlows++ > 0) return NO_FLOW_CHANGES;
        return [{ time, link, group: data.group, source: data.source, kind: 'limit-exceeded', detail: { limit: 'maxFlows', max: this.options.maxFlows } }];
      }
      flow = {
        link, source: data.source, group: data.group, family: data.kind === 'data.ipv4' ? 4 : 6, protocol: data.protocol, dstPort: data.dstPort,
        packets: 0, bytes: 0, firstSeen: time, lastSeen: time, seconds: new Map(), forwarders: new Map(), macMismatches: 0,
        quality: new StreamQuality(), leaks: [],
      };
      this.flows.set(link, data.source, data.group, flow);
      this.order = null;
      changes = [{ time, link, group: data.group, source: data.source, kind: 'flow-started', detail: { protocol: data.protocol } }];
    }
    flow.packets++;
    flow.bytes += data.length;
    flow.lastSeen = time;
    if (macMismatch) flow.macMismatches++;
    flow.quality.observe(time, data.length, data.udpPayload);
    this.tellMediaSecond(flow);
    const second = Math.floor(time);
    const bucket = flow.seconds.get(second);
    if (bucket) {
      bucket.packets++;
      bucket.bytes += data.length;
    } else {
      flow.seconds.set(second, { packets: 1, bytes: data.length });
      for (const old of flow.seconds.keys()) if (old < second - this.options.rateWindow) flow.seconds.delete(old);
    }
    if (srcMac !== null) {
      const started = this.countForwarder(flow, srcMac, time, data.ttl);
      if (started !== null) (changes ??= []).push(...started);
    }
    return changes ?? NO_FLOW_CHANGES;
  }

  /** Stops every forwarder whose activity ran out by `now` (see the header). */
  advance(now: number): readonly FlowChange[] {
    // Called before every frame: most calls find nothing due and share one empty list.
    if (this.activity.nextDeadline() >= now) return NO_FLOW_CHANGES;
    const changes: FlowChange[] = [];
    for (let due = this.activity.nextDeadline(); due < now; due = this.activity.nextDeadline()) {
      const forwarder = this.activity.takeDue(due)!;
      // Its packets since it was queued moved the deadline on: queue it again rather than once per packet.
      const deadline = this.deadlineOf(forwarder);
      if (deadline > due) {
        this.activity.schedule(forwarder, deadline);
        continue;
      }
      forwarder.active = false;
      const { flow } = forwarder;
      const leak = forwarder.periodPackets <= this.options.leakPackets;
      if (leak) {
        flow.leaks.push({ mac: forwarder.mac, from: forwarder.periodStart, to: forwarder.lastSeen, packets: forwarder.periodPackets });
        if (flow.leaks.length > LEAKS_KEPT) flow.leaks.shift();
      }
      changes.push({
        time: due, link: flow.link, group: flow.group, source: flow.source, kind: 'forwarder-stopped',
        detail: { mac: forwarder.mac, packets: forwarder.packets, leak, lastSeen: forwarder.lastSeen },
      });
    }
    return changes;
  }

  /** Seconds without a packet after which the forwarder counts as stopped: a few of its own intervals. */
  private windowOf(forwarder: ForwarderState): number {
    const { activityIntervals, minActiveWindow, maxActiveWindow, initialActiveWindow } = this.options;
    if (forwarder.interval === null) return initialActiveWindow;
    return Math.min(maxActiveWindow, Math.max(minActiveWindow, activityIntervals * forwarder.interval));
  }

  private deadlineOf(forwarder: ForwarderState): number {
    return forwarder.lastSeen + this.windowOf(forwarder);
  }

  /** Counts the packet to its forwarder; returns the changes when the forwarder starts (else null). */
  private countForwarder(flow: FlowState, mac: string, time: number, ttl: number): FlowChange[] | null {
    let forwarder = flow.forwarders.get(mac);
    if (!forwarder) {
      forwarder = {
        flow, mac, packets: 0, firstSeen: time, lastSeen: time, ttl, periodStart: time, periodPackets: 0, active: false, interval: null, deadline: Infinity,
      };
      flow.forwarders.set(mac, forwarder);
    } else if (forwarder.active && time > forwarder.lastSeen) {
      const gap = time - forwarder.lastSeen;
      forwarder.interval = forwarder.interval === null ? gap : forwarder.interval + INTERVAL_WEIGHT * (gap - forwarder.interval);
    }
    forwarder.packets++;
    if (time > forwarder.lastSeen) forwarder.lastSeen = time;
    forwarder.ttl = ttl;
    if (forwarder.active) {
      forwarder.periodPackets++;
      // The queue holds the deadline as it was scheduled: later ones are found when it comes due, an earlier one (a
      // rate just learnt, faster than the initial window assumed) is queued now.
      const deadline = this.deadlineOf(forwarder);
      if (deadline < forwarder.deadline) this.activity.schedule(forwarder, deadline);
      return null;
    }
    forwarder.active = true;
    forwarder.periodStart = time;
    forwarder.periodPackets = 1;
    this.activity.schedule(forwarder, this.deadlineOf(forwarder));
    const changes: FlowChange[] = [{ time, link: flow.link, group: flow.group, source: flow.source, kind: 'forwarder-started', detail: { mac, ttl } }];
    const othersActive = [...flow.forwarders.values()].filter((other) => other !== forwarder && other.active);
    if (othersActive.length > 0) {
      changes.push({
        time, link: flow.link, group: flow.group, source: flow.source, kind: 'duplicate-forwarding',
        detail: { macs: [mac, ...othersActive.map((other) => other.mac)].sort().join(' ') },
      });
    }
    return changes;
  }

  snapshot(now: number): FlowSnapshot[] {
    const { rateWindow } = this.options;
    // The rate is over the last `rateWindow` complete seconds before `now`.
    const current = Math.floor(now);
    const result: FlowSnapshot[] = [];
    for (const flow of this.sorted()) {
      let packets = 0;
      let bytes = 0;
      for (const [second, bucket] of flow.seconds) {
        if (second >= current - rateWindow && second < current) {
          packets += bucket.packets;
          bytes += bucket.bytes;
        }
      }
      const forwarders: ForwarderSnapshot[] = [];
      let active = 0;
      for (const forwarder of flow.forwarders.values()) {
        const activeWindow = this.windowOf(forwarder);
        const isActive = forwarder.active && now <= forwarder.lastSeen + activeWindow;
        if (isActive) active++;
        forwarders.push({
          mac: forwarder.mac, packets: forwarder.packets, firstSeen: forwarder.firstSeen, lastSeen: forwarder.lastSeen, ttl: forwarder.ttl,
          periodStart: forwarder.periodStart, periodPackets: forwarder.periodPackets, active: isActive, activeWindow,
          sustained: forwarder.periodPackets > this.options.leakPackets || forwarder.lastSeen - forwarder.periodStart > this.options.minActiveWindow,
        });
      }
      if (forwarders.length > 1) forwarders.sort((x, y) => (x.mac < y.mac ? -1 : x.mac > y.mac ? 1 : 0));
      result.push({
        link: flow.link, source: flow.source, group: flow.group, family: flow.family, protocol: flow.protocol, dstPort: flow.dstPort,
        packets: flow.packets, bytes: flow.bytes, firstSeen: flow.firstSeen, lastSeen: flow.lastSeen, macMismatches: flow.macMismatches,
        pps: round(packets / rateWindow), bps: round((bytes * 8) / rateWindow),
        forwarders, duplicated: active > 1,
        payloadFormat: flow.quality.numbering.format, sequenceGaps: flow.quality.numbering.gaps, lostPackets: flow.quality.numbering.lost,
        quality: flow.quality.snapshot(now), leaks: [...flow.leaks],
      });
      this.tellMediaSecond(flow);
    }
    return result;
  }

  private tellMediaSecond(flow: FlowState): void {
    const second = flow.quality.takeCompleted();
    if (second !== null) this.onMediaSecond?.(flow.link, flow.source, flow.group, second);
  }

  /** The flows in link, group, source order; sorted again only when a flow was added. */
  private sorted(): FlowState[] {
    if (this.order === null) {
      const byLinkGroupSource = (flow: FlowState) => `${flow.link}\u0000${flow.group}\u0000${flow.source}`;
      this.order = [...this.flows.values()].map((flow) => [byLinkGroupSource(flow), flow] as const)
        .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([, flow]) => flow);
    }
    return this.order;
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
