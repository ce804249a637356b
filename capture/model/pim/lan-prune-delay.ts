/**
 * How long a Prune on a LAN waits for a Join that overrides it, RFC 7761 §4.3.3 and §4.5.
 *
 * The upstream router computes over its neighbors on the link (everyone but itself):
 *   lan_delay_enabled            every neighbor sent the LAN Prune Delay option
 *   Effective_Propagation_Delay  max of their Propagation Delays if enabled, else Propagation_Delay_default (0.5 s)
 *   Effective_Override_Interval  max of their Override Intervals if enabled, else t_override_default (2.5 s)
 *   J/P_Override_Interval        Effective_Propagation_Delay + Effective_Override_Interval
 * The Prune-Pending Timer runs for J/P_Override_Interval, or 0 when the pruning router is the
 * upstream's only neighbor (§4.5.2: nobody could override).
 */
import type { PimDefaults } from './types.js';
import type { Neighbor } from './neighbors.js';

const MILLISECONDS = 1000;

/** J/P_Override_Interval(I) in seconds, as the router `upstream` computes it. */
export function joinPruneOverrideInterval(
  neighbors: Iterable<Neighbor>, upstream: string, defaults: Pick<PimDefaults, 'propagationDelay' | 'overrideInterval'>,
): number {
  let lanDelayEnabled = true;
  let counted = 0;
  let propagationDelayMs = 0;
  let overrideIntervalMs = 0;
  for (const neighbor of neighbors) {
    if (neighbor.address === upstream) continue;
    counted++;
    const option = neighbor.lanPruneDelay;
    if (option === null) {
      lanDelayEnabled = false;
      break;
    }
    propagationDelayMs = Math.max(propagationDelayMs, option.propagationDelayMs);
    overrideIntervalMs = Math.max(overrideIntervalMs, option.overrideIntervalMs);
  }
  if (!lanDelayEnabled || counted === 0) return defaults.propagationDelay + defaults.overrideInterval;
  return (propagationDelayMs + overrideIntervalMs) / MILLISECONDS;
}

/**
 * The Prune-Pending time for a Prune from `pruner` to `upstream`: 0 when the pruner is known to be
 * the upstream's only neighbor, else J/P_Override_Interval. With no Hello seen from the link, the
 * neighbors are unknown and the override interval applies.
 */
export function prunePendingTime(
  neighbors: ReadonlyMap<string, Neighbor> | undefined, pruner: string, upstream: string,
  defaults: Pick<PimDefaults, 'propagationDelay' | 'overrideInterval'>,
): number {
  if (!neighbors) return defaults.propagationDelay + defaults.overrideInterval;
  const othersThanUpstream = neighbors.size - (neighbors.has(upstream) ? 1 : 0);
  if (othersThanUpstream === 1 && neighbors.has(pruner)) return 0;
  return joinPruneOverrideInterval(neighbors.values(), upstream, defaults);
}
