/**
 * Forwarding, from the inferred trees and the data seen per link:
 *   tree.black-hole            members or downstream joins on a link with no data, while the flow is alive elsewhere (RFC 7761 §4.2)
 *   tree.unwanted-data         data forwarded onto a link where nobody wants it (no member, no join): §4.1.6's olist is empty there
 *   tree.duplicate-forwarders  two routers forward one flow onto a link; the Assert should elect one (§4.6)
 *   pim.assert-not-converged   an Assert was won and a loser still forwards, past the Assert (§4.6.1: the loser removes the link)
 *   tree.ttl-limited           the TTL / hop limit runs out before the data reaches a link that wants it (RFC 1812 §5.3.1):
 *                              an error where members wait for it, told instead of the black hole it makes
 *   data.mac-mismatch          destination MAC not the group's mapped one (RFC 1112 §6.4, RFC 2464 §7)
 *   data.mac-aliasing          two active groups on a link mapping to one Ethernet MAC: receivers' NICs take both (RFC 1112 §6.4)
 *   data.leak                  a few isolated packets onto a link, not a sustained flow (told as the forwarder stops)
 */
import { groupMac } from '../addresses.js';
import { isRoutable } from '../model/trees.js';
import type { FlowChange } from '../model/flows.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { Condition, FindingsTracker } from './tracker.js';

/** Seconds a loser may take to stop after an Assert (one Assert exchange and the data in flight). */
const ASSERT_GRACE = 3;
/**
 * Seconds a link may want a flow before its absence is a black hole: a Join's travel upstream, a
 * Register's round trip to the RP, and routers that send triggered Joins on a timer tick.
 */
const BLACK_HOLE_GRACE = 10;
/**
 * Seconds data may go on onto a link nobody wants it on: the J/P Override Interval a LAN Prune
 * waits (RFC 7761 §4.11: 3 s by default) and the data in flight.
 */
const UNWANTED_GRACE = 5;
/** Seconds two forwarders may both forward before an Assert is due: the duplicate packet triggers it (§4.6.1). */
const DUPLICATE_GRACE = 2;

/** How the engine names routers: `of` an address or MAC gives the router's id, `name` what to print. */
export interface RouterNames {
  of(addressOrMac: string): string | null;
  name(addressOrMac: string): string;
}

export class ForwardingFindings {
  /** `link|source|group` → bytes of the flow when it first carried unwanted data. */
  private readonly unwantedFrom = new Map<string, number>();

  constructor(private readonly tracker: FindingsTracker) {}

  /** A leak is told when a router's MAC sent it: isolated packets from a host are that host's own sending. */
  onFlowChange(change: FlowChange, routers: RouterNames): void {
    if (change.kind !== 'forwarder-stopped' || !change.detail.leak || !isRoutable(change.group)) return;
    const router = routers.of(change.detail.mac);
    if (router === null) return;
    this.tracker.moment(change.time, {
      kind: 'data.leak', severity: 'warning', link: change.link, group: change.group, source: change.source, router,
      detail: { mac: change.detail.mac, packets: change.detail.packets },
      explanation: `${routers.name(change.detail.mac)} (${change.detail.mac}) put ${change.detail.packets} isolated packet(s) of (${change.source}, ${change.group}) onto ${change.link} and stopped: a leak, not forwarding (a router flushing a stale entry, or a switch flooding).`,
      rule: 'RFC 7761 §4.2',
    });
  }

