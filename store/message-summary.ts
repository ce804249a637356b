/**
 * One line per IGMP/MLD/PIM message for the `messages` table, written for an engineer scanning a
 * capture: the message in the RFCs' own words, the group(s) and sources, and the few fields that
 * decide what a router does with it (max response time, holdtime, RP, upstream neighbor, metric).
 *
 *   igmp.v3.report       "v3 Report: IS_EX 239.1.1.1 {}; TO_IN 232.1.1.1 {10.0.1.10}"
 *   igmp.v2.query.group  "v2 Group Query 239.1.1.1, max resp 1 s"
 *   pim.join-prune       "Join/Prune → 10.0.23.2, holdtime 70 s: Join (*,239.1.1.1) RP 10.255.0.2"
 *   pim.register         "Register (10.0.1.10,239.1.1.1) → RP 10.255.0.2"
 *
 * Also the `groups` column: the group(s) a message is about (prefixes for BSR/C-RP ranges).
 */
import type { ControlMessage, Packet } from '../capture/decode.js';
import type { GroupRecordType } from '../capture/message-kinds.js';
import type { EncodedGroup, EncodedSource, JoinPruneGroup } from '../capture/protocols/pim.js';

export interface MessageSummary {
  groups: string | null;
  summary: string;
}

/** Records listed in a report summary before "… N more". */
const MAX_RECORDS_LISTED = 4;
/** Sources listed per record or entry before "… N more". */
const MAX_SOURCES_LISTED = 6;

type Summarizer<M> = (message: M, packet: Packet) => MessageSummary;
/** The message type(s) whose `kind` union includes K. */
type MessageOfKind<K, M = ControlMessage> = M extends { kind: infer Kinds } ? (K extends Kinds ? M : never) : never;
type ByKind = { [K in ControlMessage['kind']]: Summarizer<MessageOfKind<K>> };

function list(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(' ') : `${items.slice(0, max).join(' ')} … ${items.length - max} more`;
}

function sourceSet(sources: readonly string[]): string {
  return `{${list(sources, MAX_SOURCES_LISTED)}}`;
}

function groupText(group: EncodedGroup): string {
  return group.maskLength === (group.family === 4 ? 32 : 128) ? group.address : `${group.address}/${group.maskLength}`;
}

function joined(groups: readonly string[]): string | null {
  const unique = [...new Set(groups)];
  return unique.length === 0 ? null : unique.join(',');
}

