/**
 * Counting what a capture holds: frames, message kinds and group-record kinds per link, decode
 * errors, and multicast data flows. This is the `mcast stats` schema; its names never change.
 */
import { hasBadChecksum, type FrameResult, type PacketMessage } from './decode.js';
import type { MessageKind, RecordKind } from './message-kinds.js';
import { ThreeKeyMap } from './three-key-map.js';

export interface LinkCounts {
  frames: number;
  decodeErrors: number;
  messages: Partial<Record<MessageKind, number>>;
  records: Partial<Record<RecordKind, number>>;
}

export interface FlowCounts {
  link: string;
  source: string;
  group: string;
  packets: number;
  /** Sum of IP lengths (IPv4 total length, IPv6 40 + payload length). */
  bytes: number;
}

export interface DecodeErrorSummary {
  /** `<layer>.<code>`, e.g. `igmp.bad-checksum`. */
  reason: string;
  count: number;
  /** The first frames that had it (a few, to look at in Wireshark). */
  firstFrames: number[];
}

export interface CaptureStats {
  frames: number;
  decodeErrors: number;
  links: Record<string, LinkCounts>;
  flows: FlowCounts[];
  errors: DecodeErrorSummary[];
}

const FIRST_FRAMES_KEPT = 5;

function increment<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

export class StatsCounter {
  private frames = 0;
  private decodeErrors = 0;
  private readonly links = new Map<string, LinkCounts>();
  private readonly flows = new ThreeKeyMap<FlowCounts>();
  private readonly errors = new Map<string, DecodeErrorSummary>();

  add(result: FrameResult): void {
    this.frames++;
    const linkName = result.ok ? result.packet.link : result.error.link;
    let link = this.links.get(linkName);
    if (!link) {
      link = { frames: 0, decodeErrors: 0, messages: {}, records: {} };
      this.links.set(linkName, link);
    }
    link.frames++;
    if (!result.ok) {
      this.countError(link, `${result.error.error.layer}.${result.error.error.code}`, result.error.frame);
      return;
    }
    const message = result.packet.message;
    if (hasBadChecksum(message)) {
      this.countError(link, `${message.kind.slice(0, message.kind.indexOf('.'))}.bad-checksum`, result.packet.frame);
      return;
    }
    increment(link.messages, message.kind);
    this.countRecords(link, message);
    if (message.kind === 'data.ipv4' || message.kind === 'data.ipv6') {
      let flow = this.flows.get(linkName, message.source, message.group);
      if (!flow) {
        flow = { link: linkName, source: message.source, group: message.group, packets: 0, bytes: 0 };
        this.flows.set(linkName, message.source, message.group, flow);
      }
      flow.packets++;
      flow.bytes += message.length;
    }
  }

  private countError(link: LinkCounts, reason: string, frame: number): void {
    this.decodeErrors++;
    link.decodeErrors++;
    const summary = this.errors.get(reason) ?? { reason, count: 0, firstFrames: [] };
    summary.count++;
    if (summary.firstFrames.length < FIRST_FRAMES_KEPT) summary.firstFrames.push(frame);
    this.errors.set(reason, summary);
  }

  private countRecords(link: LinkCounts, message: PacketMessage): void {
    if (message.kind === 'igmp.v3.report') {
      for (const record of message.records) increment(link.records, `igmp.v3.${record.type}` as RecordKind);
    } else if (message.kind === 'mld.v2.report') {
      for (const record of message.records) increment(link.records, `mld.v2.${record.type}` as RecordKind);
    }
  }

  result(): CaptureStats {
    const links: Record<string, LinkCounts> = {};
    for (const name of [...this.links.keys()].sort()) links[name] = this.links.get(name)!;
    const flows = [...this.flows.values()].sort(
      (a, b) => a.link.localeCompare(b.link) || a.group.localeCompare(b.group) || a.source.localeCompare(b.source),
    );
    const errors = [...this.errors.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    return { frames: this.frames, decodeErrors: this.decodeErrors, links, flows, errors };
  }
}
