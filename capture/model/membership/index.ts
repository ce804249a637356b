export * from './types.js';
export { LinkMembership, DEFAULT_LIMITS } from './link-membership.js';
export { RFC_DEFAULTS, LinkParameters } from './timers.js';
export { compareAddresses } from './querier.js';
export { GROUP_RECORD_ACTIONS } from './group-record-actions.js';
