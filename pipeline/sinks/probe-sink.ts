/**
 * A probe as a run's sink: what the run decodes and counts on its links goes out as probe records
 * (pipeline/probe/records.ts) for a collector to merge with other probes'. Control packets go one
 * by one; data packets only as counts and flow snapshots, plus the fingerprint sample the data
 * paths follow (DATA_PATH_DEFAULTS.sampleEvery: the collector's correlator takes exactly these).
 * Everything counted before a whole second of packet time is published when time reaches it.
 */
import { hasBadChecksum, type FrameResult, type Packet } from '../../capture/decode.js';
import { DATA_PATH_DEFAULTS } from '../../capture/model/data-paths.js';
import type { FlowChange, FlowSnapshot } from '../../capture/model/flows.js';
import type { LinkActivity, NetworkAnalyzer, ProbeFlowState } from '../../capture/model/network-analyzer.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import { PROBE_RECORD_VERSION, type ProbeRecord, type SecondCounts } from '../probe/records.js';
import type { RunEnd, Sink } from '../run.js';

/** Where records go (pipeline/probe/nats-publisher.ts, or a test's list). */
export interface RecordPublisher {
  publish(record: ProbeRecord): void;
  /** Resolves when the publisher can take more. */
  drain(): Promise<void>;
  /** Sends what is queued and closes. */
  close(): Promise<void>;
}

interface LinkPending {
  changes: FlowChange[];
  media: ProbeFlowState['media'];
  /** By second of packet time. */
  counts: Map<number, { frames: number; decodeErrors: number; flows: Map<string, SecondCounts['flows'][number]> }>;
}

export class ProbeSink implements Sink {
  private second = -Infinity;
  private readonly pending = new Map<string, LinkPending>();
  /** The JSON of each flow's (link|source|group) and each link's last published state: only changes are sent again. */
  private readonly publishedFlows = new Map<string, string>();
  private readonly publishedLinks = new Map<string, string>();
  private hooked = false;
  /** Records handed to the publisher. */
  records = 0;

  constructor(
    private readonly probe: string,
    private readonly publisher: RecordPublisher,
    private readonly sampleEvery = DATA_PATH_DEFAULTS.sampleEvery,
    /** Epoch seconds now: told in ticks (the model never reads it). */
    private readonly wallClock = () => Date.now() / 1000,
  ) {}

  beforeTime(time: number, analyzer: NetworkAnalyzer): void {
    if (!this.hooked) {
      const told = analyzer.flows.onMediaSecond;
      analyzer.flows.onMediaSecond = (link, source, group, second) => {
        told?.(link, source, group, second);
        this.linkPending(link).media.push({ link, source, group, second });
      };
      this.hooked = true;
    }
    const second = Math.floor(time);
    if (second <= this.second) return;
    this.second = second;
    // Timers due by the second run first, so the changes they make are in this second's records.
    analyzer.advance(second);
    this.publishState(second, analyzer);
    this.send({ v: PROBE_RECORD_VERSION, probe: this.probe, type: 'tick', time: second, wall: this.wallClock() });
  }

  decoded(result: FrameResult): void {
    const time = result.ok ? result.packet.time : result.error.time;
    const link = result.ok ? result.packet.link : result.error.link;
    const counts = this.countsOf(link, time);
    counts.frames++;
    if (!result.ok) {
      counts.decodeErrors++;
      return;
    }
    const { packet } = result;
    const { message } = packet;
    if (hasBadChecksum(message)) counts.decodeErrors++;
    if (message.kind === 'data.ipv4' || message.kind === 'data.ipv6') {
      const key = `${message.source}|${message.group}`;
      const flow = counts.flows.get(key) ?? { source: message.source, group: message.group, packets: 0, bytes: 0 };
      counts.flows.set(key, flow);
      flow.packets++;
      flow.bytes += message.length;
      // OSPF (to 224.0.0.5/6) is data by its address; its Router ID names the sending router.
      const sampled = !message.fragment && message.fingerprint % this.sampleEvery === 0;
      if (sampled || packet.ospf !== null) this.sendPacket({ ...packet, message: { ...message, udpPayload: null } });
    } else if (message.kind !== 'other' || packet.ospf !== null) {
      this.sendPacket(packet);
    }
  }

  change(entry: TimelineEntry): void {
    if (entry.area === 'flow') this.linkPending(entry.link).changes.push(entry);
  }

  drain(): Promise<void> {
    return this.publisher.drain();
  }

  /** The last state (at the last frame's time), then the end. */
  async finish(_end: RunEnd, analyzer: NetworkAnalyzer): Promise<void> {
    const now = analyzer.time;
    if (Number.isFinite(now)) {
      this.publishState(now, analyzer);
      this.send({ v: PROBE_RECORD_VERSION, probe: this.probe, type: 'end', time: now });
    }
    await this.publisher.close();
  }

  private publishState(time: number, analyzer: NetworkAnalyzer): void {
    const flowsByLink = new Map<string, FlowSnapshot[]>();
    for (const flow of analyzer.flows.snapshot(time)) {
      const key = `${flow.link}|${flow.source}|${flow.group}`;
      const json = JSON.stringify(flow);
      if (this.publishedFlows.get(key) === json) continue;
      this.publishedFlows.set(key, json);
      const flows = flowsByLink.get(flow.link) ?? [];
      flowsByLink.set(flow.link, flows);
      flows.push(flow);
    }
    const linksChanged = new Map<string, LinkActivity>();
    for (const [link, activity] of analyzer.links) {
      const json = JSON.stringify(activity);
      if (this.publishedLinks.get(link) === json) continue;
      this.publishedLinks.set(link, json);
      linksChanged.set(link, { ...activity });
    }
    const links = new Set([...flowsByLink.keys(), ...linksChanged.keys(), ...this.pending.keys()]);
    for (const link of [...links].sort()) {
      const pending = this.pending.get(link);
      const activity = linksChanged.get(link);
      this.send({
        v: PROBE_RECORD_VERSION, probe: this.probe, type: 'second', link, time,
        changes: pending?.changes ?? [],
        state: { flows: flowsByLink.get(link) ?? [], links: activity ? [{ link, ...activity }] : [], media: pending?.media ?? [] },
        counts: [...(pending?.counts ?? new Map()).entries()].map(([second, count]) => ({
          second, frames: count.frames, decodeErrors: count.decodeErrors, flows: [...count.flows.values()],
        })),
      });
    }
    this.pending.clear();
  }

  private linkPending(link: string): LinkPending {
    let pending = this.pending.get(link);
    if (!pending) {
      pending = { changes: [], media: [], counts: new Map() };
      this.pending.set(link, pending);
    }
    return pending;
  }

  private countsOf(link: string, time: number) {
    const { counts } = this.linkPending(link);
    const second = Math.floor(time);
    let count = counts.get(second);
    if (!count) {
      count = { frames: 0, decodeErrors: 0, flows: new Map() };
      counts.set(second, count);
    }
    return count;
  }

  private sendPacket(packet: Packet): void {
    this.send({ v: PROBE_RECORD_VERSION, probe: this.probe, type: 'packet', packet });
  }

  private send(record: ProbeRecord): void {
    this.records++;
    this.publisher.publish(record);
  }
}
