/**
 * The PIMv2 common header (RFC 7761 §4.9) and the message type codes.
 *
 *    0       4       8              16                              32
 *   | Ver=2 | Type  |   Reserved    |           Checksum            |
 *
 * The Reserved byte carries type-specific flags (RFC 8736 §3); the only one decoded here is the
 * Bootstrap No-Forward bit (RFC 5059 §4.1). Types 0-9 are decoded; 10 (DF Election, RFC 5015),
 * 11 (ECMP Redirect, RFC 6754), 12 (PFM, RFC 8364), 13 (type space extension, RFC 8736) and
 * 14-15 (reserved) become `other` records.
 */

export const PIM_VERSION = 2;
export const PIM_HEADER_LENGTH = 4;
export const PIM_FLAGS_OFFSET = 1;

/** RFC 7761 §4.9 (0-5, 8), RFC 3973 §4.7 (6, 7, 9). */
export const PimType = {
  hello: 0,
  register: 1,
  registerStop: 2,
  joinPrune: 3,
  bootstrap: 4,
  assert: 5,
  graft: 6,
  graftAck: 7,
  candidateRpAdvertisement: 8,
  stateRefresh: 9,
} as const;
