/**
 * The names of every message kind and record kind mcast counts. They are a stable public schema
 * (`mcast stats --json`, the database, the API): never rename one.
 */
export const MESSAGE_KINDS = [
  'igmp.v1.report', 'igmp.v2.report', 'igmp.v2.leave', 'igmp.v3.report',
  'igmp.v1.query', 'igmp.v2.query.general', 'igmp.v2.query.group',
  'igmp.v3.query.general', 'igmp.v3.query.group', 'igmp.v3.query.group-source',
  'mld.v1.query.general', 'mld.v1.query.address', 'mld.v1.report', 'mld.v1.done',
  'mld.v2.query.general', 'mld.v2.query.address', 'mld.v2.query.address-source', 'mld.v2.report',
  'pim.hello', 'pim.register', 'pim.null-register', 'pim.register-stop', 'pim.join-prune',
  'pim.assert', 'pim.bootstrap', 'pim.c-rp-adv', 'pim.graft', 'pim.graft-ack', 'pim.state-refresh',
  'data.ipv4', 'data.ipv6',
  'other',
] as const;

export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** IGMPv3 (RFC 3376 §4.2.12) and MLDv2 (RFC 3810 §5.2.12) group record types, by wire value 1..6. */
export const GROUP_RECORD_TYPES = ['IS_IN', 'IS_EX', 'TO_IN', 'TO_EX', 'ALLOW', 'BLOCK'] as const;
export type GroupRecordType = (typeof GROUP_RECORD_TYPES)[number];

export type RecordKind = `igmp.v3.${GroupRecordType}` | `mld.v2.${GroupRecordType}`;
