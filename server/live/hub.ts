/**
 * The live event hub: analysis runs (an upload, a live capture) publish here, socket.io relays
 * to browsers. Three streams:
 *   - `change`: a timeline entry as it is stored (its link, group and source at the top, for
 *     subscribers to filter on);
 *   - `counters`: once a second, packet and bit rates per flow and per link;
 *   - `upload:progress`: bytes received / analyzed and frames decoded by an upload;
 *   - `finding`: a finding opened or closed (capture/findings/), as the analysis notices it.
 * Publishing never throws and never waits: a listener's error is not the publisher's problem.
 */
import type { FindingEvent } from '../../shapes/findings.js';
import type { CountersMessage, LiveChange, UploadProgress } from '../../shapes/live.js';

export type { CountersMessage, LiveChange, UploadProgress } from '../../shapes/live.js';
export type { FindingEvent } from '../../shapes/findings.js';

export interface HubEvents {
  change: LiveChange;
  counters: CountersMessage;
  'upload:progress': UploadProgress;
  finding: FindingEvent;
}

type Listener<T> = (payload: T) => void;

export class LiveHub {
  private readonly listeners: { [E in keyof HubEvents]: Set<Listener<HubEvents[E]>> } = {
    change: new Set(), counters: new Set(), 'upload:progress': new Set(), finding: new Set(),
  };

  /** Adds a listener; returns the function that removes it. */
  on<E extends keyof HubEvents>(event: E, listener: Listener<HubEvents[E]>): () => void {
    const set = this.listeners[event] as Set<Listener<HubEvents[E]>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  publishChange(change: LiveChange): void {
    this.emit('change', change);
  }

  publishCounters(counters: CountersMessage): void {
    this.emit('counters', counters);
  }

  publishFinding(event: FindingEvent): void {
    this.emit('finding', event);
  }

  publishUploadProgress(progress: UploadProgress): void {
    this.emit('upload:progress', progress);
  }

  private emit<E extends keyof HubEvents>(event: E, payload: HubEvents[E]): void {
    for (const listener of this.listeners[event] as Set<Listener<HubEvents[E]>>) {
      try {
        listener(payload);
      } catch {
        // A failing listener (a closed socket) must not stop the analysis that publishes.
      }
    }
  }
}
