/**
 * Turns decoded IGMP/MLD messages into the observations the membership state machines take.
 * Versions follow the message kinds (RFC 3376 §7.1 for IGMP queries, RFC 3810 §8.1 for MLD);
 * older reports become one IS_EX({}) record (RFC 3376 §7.3.2, RFC 3810 §8.3.2).
 */
import type { Packet } from '../decode.js';
import type { ObservedLeave, ObservedQuery, ObservedReport } from './membership/index.js';

export type MembershipObservation =
  | { type: 'report'; report: ObservedReport }
  | { type: 'leave'; leave: ObservedLeave }
  | { type: 'query'; query: ObservedQuery };

/**
 * The last packet asked about and its observation: the analyzer and the findings engine ask about
 * each IGMP/MLD packet one after the other, and get the same (read-only) observation.
 */
let lastPacket: Packet | null = null;
let lastObservation: MembershipObservation | null = null;

/** The observation a packet gives, or null when it is not IGMP/MLD membership traffic. */
export function membershipObservation(packet: Packet): MembershipObservation | null {
  if (packet !== lastPacket) {
    lastObservation = observationOf(packet);
    lastPacket = packet;
  }
  return lastObservation;
}

function observationOf(packet: Packet): MembershipObservation | null {
  const { message, ip, time, link } = packet;
  if (ip === null) return null;
  const { family } = ip;
  switch (message.kind) {
    case 'igmp.v1.report':
    case 'igmp.v2.report':
      return { type: 'report', report: { time, link, family, protocol: 'igmp', version: message.kind === 'igmp.v1.report' ? 1 : 2, reporter: ip.src, records: [{ type: 'IS_EX', group: message.group, sources: [] }] } };
    case 'mld.v1.report':
      return { type: 'report', report: { time, link, family, protocol: 'mld', version: 1, reporter: ip.src, records: [{ type: 'IS_EX', group: message.multicastAddress, sources: [] }] } };
    case 'igmp.v3.report':
      return { type: 'report', report: { time, link, family, protocol: 'igmp', version: 3, reporter: ip.src, records: message.records } };
    case 'mld.v2.report':
      return {
        type: 'report',
        report: { time, link, family, protocol: 'mld', version: 2, reporter: ip.src, records: message.records.map((r) => ({ type: r.type, group: r.multicastAddress, sources: r.sources })) },
      };
    case 'igmp.v2.leave':
      return { type: 'leave', leave: { time, link, family, protocol: 'igmp', version: 2, reporter: ip.src, group: message.group } };
    case 'mld.v1.done':
      return { type: 'leave', leave: { time, link, family, protocol: 'mld', version: 1, reporter: ip.src, group: message.multicastAddress } };
    case 'igmp.v1.query':
      return { type: 'query', query: { time, link, family, protocol: 'igmp', version: 1, querier: ip.src, group: null, sources: [], maxRespSeconds: 0, suppressRouterSide: false, qrv: null, qqiSeconds: null } };
    case 'igmp.v2.query.general':
    case 'igmp.v2.query.group':
      return {
        type: 'query',
        query: { time, link, family, protocol: 'igmp', version: 2, querier: ip.src, group: message.kind === 'igmp.v2.query.group' ? message.group : null, sources: [], maxRespSeconds: message.maxRespSeconds, suppressRouterSide: false, qrv: null, qqiSeconds: null },
      };
    case 'mld.v1.query.general':
    case 'mld.v1.query.address':
      return {
        type: 'query',
        query: { time, link, family, protocol: 'mld', version: 1, querier: ip.src, group: message.kind === 'mld.v1.query.address' ? message.multicastAddress : null, sources: [], maxRespSeconds: message.maxRespSeconds, suppressRouterSide: false, qrv: null, qqiSeconds: null },
      };
    case 'igmp.v3.query.general':
    case 'igmp.v3.query.group':
    case 'igmp.v3.query.group-source':
    case 'mld.v2.query.general':
    case 'mld.v2.query.address':
    case 'mld.v2.query.address-source': {
      const group = 'group' in message ? message.group : message.multicastAddress;
      const protocol = message.kind.startsWith('igmp') ? 'igmp' : 'mld';
      return {
        type: 'query',
        query: {
          time, link, family, protocol, version: protocol === 'igmp' ? 3 : 2, querier: ip.src,
          group: message.kind.endsWith('.general') ? null : group, sources: message.sources, maxRespSeconds: message.maxRespSeconds,
          suppressRouterSide: message.suppressRouterSideProcessing,
          // QRV 0 means "more than 7": the receiver keeps its own value (RFC 3376 §4.1.6, RFC 3810 §5.1.8).
          qrv: message.qrv === 0 ? null : message.qrv, qqiSeconds: message.queryIntervalSeconds,
        },
      };
    }
    default:
      return null;
  }
}
