/** Every state change the analysis sees, in packet time: the `--timeline` output and the store's feed. */
import type { FlowChange } from './flows.js';
import type { MembershipChange } from './membership/index.js';
import type { PimChange } from './pim/index.js';

export type TimelineEntry =
  | ({ area: 'membership' } & MembershipChange)
  | ({ area: 'pim' } & PimChange)
  | ({ area: 'flow' } & FlowChange)
  | { area: 'tree'; time: number; kind: 'spt-switchover'; source: string; group: string; detail: { router: string | null } };

export type TimelineListener = (entry: TimelineEntry) => void;
