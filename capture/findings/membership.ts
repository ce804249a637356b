/**
 * Membership that goes wrong:
 *   ssm.asm-request                     "any source" requests for an SSM group: IGMPv1/v2 and MLDv1 reports,
 *                                       EXCLUDE-mode records (RFC 4604 §2.2.1, §3.1, §3.5), (*,G) Joins (RFC 4607 §5)
 *   membership.expired-while-receiving  a membership timed out while its data still arrived (RFC 3376 §6.5:
 *                                       a host that stays a member answers queries, so expiry means lost reports)
 */
import { isSsmGroup } from '../addresses.js';
import { isRoutable } from '../model/trees.js';
import type { MembershipObservation } from '../model/membership-observations.js';
import type { LinkMembershipSnapshot, MembershipChange } from '../model/membership/types.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { Condition, FindingsTracker } from './tracker.js';

export function ssmRequests(memberships: readonly LinkMembershipSnapshot[], snapshot: NetworkSnapshot): Condition[] {
  const conditions: Condition[] = [];
  for (const membership of memberships) {
    const byGroup = new Map<string, LinkMembershipSnapshot['ignoredSsmRequests']>();
    for (const request of membership.ignoredSsmRequests) byGroup.set(request.group, [...(byGroup.get(request.group) ?? []), request]);
    for (const [group, requests] of byGroup) {
      // Whether the routers obeyed RFC 4604: a (*,G) Join for the group says one of them took it as a join.
      const obeyed = !snapshot.joins.some((join) => join.group === group && join.type === '*,G');
      const protocol = membership.family === 4 ? 'IGMP' : 'MLD';
      conditions.push({
        kind: 'ssm.asm-request', severity: 'warning', link: membership.link, group, source: null, router: null,
        since: Math.min(...requests.map((request) => request.firstSeen)),
        detail: { requests: requests.map((request) => ({ host: request.reporter, version: request.version, recordType: request.recordType, count: request.count })), routersObeyed: obeyed },
        explanation: `${requests.map((request) => `${request.reporter} (${protocol}v${request.version} ${request.recordType})`).join(', ')} asked for any source of the SSM group ${group} on ${membership.link}; `
          + `SSM serves only (S,G) channels, so ${obeyed ? 'the routers rightly ignore it and the host gets nothing' : 'a router accepted it anyway and joined (*,G)'}.`,
        rule: 'RFC 4604 §2.2.1, §3',
      });
    }
  }
  for (const join of snapshot.joins) {
    if (join.type !== '*,G' || !isSsmGroup(join.group)) continue;
    conditions.push({
      kind: 'ssm.asm-request', severity: 'warning', link: join.link, group: join.group, source: null, router: join.from,
      detail: { join: { from: join.from, upstream: join.upstream, rp: join.rp } },
      explanation: `${join.from} sends a (*,G) Join for the SSM group ${join.group} on ${join.link}: SSM groups have no RP tree.`,
      rule: 'RFC 4607 §5, RFC 7761 §4.8',
    });
  }
  return conditions;
}

/**
 * membership.expired-while-receiving: a membership timer ran out while data of the group was
 * still forwarded onto the link, and no host had said anything of the group for a Group
 * Membership Interval (less the Query Response Interval): a timer lowered by a Leave, a BLOCK or
 * a TO_IN is a host leaving, not a lost report.
 */
export class MembershipExpiries {
  /** `link|family|group` → when a report or leave last named the group. */
  private readonly lastHeard = new Map<string, number>();
  /** `link|family` → its Group Membership and Query Response Intervals, as of the latest evaluation. */
  private readonly intervals = new Map<string, { membership: number; response: number }>();

  constructor(private readonly tracker: FindingsTracker) {}

  observe(observation: MembershipObservation): void {
    if (observation.type === 'leave') {
      const { link, family, group, time } = observation.leave;
      this.lastHeard.set(`${link}|${family}|${group}`, time);
    } else if (observation.type === 'report') {
      const { link, family, records, time } = observation.report;
      for (const record of records) this.lastHeard.set(`${link}|${family}|${record.group}`, time);
    }
  }

  evaluate(memberships: readonly LinkMembershipSnapshot[]): void {
    for (const { link, family, parameters } of memberships) {
      this.intervals.set(`${link}|${family}`, { membership: parameters.groupMembershipInterval, response: parameters.queryResponseInterval });
    }
  }

  /** `snapshot`: the state at the latest evaluation, whose flows say what was still arriving. */
  onChange(change: MembershipChange, snapshot: NetworkSnapshot | null): void {
    if (change.group === null || snapshot === null || !isRoutable(change.group)) return;
    const expired = (change.kind === 'group-removed') || (change.kind === 'reporter-removed' && change.detail.reason === 'report-expired');
    if (!expired) return;
    const interval = this.intervals.get(`${change.link}|${change.family}`);
    const heard = this.lastHeard.get(`${change.link}|${change.family}|${change.group}`);
    if (interval !== undefined && heard !== undefined && change.time - heard < interval.membership - interval.response) return;
    const receiving = snapshot.flows.filter((flow) => flow.link === change.link && flow.group === change.group && flow.forwarders.length > 0);
    if (receiving.length === 0) return;
    const who = change.kind === 'reporter-removed' ? `${change.detail.reporter}'s membership` : 'the membership';
    this.tracker.moment(change.time, {
      kind: 'membership.expired-while-receiving', severity: 'warning', link: change.link, group: change.group, source: null, router: null,
      detail: { change: change.kind, reason: change.detail.reason, sources: receiving.map((flow) => flow.source) },
      explanation: `${who} of ${change.group} on ${change.link} timed out while its data (${receiving.map((flow) => flow.source).join(', ')}) was still arriving, with no report of the group for a Group Membership Interval: reports were lost, no querier asked for them, or the host went away without leaving.`,
      rule: change.family === 4 ? 'RFC 3376 §6.5' : 'RFC 3810 §7.5',
    });
  }
}
