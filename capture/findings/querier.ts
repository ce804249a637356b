/**
 * Queriers and the hosts they serve (RFC 3376 IGMPv3, RFC 3810 MLDv2, with RFC 2236 / 2710):
 *   querier.missing                 members and no General Query for an Other Querier Present Interval (§8.5 / §9.5)
 *   querier.conflict                two routers still sending General Queries past the election (§6.6.2 / §7.6.2)
 *   querier.version-mismatch        hosts reporting at another version than the querier's (§7.2.1, §7.3.2 / §8.2.1, §8.3.2)
 *   querier.missing-specific-query  a Leave, Done or TO_IN({}) not followed by a group-specific query (§6.4.2 / §7.4.2, RFC 2236 §3)
 * Only what the wire shows: a query counts when it is seen. Link-local groups (224.0.0.0/24, ff02::/16)
 * are left out: routers keep no state for them (RFC 3376 §6, RFC 3810 §6).
 */
import { isRoutable } from '../model/trees.js';
import { compareAddresses } from '../ip/address-format.js';
import type { MembershipObservation } from '../model/membership-observations.js';
import type { GroupSnapshot, LinkMembershipSnapshot } from '../model/membership/types.js';
import type { Condition, FindingsTracker } from './tracker.js';

/** RFC 3376 §8.2 / RFC 3810 §9.2 default Query Interval, when the query carries none. */
const DEFAULT_QUERY_INTERVAL = 125;
/** A router that heard the winner's query has this long (a Query Response Interval) before its own next query counts against it. */
const ELECTION_GRACE = 10;
/** Time allowed on top of the Last Member Query Interval for a specific query to come (scheduling, capture clocks). */
const SPECIFIC_QUERY_SLACK = 1;

const protocolName = (family: 4 | 6) => (family === 4 ? 'IGMP' : 'MLD');
const rfc = (family: 4 | 6, igmp: string, mld: string) => (family === 4 ? `RFC 3376 ${igmp}` : `RFC 3810 ${mld}`);

interface QuerySender {
  firstAt: number;
  lastAt: number;
  version: number;
  /** The sender's Query Interval: its QQIC, else the longest gap seen between its queries, else the default. */
  queryInterval: number;
  longestGap: number;
}

interface PendingQuery {
  link: string;
  family: 4 | 6;
  group: string;
  host: string;
  what: string;
  at: number;
  deadline: number;
}

/**
 * The groups of a link's list that have members, kept per list: a link whose groups did not change
 * hands out the same list (membership/link-membership.ts), as snapshot.ts's rows do.
 */
const membersOfList = new WeakMap<readonly GroupSnapshot[], ReadonlySet<string>>();

function groupsWithMembers(groups: readonly GroupSnapshot[]): ReadonlySet<string> {
  let members = membersOfList.get(groups);
  if (members === undefined) membersOfList.set(groups, members = new Set(groups.filter((group) => group.reporters.length > 0).map((group) => group.group)));
  return members;
}

export class QuerierFindings {
  /** `link|family` → General Query senders. */
  private readonly generalQueries = new Map<string, Map<string, QuerySender>>();
  /** `link|family` → host → version of its latest report, and when. */
  private readonly hosts = new Map<string, Map<string, { version: number; at: number; highest: number; fellBackAt: number | null }>>();
  private readonly pending: PendingQuery[] = [];
  /** `link|family|group` → when its latest group-specific (or group-and-source) query was seen. */
  private readonly specificQueries = new Map<string, number>();
  /** `link|family` → the groups with members there at the latest evaluation: a Leave for them needs a query. */
  private membered = new Map<string, ReadonlySet<string>>();
  /** Last Member Query Interval per `link|family`, as the latest evaluation had it. */
  private readonly lastMemberQueryInterval = new Map<string, number>();

  constructor(private readonly tracker: FindingsTracker) {}

