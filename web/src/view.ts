/** What every view gets from the shell, and what it gives back. */
import type { Change, Counters, Router } from './types.js';

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
  onChange?(change: Change): void;
  onCounters?(counters: Counters): void;
  dispose?(): void;
}
