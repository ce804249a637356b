/**
 * The flows of links other machines capture: each probe counts its links' data packets with its own
 * FlowTracker and publishes, at every whole second of packet time, the snapshots of the flows that
 * changed since its last publication (pipeline/probe/). The collector's model reads them here
 * instead of counting packets it never sees. At a whole second the mirror holds exactly what the
 * probes' trackers held then; between two seconds, what they held at the last one.
 */
import type { FlowChange, FlowModel, FlowSnapshot, MediaSecondListener } from './flows.js';

const flowKey = (flow: { link: string; source: string; group: string }) => `${flow.link}\u0000${flow.group}\u0000${flow.source}`;

export class FlowMirror implements FlowModel {
  /** By link, group, source (the order FlowTracker.snapshot gives). */
  private readonly flows = new Map<string, FlowSnapshot>();
  private order: FlowSnapshot[] | null = null;
  onMediaSecond: MediaSecondListener | null = null;

  /** A probe's flows as they stood at a whole second (only those that changed since its previous one). */
  update(flows: readonly FlowSnapshot[]): void {
    for (const flow of flows) this.flows.set(flowKey(flow), flow);
    if (flows.length > 0) this.order = null;
  }

  snapshot(): FlowSnapshot[] {
    this.order ??= [...this.flows.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([, flow]) => flow);
    return [...this.order];
  }

  /** The probes tell their flows' changes themselves, each at its time (NetworkAnalyzer.onProbeFlowChanges). */
  advance(): FlowChange[] {
    return [];
  }
}