  observe(observation: MembershipObservation): void {
    if (observation.type === 'query') {
      const { query } = observation;
      const key = `${query.link}|${query.family}`;
      if (query.group !== null) {
        this.specificQueries.set(`${key}|${query.group}`, query.time);
        return;
      }
      const senders = this.generalQueries.get(key) ?? new Map<string, QuerySender>();
      this.generalQueries.set(key, senders);
      const sender = senders.get(query.querier) ?? { firstAt: query.time, lastAt: query.time, version: query.version, queryInterval: DEFAULT_QUERY_INTERVAL, longestGap: 0 };
      // A query without QQIC (IGMPv2, MLDv1) tells no interval: the longest gap between its sender's queries does.
      const gap = query.time - sender.lastAt;
      if (gap > sender.longestGap) sender.longestGap = Math.min(gap, DEFAULT_QUERY_INTERVAL);
      sender.lastAt = query.time;
      sender.version = query.version;
      if (query.qqiSeconds !== null && query.qqiSeconds > 0) sender.queryInterval = query.qqiSeconds;
      else if (sender.longestGap > 0) sender.queryInterval = sender.longestGap;
      senders.set(query.querier, sender);
      return;
    }
    const { time, link, family } = observation.type === 'report' ? observation.report : observation.leave;
    const host = observation.type === 'report' ? observation.report.reporter : observation.leave.reporter;
    const version = observation.type === 'report' ? observation.report.version : observation.leave.version;
    const key = `${link}|${family}`;
    const hosts = this.hosts.get(key) ?? new Map();
    this.hosts.set(key, hosts);
    const seen = hosts.get(host);
    const highest = Math.max(seen?.highest ?? version, version);
    hosts.set(host, { version, at: time, highest, fellBackAt: version < (seen?.version ?? version) ? time : version < highest ? seen?.fellBackAt ?? time : null });

    const leaving = observation.type === 'leave'
      ? [{ group: observation.leave.group, what: family === 4 ? 'an IGMPv2 Leave' : 'an MLDv1 Done' }]
      : observation.report.records.filter((record) => record.type === 'TO_IN' && record.sources.length === 0).map((record) => ({ group: record.group, what: 'a TO_IN({}) record' }));
    for (const { group, what } of leaving) {
      if (!isRoutable(group) || !this.membered.get(key)?.has(group)) continue;
      const interval = this.lastMemberQueryInterval.get(key) ?? 1;
      this.pending.push({ link, family, group, host, what, at: time, deadline: time + interval + SPECIFIC_QUERY_SLACK });
    }
  }

  evaluate(at: number, memberships: readonly LinkMembershipSnapshot[]): Condition[] {
    const conditions: Condition[] = [];
    this.membered = new Map();
    for (const membership of memberships) {
      const key = `${membership.link}|${membership.family}`;
      this.lastMemberQueryInterval.set(key, membership.parameters.lastMemberQueryInterval);
      this.membered.set(key, groupsWithMembers(membership.groups));
      conditions.push(...this.missing(at, membership), ...this.conflict(at, membership), ...this.versionMismatch(at, membership));
    }
    this.dueSpecificQueries(at);
    return conditions;
  }

  private senders(membership: LinkMembershipSnapshot): [string, QuerySender][] {
    return [...(this.generalQueries.get(`${membership.link}|${membership.family}`) ?? [])];
  }

  private missing(at: number, membership: LinkMembershipSnapshot): Condition[] {
    const members = membership.groups.filter((group) => group.reporters.length > 0 && isRoutable(group.group));
    if (members.length === 0) return [];
    const last = Math.max(-Infinity, ...this.senders(membership).map(([, sender]) => sender.lastAt));
    const silentSince = Number.isFinite(last) ? last : Math.min(...members.flatMap((group) => group.reporters.map((reporter) => reporter.lastReportAt)));
    const limit = membership.parameters.otherQuerierPresentInterval;
    if (at - silentSince <= limit) return [];
    const protocol = protocolName(membership.family);
    return [{
      kind: 'querier.missing', severity: 'error', link: membership.link, group: null, source: null, router: null,
      detail: { protocol, members: members.map((group) => group.group), lastQueryAt: Number.isFinite(last) ? last : null, otherQuerierPresentInterval: limit },
      explanation: `${membership.link} has ${protocol} members of ${members.length} group(s) but no General Query for ${Math.round(at - silentSince)} s (more than the ${limit} s Other Querier Present Interval): nobody keeps their membership, so routers will drop it.`,
      rule: rfc(membership.family, '§8.5', '§9.5'),
      since: silentSince + limit,
      // A takeover: the next router starts querying when its own Other Querier Present timer runs out.
      holdsFor: membership.parameters.queryResponseInterval,
    }];
  }

  private conflict(at: number, membership: LinkMembershipSnapshot): Condition[] {
    const active = this.senders(membership).filter(([, sender]) => at - sender.lastAt <= sender.queryInterval + ELECTION_GRACE);
    if (active.length < 2) return [];
    // The election: the lowest address is the querier (RFC 3376 §6.6.2); the others stop once they heard it.
    const sorted = active.sort(([a], [b]) => compareAddresses(a, b));
    const [elected, winner] = sorted[0]!;
    // A router that just came up queries before it heard the querier: only its queries after that grace count.
    const persisting = sorted.slice(1).filter(([, sender]) => sender.lastAt > Math.max(winner.firstAt, sender.firstAt) + ELECTION_GRACE);
    if (persisting.length === 0) return [];
    const protocol = protocolName(membership.family);
    return [{
      kind: 'querier.conflict', severity: 'warning', link: membership.link, group: null, source: null, router: persisting[0]![0],
      detail: { protocol, elected, alsoQuerying: persisting.map(([address]) => address) },
      explanation: `${persisting.map(([address]) => address).join(', ')} still send${persisting.length === 1 ? 's' : ''} ${protocol} General Queries on ${membership.link} although ${elected} has the lower address and is the querier.`,
      rule: rfc(membership.family, '§6.6.2', '§7.6.2'),
    }];
  }

