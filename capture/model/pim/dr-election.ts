/**
 * Designated Router election on a link, RFC 7761 §4.3.2.
 *
 * Every router on the link is a candidate (a passive observer sees them all through their Hellos).
 * The DR Priority option counts only when every router advertises it; otherwise the highest
 * address wins. With priorities: the highest priority, then the highest address.
 */
import { compareAddresses } from './address-order.js';

export interface DrCandidate {
  address: string;
  drPriority: number | null;
}

/** RFC 7761 §4.3.2 dr_is_better(a, b): priority when `usePriority`, then the higher address. */
export function isBetterDr(a: DrCandidate, b: DrCandidate, usePriority: boolean): boolean {
  if (usePriority && a.drPriority !== b.drPriority) return a.drPriority! > b.drPriority!;
  return compareAddresses(a.address, b.address) > 0;
}

/** The DR among `candidates` (one pass, so an iterator will do), or null when there is none. */
export function electDesignatedRouter(candidates: Iterable<DrCandidate>): string | null {
  // §4.3.2: if any router on the link did not advertise DR Priority, only addresses count.
  let usePriority = true;
  let bestByPriority: DrCandidate | null = null;
  let bestByAddress: DrCandidate | null = null;
  for (const candidate of candidates) {
    if (candidate.drPriority === null) usePriority = false;
    if (bestByAddress === null || isBetterDr(candidate, bestByAddress, false)) bestByAddress = candidate;
    if (usePriority && (bestByPriority === null || isBetterDr(candidate, bestByPriority, true))) bestByPriority = candidate;
  }
  const best = usePriority ? bestByPriority : bestByAddress;
  return best === null ? null : best.address;
}