function one(group: string | null, summary: string): MessageSummary {
  return { groups: group === null || isUnspecified(group) ? null : group, summary };
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function records(name: string, entries: readonly { type: GroupRecordType; group: string; sources: string[] }[]): MessageSummary {
  const shown = entries.slice(0, MAX_RECORDS_LISTED).map((entry) => `${entry.type} ${entry.group} ${sourceSet(entry.sources)}`);
  if (entries.length > MAX_RECORDS_LISTED) shown.push(`… ${entries.length - MAX_RECORDS_LISTED} more records`);
  return { groups: joined(entries.map((entry) => entry.group)), summary: `${name}: ${shown.join('; ') || 'no records'}` };
}

/** RFC 3376 §4.1 / RFC 3810 §5.1: a query's scope is told by its group/address and source list. */
function query(version: string, group: string, sources: readonly string[], maxRespSeconds: number, extra = ''): MessageSummary {
  const scope = isUnspecified(group) ? 'General Query' : sources.length > 0 ? `Group-and-Source Query ${group} ${sourceSet(sources)}` : `Group Query ${group}`;
  return one(group, `${version} ${scope}, max resp ${maxRespSeconds} s${extra}`);
}

function entryText(entry: EncodedSource, group: string): string {
  if (entry.entryType === '*,G') return `(*,${group})`;
  return entry.entryType === 'S,G,rpt' ? `(${entry.address},${group},rpt)` : `(${entry.address},${group})`;
}

/** RFC 7761 §4.9.5: each group lists joined then pruned sources; a (*,G) entry's address is the RP. */
function joinPruneEntries(groups: readonly JoinPruneGroup[]): string {
  const parts: string[] = [];
  for (const entry of groups) {
    const group = groupText(entry.group);
    const joins = entry.joinedSources.map((source) => entryText(source, group) + (source.entryType === '*,G' ? ` RP ${source.address}` : ''));
    const prunes = entry.prunedSources.map((source) => entryText(source, group));
    if (joins.length > 0) parts.push(`Join ${list(joins, MAX_SOURCES_LISTED)}`);
    if (prunes.length > 0) parts.push(`Prune ${list(prunes, MAX_SOURCES_LISTED)}`);
  }
  return parts.join('; ') || 'no groups';
}

const SUMMARIZERS: ByKind = {
  'igmp.v1.report': (m) => one(m.group, `v1 Report ${m.group}`),
  'igmp.v2.report': (m) => one(m.group, `v2 Report ${m.group}`),
  'igmp.v2.leave': (m) => one(m.group, `v2 Leave ${m.group}`),
  'igmp.v3.report': (m) => records('v3 Report', m.records),
  'igmp.v1.query': () => one(null, 'v1 General Query'),
  'igmp.v2.query.general': (m) => query('v2', m.group, [], m.maxRespSeconds),
  'igmp.v2.query.group': (m) => query('v2', m.group, [], m.maxRespSeconds),
  'igmp.v3.query.general': (m) => query('v3', m.group, m.sources, m.maxRespSeconds, `, QRV ${m.qrv}, QQI ${m.queryIntervalSeconds} s${m.suppressRouterSideProcessing ? ', S' : ''}`),
  'igmp.v3.query.group': (m) => query('v3', m.group, m.sources, m.maxRespSeconds, m.suppressRouterSideProcessing ? ', S' : ''),
  'igmp.v3.query.group-source': (m) => query('v3', m.group, m.sources, m.maxRespSeconds, m.suppressRouterSideProcessing ? ', S' : ''),
  'mld.v1.query.general': (m) => query('MLDv1', m.multicastAddress, [], m.maxRespSeconds),
  'mld.v1.query.address': (m) => query('MLDv1', m.multicastAddress, [], m.maxRespSeconds),
  'mld.v1.report': (m) => one(m.multicastAddress, `MLDv1 Report ${m.multicastAddress}`),
  'mld.v1.done': (m) => one(m.multicastAddress, `MLDv1 Done ${m.multicastAddress}`),
  'mld.v2.query.general': (m) => query('MLDv2', m.multicastAddress, m.sources, m.maxRespSeconds, `, QRV ${m.qrv}, QQI ${m.queryIntervalSeconds} s${m.suppressRouterSideProcessing ? ', S' : ''}`),
  'mld.v2.query.address': (m) => query('MLDv2', m.multicastAddress, m.sources, m.maxRespSeconds, m.suppressRouterSideProcessing ? ', S' : ''),
  'mld.v2.query.address-source': (m) => query('MLDv2', m.multicastAddress, m.sources, m.maxRespSeconds, m.suppressRouterSideProcessing ? ', S' : ''),
  'mld.v2.report': (m) => records('MLDv2 Report', m.records.map((record) => ({ type: record.type, group: record.multicastAddress, sources: record.sources }))),
  'pim.hello': (m) => one(null, m.holdtime === 0 ? 'Hello, holdtime 0 (goodbye)' : [
    `Hello, holdtime ${m.holdtime ?? 'default'} s`,
    m.drPriority === null ? null : `DR priority ${m.drPriority}`,
    m.generationId === null ? null : `GenID 0x${m.generationId.toString(16).padStart(8, '0')}`,
    m.secondaryAddresses.length > 0 ? `addresses ${list(m.secondaryAddresses.map((entry) => entry.address), MAX_SOURCES_LISTED)}` : null,
  ].filter((part) => part !== null).join(', ')),
  'pim.register': (m, p) => one(m.innerGroup, `Register${m.border ? ' (border)' : ''} (${m.innerSource},${m.innerGroup}) → RP ${p.ip?.dst ?? '?'}`),
  'pim.null-register': (m, p) => one(m.innerGroup, `Null-Register (${m.innerSource},${m.innerGroup}) → RP ${p.ip?.dst ?? '?'}`),
  'pim.register-stop': (m, p) => one(groupText(m.group), `Register-Stop (${isUnspecified(m.source.address) ? '*' : m.source.address},${groupText(m.group)}) → DR ${p.ip?.dst ?? '?'}`),
  'pim.join-prune': (m) => ({
    groups: joined(m.groups.map((entry) => groupText(entry.group))),
    summary: `Join/Prune → ${m.upstreamNeighbor.address}, holdtime ${m.holdtime} s: ${joinPruneEntries(m.groups)}`,
  }),
  'pim.graft': (m) => ({ groups: joined(m.groups.map((entry) => groupText(entry.group))), summary: m.upstreamNeighbor === null ? 'Graft (header only)' : `Graft → ${m.upstreamNeighbor.address}: ${joinPruneEntries(m.groups)}` }),
  'pim.graft-ack': (m) => ({ groups: joined(m.groups.map((entry) => groupText(entry.group))), summary: `Graft-Ack: ${joinPruneEntries(m.groups)}` }),
  'pim.assert': (m) => {
    const group = groupText(m.group);
    const entry = isUnspecified(m.source.address) ? `(*,${group})` : `(${m.source.address},${group})`;
    return one(group, m.isCancel ? `Assert Cancel ${entry}` : `Assert ${entry}${m.rpt ? ' RPT' : ''}, preference ${m.metricPreference}, metric ${m.metric}`);
  },
  'pim.bootstrap': (m) => ({
    groups: joined(m.groups.map((entry) => groupText(entry.group))),
    summary: `Bootstrap BSR ${m.bsrAddress.address} priority ${m.bsrPriority}, hash mask ${m.hashMaskLength}: `
      + (m.groups.map((entry) => `${groupText(entry.group)} → ${list(entry.rps.map((rp) => rp.address.address), MAX_SOURCES_LISTED) || 'no RP'}`).join('; ') || 'no group ranges'),
  }),
  'pim.c-rp-adv': (m) => ({
    groups: joined(m.groups.map(groupText)),
    summary: `C-RP-Adv RP ${m.rpAddress.address} priority ${m.priority}, holdtime ${m.holdtime} s: ${list(m.groups.map(groupText), MAX_SOURCES_LISTED) || '224.0.0.0/4 (all)'}`,
  }),
  'pim.state-refresh': (m) => one(groupText(m.group), `State-Refresh (${m.source.address},${groupText(m.group)}) from ${m.originator.address}, interval ${m.intervalSeconds} s${m.pruneIndicator ? ', prune' : ''}`),
};

function isControl(message: Packet['message']): message is ControlMessage {
  return message.kind !== 'other' && message.kind !== 'data.ipv4' && message.kind !== 'data.ipv6';
}

const BAD_CHECKSUM = ' [bad checksum]';

/** The summary of a control message, or null for data and other traffic. */
export function summarizeMessage(packet: Packet): MessageSummary | null {
  const message = packet.message;
  if (!isControl(message)) return null;
  const summarize = SUMMARIZERS[message.kind] as Summarizer<ControlMessage>;
  const result = summarize(message, packet);
  return message.checksum === 'bad' ? { groups: result.groups, summary: result.summary + BAD_CHECKSUM } : result;
}
