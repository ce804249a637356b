/**
 * The findings engine as a run's sink: packets and changes as they come, the state once a second
 * of packet time (before time moves on, as the store syncs), and a last look at the end.
 */
import type { FrameResult, Packet } from '../../capture/decode.js';
import { FindingsEngine } from '../../capture/findings/engine.js';
import type { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { FindingListener } from '../../capture/findings/tracker.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import type { RunEnd, Sink } from '../run.js';

export class FindingsSink implements Sink {
  readonly engine: FindingsEngine;

  constructor(listener: FindingListener | null = null) {
    this.engine = new FindingsEngine(listener);
  }

  beforeTime(_time: number, analyzer: NetworkAnalyzer): void {
    this.engine.evaluate(analyzer);
  }

  decoded(result: FrameResult): void {
    if (result.ok) this.engine.onPacket(result.packet);
  }

  received(packet: Packet): void {
    this.engine.onPacket(packet);
  }

  change(entry: TimelineEntry): void {
    this.engine.onChange(entry);
  }

  finish(_end: RunEnd, analyzer: NetworkAnalyzer): void {
    this.engine.evaluate(analyzer, true);
  }
}