  /** `assertWins`: when each Assert was won, `link|source|group` (the analyzer's forwardingStops). */
  evaluate(at: number, snapshot: NetworkSnapshot, routers: RouterNames, assertWins: ReadonlyMap<string, { winner: string; time: number }>): Condition[] {
    const conditions: Condition[] = [];
    const flowOf = (link: string, source: string | null, group: string) =>
      snapshot.flows.find((flow) => flow.link === link && flow.group === group && (source === null || flow.source === source));
    const routerName = (addressOrMac: string) => routers.name(addressOrMac);
    const ttlLimited = snapshot.trees.flatMap((tree) => tree.edges.filter((edge) => edge.ttlLimited).map((edge) => ({ link: edge.out, source: tree.source, group: tree.group })));
    for (const anomaly of snapshot.anomalies) {
      if (!isRoutable(anomaly.group)) continue;
      if (anomaly.kind === 'unwanted-data') {
        const key = `${anomaly.link}|${anomaly.source}|${anomaly.group}`;
        const bytes = flowOf(anomaly.link, anomaly.source, anomaly.group)?.bytes ?? 0;
        if (!this.unwantedFrom.has(key)) this.unwantedFrom.set(key, bytes);
        conditions.push({
          kind: 'tree.unwanted-data', severity: 'warning', link: anomaly.link, group: anomaly.group, source: anomaly.source, router: anomaly.router,
          detail: { forwarder: anomaly.router, bytes: bytes - this.unwantedFrom.get(key)! },
          explanation: `${routerName(anomaly.router)} forwards (${anomaly.source}, ${anomaly.group}) onto ${anomaly.link}, where no host is a member and no router joined it: a branch carrying data nobody wants.`,
          rule: 'RFC 7761 §4.1.6, §4.2',
          holdsFor: UNWANTED_GRACE,
        });
      } else if (anomaly.kind === 'members-without-data') {
        const elsewhere = snapshot.flows.filter((flow) => flow.group === anomaly.group && flow.link !== anomaly.link && flow.forwarders.length > 0 && (anomaly.source === null || flow.source === anomaly.source));
        if (elsewhere.length === 0) continue; // no data anywhere: the source is silent, nothing is lost
        // The flow's TTL runs out on the way: tree.ttl-limited tells the cause.
        if (ttlLimited.some((edge) => edge.link === anomaly.link && edge.group === anomaly.group && (anomaly.source === null || edge.source === anomaly.source))) continue;
        const lastHops = [...new Set(elsewhere.flatMap((flow) => flow.forwarders.map((forwarder) => `${routerName(forwarder)} on ${flow.link}`)))];
        const trees = snapshot.trees.filter((tree) => tree.group === anomaly.group);
        const edge = trees.flatMap((tree) => tree.edges).find((entry) => entry.out === anomaly.link);
        // What the wire says of why: a last hop holding only (*,G) state with no incoming link never joined towards the RP.
        const rpTree = trees.find((tree) => tree.source === '*' && tree.edges.some((entry) => entry.out === anomaly.link));
        const stranded = rpTree?.edges.find((entry) => entry.out === anomaly.link && entry.in === null && !rpTree.nodes.some((node) => node.router === entry.router && node.isRp));
        const sourceTreeHolds = trees.some((tree) => tree.source !== '*' && tree.edges.some((entry) => entry.out === anomaly.link));
        const cause = stranded !== undefined && !sourceTreeHolds && rpTree!.rp !== null
          ? `it sends no (*,G) Join towards the RP ${rpTree!.rp} (no route to it, or no RPF neighbor on the way)` : null;
        conditions.push({
          kind: 'tree.black-hole', severity: 'error', link: anomaly.link, group: anomaly.group, source: anomaly.source, router: edge?.router ?? null,
          detail: { shouldForward: edge?.router ?? null, cause, dataSeenOn: elsewhere.map((flow) => ({ link: flow.link, source: flow.source, forwarders: flow.forwarders })) },
          explanation: `${anomaly.link} wants ${anomaly.source === null ? '' : `(${anomaly.source}, `}${anomaly.group}${anomaly.source === null ? '' : ')'} and gets no data although it flows elsewhere (${lastHops.slice(0, 3).join(', ')})`
            + `${edge ? `: ${routerName(edge.router)} should forward it there` : ''}${cause === null ? '' : `, but ${cause}`}.`,
          rule: 'RFC 7761 §4.2',
          holdsFor: BLACK_HOLE_GRACE,
        });
      } else if (anomaly.kind === 'duplicate-forwarding') {
        const assert = snapshot.asserts.find((entry) => entry.link === anomaly.link && entry.group === anomaly.group && (entry.source === null || entry.source === anomaly.source));
        const losers = assert ? anomaly.forwarders.filter((forwarder) => forwarder !== assert.winner && (routers.of(forwarder) ?? forwarder) !== (routers.of(assert.winner) ?? assert.winner)) : [];
        const wonAt = assert ? assertWins.get(`${anomaly.link}|${assert.source ?? '*'}|${anomaly.group}`)?.time : undefined;
        const settled = wonAt !== undefined && at - wonAt > ASSERT_GRACE;
        if (assert && losers.length > 0 && settled) {
          conditions.push({
            kind: 'pim.assert-not-converged', severity: 'error', link: anomaly.link, group: anomaly.group, source: anomaly.source, router: losers[0]!,
            detail: { winner: assert.winner, stillForwarding: losers },
            explanation: `${assert.winner} won the Assert for (${anomaly.source}, ${anomaly.group}) on ${anomaly.link}, yet ${losers.map(routerName).join(', ')} still forward${losers.length === 1 ? 's' : ''} it: every packet arrives twice.`,
            rule: 'RFC 7761 §4.6.1',
            since: wonAt + ASSERT_GRACE,
          });
        } else {
          conditions.push({
            kind: 'tree.duplicate-forwarders', severity: 'warning', link: anomaly.link, group: anomaly.group, source: anomaly.source, router: null,
            detail: { forwarders: anomaly.forwarders, assert: assert?.winner ?? null },
            explanation: `${anomaly.forwarders.map(routerName).join(' and ')} both forward (${anomaly.source}, ${anomaly.group}) onto ${anomaly.link}: receivers get every packet twice until an Assert elects one.`,
            rule: 'RFC 7761 §4.6',
            holdsFor: DUPLICATE_GRACE,
          });
        }
      } else if (anomaly.kind === 'mac-mismatch') {
        conditions.push({
          kind: 'data.mac-mismatch', severity: 'warning', link: anomaly.link, group: anomaly.group, source: anomaly.source, router: null,
          detail: { packets: anomaly.packets, expected: groupMac(anomaly.group) },
          explanation: `Packets of (${anomaly.source}, ${anomaly.group}) on ${anomaly.link} are not sent to the group's MAC ${groupMac(anomaly.group) ?? '?'}: NICs and switches filtering on it drop them.`,
          rule: anomaly.group.includes(':') ? 'RFC 2464 §7' : 'RFC 1112 §6.4',
        });
      }
    }
    for (const tree of snapshot.trees) {
      for (const edge of tree.edges) {
        if (!edge.ttlLimited) continue;
        conditions.push({
          kind: 'tree.ttl-limited', severity: edge.wanted ? 'error' : 'warning', link: edge.out, group: tree.group, source: tree.source === '*' ? null : tree.source, router: edge.router,
          detail: { in: edge.in, wanted: edge.wanted },
          explanation: `(${tree.source}, ${tree.group}) reaches ${edge.in ?? 'the router'} with TTL 1, so ${routerName(edge.router)} cannot forward it onto ${edge.out}, which wants it: the sender's TTL is too small for the path.`,
          rule: 'RFC 1812 §5.3.1',
        });
      }
    }
    conditions.push(...macAliasing(snapshot));
    return conditions;
  }
}

/** IPv4 maps 32 groups onto each MAC (only the low 23 bits are kept, RFC 1112 §6.4). */
function macAliasing(snapshot: NetworkSnapshot): Condition[] {
  const conditions: Condition[] = [];
  const byMac = new Map<string, Set<string>>();
  for (const flow of snapshot.flows) {
    if ((flow.forwarders.length === 0 && flow.pps === 0) || !isRoutable(flow.group)) continue;
    const mac = groupMac(flow.group);
    if (mac === null) continue;
    const key = `${flow.link}|${mac}`;
    byMac.set(key, (byMac.get(key) ?? new Set()).add(flow.group));
  }
  for (const [key, groups] of byMac) {
    if (groups.size < 2) continue;
    const [link, mac] = key.split('|') as [string, string];
    conditions.push({
      kind: 'data.mac-aliasing', severity: 'warning', link, group: null, source: null, router: mac,
      detail: { mac, groups: [...groups].sort() },
      explanation: `${[...groups].sort().join(' and ')} are active on ${link} and share the Ethernet address ${mac}: a host joined to one receives both, and snooping switches cannot tell them apart.`,
      rule: 'RFC 1112 §6.4',
    });
  }
  return conditions;
}