  private versionMismatch(at: number, membership: LinkMembershipSnapshot): Condition[] {
    const querier = this.senders(membership).sort(([a], [b]) => compareAddresses(a, b)).find(([, sender]) => at - sender.lastAt <= sender.queryInterval + ELECTION_GRACE);
    if (!querier) return [];
    const [address, { version }] = querier;
    const recent = membership.parameters.groupMembershipInterval;
    const hosts = [...(this.hosts.get(`${membership.link}|${membership.family}`) ?? [])]
      .filter(([, host]) => at - host.at <= recent && (host.version !== version || host.fellBackAt !== null));
    if (hosts.length === 0) return [];
    const protocol = protocolName(membership.family);
    const newer = hosts.filter(([, host]) => host.version > version);
    const fellBack = hosts.filter(([, host]) => host.fellBackAt !== null);
    const describe = ([host, seen]: [string, { version: number; highest: number; fellBackAt: number | null }]) =>
      seen.fellBackAt !== null ? `${host} fell back from ${protocol}v${seen.highest} to v${seen.version}` : `${host} reports with ${protocol}v${seen.version}`;
    return [{
      kind: 'querier.version-mismatch', severity: newer.length > 0 || fellBack.length > 0 ? 'warning' : 'info', link: membership.link, group: null, source: null, router: address,
      detail: { protocol, querier: address, querierVersion: version, hosts: hosts.map(([host, seen]) => ({ host, version: seen.version, highest: seen.highest, fellBackAt: seen.fellBackAt })) },
      explanation: `The ${protocol}v${version} querier ${address} on ${membership.link} and its hosts disagree: ${hosts.map(describe).join('; ')}`
        + (fellBack.length > 0 ? ' (an older-version query puts hosts in compatibility mode).' : newer.length > 0 ? ' (hosts should fall back to the querier\'s version).' : ' (the router keeps those groups in compatibility mode).'),
      rule: rfc(membership.family, '§7.2.1, §7.3.2', '§8.2.1, §8.3.2'),
    }];
  }

  /**
   * Leaves whose Last Member Query Interval passed without a specific query for their group: one
   * moment each, told once the querier is seen querying again after it (a querier shut down with
   * its hosts, as at the end of a capture, owed nothing).
   */
  private dueSpecificQueries(at: number): void {
    for (let index = this.pending.length - 1; index >= 0; index--) {
      const pending = this.pending[index]!;
      const answeredAt = this.specificQueries.get(`${pending.link}|${pending.family}|${pending.group}`);
      if (answeredAt !== undefined && answeredAt >= pending.at) {
        this.pending.splice(index, 1);
        continue;
      }
      if (pending.deadline > at) continue;
      const senders = [...(this.generalQueries.get(`${pending.link}|${pending.family}`) ?? [])]
        .filter(([, sender]) => pending.at - sender.lastAt <= sender.queryInterval + ELECTION_GRACE)
        .sort(([a], [b]) => compareAddresses(a, b));
      if (senders.length === 0) { // no querier at all: querier.missing says it
        this.pending.splice(index, 1);
        continue;
      }
      const [querier, sender] = senders[0]!;
      if (sender.lastAt <= pending.deadline) {
        if (at - pending.deadline > sender.queryInterval + ELECTION_GRACE) this.pending.splice(index, 1); // it stopped
        continue;
      }
      this.pending.splice(index, 1);
      this.tracker.moment(pending.deadline, {
        kind: 'querier.missing-specific-query', severity: 'warning', link: pending.link, group: pending.group, source: null, router: querier,
        detail: { host: pending.host, trigger: pending.what, triggerAt: pending.at },
        explanation: `${pending.host} sent ${pending.what} for ${pending.group} on ${pending.link} and the querier ${querier} sent no group-specific query for it within the Last Member Query Interval: the group's timer is not lowered and its data keeps flowing until it expires.`,
        rule: pending.family === 4 ? 'RFC 3376 §6.4.2, RFC 2236 §3' : 'RFC 3810 §7.4.2, RFC 2710 §4',
      });
    }
  }
}
