/**
 * A run's changes (and, for live capture, each second's rates) published to the live hub that
 * socket.io relays to browsers (server/live). The sink knows the hub only as a publisher of the
 * live shapes (shapes/live.ts).
 */
import type { FindingListener } from '../../capture/findings/tracker.js';
import type { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import type { FindingEvent } from '../../shapes/findings.js';
import type { CountersMessage, FlowRate, LinkRate, LiveChange } from '../../shapes/live.js';
import type { FlowState } from '../../shapes/snapshot.js';
import type { Sink } from '../run.js';

export interface LivePublisher {
  publishChange(change: LiveChange): void;
  publishCounters(counters: CountersMessage): void;
  publishFinding(event: FindingEvent): void;
}

/** A findings engine's listener that publishes each finding opened or closed, with the capture it belongs to. */
export function findingPublisher(publisher: LivePublisher, captureId: number | null): FindingListener {
  return (time, change, finding) => publisher.publishFinding({ captureId, time, change, finding });
}

/** A timeline entry as the live stream carries it: the stored change's shape, with the capture it belongs to. */
export function liveChangeOf(entry: TimelineEntry, captureId: number | null = null): LiveChange {
  const { time, area, kind, link, group, source, detail } = entry;
  return { captureId, time, area, kind, link, group, source, detail };
}

/** Rates per flow, and their sums per link. */
export function countersOf(time: number, flows: readonly Pick<FlowState, 'link' | 'source' | 'group' | 'pps' | 'bps'>[]): CountersMessage {
  const links = new Map<string, LinkRate>();
  const rates: FlowRate[] = [];
  for (const flow of flows) {
    rates.push({ link: flow.link, source: flow.source, group: flow.group, pps: flow.pps, bps: flow.bps });
    const link = links.get(flow.link) ?? { link: flow.link, pps: 0, bps: 0 };
    link.pps += flow.pps;
    link.bps += flow.bps;
    links.set(flow.link, link);
  }
  return { time, flows: rates, links: [...links.values()].sort((a, b) => a.link.localeCompare(b.link)) };
}

export interface LiveSinkOptions {
  /** The store's capture id the changes belong to, if they are stored. */
  captureId: number | null;
  /** Publish the flows' rates once per second of packet time (live capture; a file read at full speed would flood). */
  counters: boolean;
}

export function liveSink(publisher: Pick<LivePublisher, 'publishChange' | 'publishCounters'>, options: LiveSinkOptions): Sink {
  let lastSecond = -Infinity;
  return {
    change: (entry) => publisher.publishChange(liveChangeOf(entry, options.captureId)),
    beforeTime: options.counters ? (time: number, analyzer: NetworkAnalyzer) => {
      const second = Math.floor(time);
      if (second <= lastSecond || !Number.isFinite(analyzer.time)) return;
      lastSecond = second;
      publisher.publishCounters(countersOf(second, analyzer.flows.snapshot(time)));
    } : undefined,
  };
}
