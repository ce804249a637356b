/** What `mcast capture` says at the end: frames, messages, kernel counters per link, the membership and flows. */
import type { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { LinkCounters } from '../../pipeline/live-source.js';
import type { AnalysisRun } from '../../pipeline/run.js';
import type { PublisherCounts } from '../../pipeline/probe/nats.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import { escapeControl } from './escape.js';
import { formatTable } from './format-table.js';

/** Event-loop delay (p99 over one interval) above which the capture is said to fall behind. */
export const LAG_WARNING_MS = 250;

export interface CaptureSummary {
  type: 'summary';
  started: number;
  ended: number;
  frames: number;
  messages: number;
  decodeErrors: number;
  flows: number;
  links: LinkCounters[];
  sequenceGaps: number;
  lostPackets: number;
  maxEventLoopLagMs: number;
  maxBurstFrames: number;
  written: string | null;
  /** What went to the collector (capture --publish), else absent. */
  published?: { probe: string } & PublisherCounts;
  snapshot: NetworkSnapshot;
}

export function buildSummary(
  run: Pick<AnalysisRun, 'frames' | 'messages' | 'decodeErrors'> & { analyzer: NetworkAnalyzer },
  times: { started: number; ended: number }, links: LinkCounters[], health: { maxLagMs: number; maxBurstFrames: number }, written: string | null,
): CaptureSummary {
  const snapshot = run.analyzer.snapshot(times.ended);
  const flowDetails = run.analyzer.flows.snapshot(times.ended);
  return {
    type: 'summary', started: times.started, ended: times.ended,
    frames: run.frames, messages: run.messages, decodeErrors: run.decodeErrors, flows: snapshot.flows.length, links,
    sequenceGaps: flowDetails.reduce((sum, flow) => sum + flow.sequenceGaps, 0),
    lostPackets: flowDetails.reduce((sum, flow) => sum + flow.lostPackets, 0),
    maxEventLoopLagMs: Math.round(health.maxLagMs), maxBurstFrames: health.maxBurstFrames, written, snapshot,
  };
}

export function formatSummary(summary: CaptureSummary): string {
  const seconds = (summary.ended - summary.started).toFixed(1);
  const lines = [
    `captured ${seconds} s: ${summary.frames} frames, ${summary.messages} IGMP/MLD/PIM messages, ${summary.decodeErrors} decode errors, ${summary.flows} flows`,
    '',
    formatTable(['link', 'device', 'frames', 'kernel rx', 'dropped', 'missed', 'fifo'], summary.links.map((link) => [
      link.link, link.device, link.frames, link.kernel?.rxPackets ?? '-', link.kernel?.rxDropped ?? '-', link.kernel?.rxMissed ?? '-', link.kernel?.rxFifoErrors ?? '-',
    ])),
    `(kernel counters over the capture count every frame on the interface, not only those the filter keeps; drops inside libpcap's buffer are not visible)`,
    '',
    'membership at the end',
    summary.snapshot.memberships.length === 0 ? '  (none)' : formatTable(['link', 'group', 'mode', 'sources', 'reporters', 'ver'], summary.snapshot.memberships.map((m) => [
      m.link, m.group, m.mode, m.sources.join(' ') || '-', m.reporters.join(' ') || '-', m.version,
    ])),
    '',
    'flows',
    summary.snapshot.flows.length === 0 ? '  (none)' : formatTable(['link', 'source', 'group', 'packets', 'pps', 'format', 'gaps', 'lost'], summary.snapshot.flows.map((f) => [
      f.link, f.source, f.group, f.packets, f.pps, f.payloadFormat ?? '-', f.sequenceGaps ?? '-', f.lostPackets ?? '-',
    ])),
  ];
  if (summary.maxEventLoopLagMs >= LAG_WARNING_MS) lines.push('', `the capture fell behind: event-loop lag up to ${summary.maxEventLoopLagMs} ms`);
  if (summary.written !== null) lines.push('', `written to ${escapeControl(summary.written)}`);
  if (summary.published) {
    const { probe, published, dropped, retries } = summary.published;
    lines.push('', `published as probe ${probe}: ${published} records${dropped > 0 ? `, ${dropped} dropped while the server was away (queue full)` : ''}${retries > 0 ? `, ${retries} retries` : ''}`);
  }
  return lines.join('\n');
}
