/** What every view gets from the shell, and what it gives back. */
import type { CountersMessage, LiveChange } from '../../shapes/live.js';
import type { Router } from '../../shapes/snapshot.js';

export interface DashboardContext {
  /** The moment shown, or null while following the end of the data (live). */
  at(): number | null;
  /** `{ at }` for API queries (empty while following the end). */
  atQuery(): { at?: number };
  /** A router's display name (its name, else its id) from the routers last seen. */
  routerName(id: string): string;
  rememberRouters(routers: Router[]): void;
  /** The latest live rates, per `link|source|group`. */
  liveRate(link: string, source: string, group: string): { pps: number; bps: number } | undefined;
}

export interface View {
  element: HTMLElement;
  refresh(): Promise<void>;
  onChange?(change: LiveChange): void;
  onCounters?(counters: CountersMessage): void;
  dispose?(): void;
}
