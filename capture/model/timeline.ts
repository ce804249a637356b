/**
 * Every state change the analysis sees, in packet time: the `--timeline` output and the store's feed.
 * Every entry names the link, group and source it concerns at its top level (null where it has none).
 */
import type { FlowChange } from './flows.js';
import type { MembershipChange } from './membership/index.js';
import type { PimChange } from './pim/index.js';

export type TimelineEntry =
  | ({ area: 'membership' } & MembershipChange)
  | ({ area: 'pim' } & PimChange)
  | ({ area: 'flow' } & FlowChange)
  | { area: 'tree'; time: number; link: null; group: string; source: string; kind: 'spt-switchover'; detail: { router: string | null } }
  /** Which interfaces are one router changed (new evidence joined or named them): routers.ts. */
  | { area: 'router'; time: number; link: string; group: null; source: null; kind: 'routers-changed'; detail: { routers: number; interfaces: number } };

export type TimelineListener = (entry: TimelineEntry) => void;
