/** PIM-SM state of a capture (RFC 7761, RFC 5059): see pim-state.ts for the map of files. */
export { PimState, PIM_DEFAULTS, PIM_LIMITS } from './pim-state.js';
export { electDesignatedRouter, isBetterDr, type DrCandidate } from './dr-election.js';
export { joinPruneOverrideInterval, prunePendingTime } from './lan-prune-delay.js';
export { isBetterAssert, type AssertMetric } from './asserts.js';
export { isPreferredBsr } from './rp.js';
export { chooseRp, hashDigest, rpHashValue, type RpCandidate, type RpChoice } from './rp-hash.js';
export { compareAddresses } from './address-order.js';
export type * from './types.js';
