export * from './types.js';
export { LinkMembership, DEFAULT_LIMITS } from './link-membership.js';
export { RFC_DEFAULTS } from './timers.js';
export { compareAddresses } from './querier.js';
