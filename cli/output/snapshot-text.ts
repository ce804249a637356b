/** Text views of the model's output: the state at T as router-CLI-like tables, and timeline lines. */
import type { TimelineEntry } from '../../capture/model/timeline.js';
import type { FindingChange } from '../../shapes/findings.js';
import { isRoutable } from '../../capture/model/trees.js';
import type { NetworkSnapshot, RpState } from '../../shapes/snapshot.js';
import { escapeControl } from './escape.js';
import { formatTable } from './format-table.js';

export function isoTime(time: number): string {
  return Number.isFinite(time) ? new Date(time * 1000).toISOString() : String(time);
}

/** ISO and epoch seconds, both of which --at takes. */
export function isoAndEpoch(time: number): string {
  return `${isoTime(time)} (${time})`;
}

/** One line per entry; link names and explanations come from the capture, so the line is escaped. */
export function formatTimelineEntry(entry: TimelineEntry | FindingChange): string {
  return escapeControl(timelineLine(entry));
}

function timelineLine(entry: TimelineEntry | FindingChange): string {
  if (entry.area === 'finding') {
    const { detail: finding } = entry;
    const flow = finding.group === null ? '' : ` ${finding.source === null ? finding.group : `(${finding.source},${finding.group})`}`;
    return `${isoTime(entry.time)} finding.${entry.kind}${finding.link === null ? '' : ` ${finding.link}`}${flow} ${finding.severity} ${finding.kind}`
      + (entry.kind === 'opened' ? `: ${finding.explanation}` : '');
  }
  const where = 'link' in entry && entry.link ? ` ${entry.link}` : '';
  const group = 'group' in entry && entry.group ? ` ${'source' in entry && entry.source ? `(${entry.source},${entry.group})` : entry.group}` : '';
  return `${isoTime(entry.time)} ${entry.area}.${entry.kind}${where}${group} ${JSON.stringify(entry.detail)}`;
}

function remaining(expiresAt: number | null, at: number): string {
  if (expiresAt === null) return 'never';
  const seconds = Math.max(0, Math.round(expiresAt - at));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

export interface SnapshotTextOptions {
  /** Also the link-local groups (224.0.0.0/24, ff02::/16) and the control-protocol flows to them (OSPF, MLD...). */
  all: boolean;
}

/** One row per RP mapping (RP and group range), with every way it was learned and the latest expiry. */
function rpMappings(rps: readonly RpState[]): { rp: string; groupPrefix: string; learnedFrom: string[]; priority: number | null; expiresAt: number | null }[] {
  const mappings = new Map<string, ReturnType<typeof rpMappings>[number]>();
  for (const rp of rps) {
    const key = `${rp.rp}|${rp.groupPrefix}`;
    const found = mappings.get(key) ?? { rp: rp.rp, groupPrefix: rp.groupPrefix, learnedFrom: [], priority: null, expiresAt: null };
    found.learnedFrom.push(rp.learnedFrom);
    found.priority ??= rp.priority;
    // The mapping holds while any of its sources does; one without a timer (null) never expires.
    if (found.learnedFrom.length === 1) found.expiresAt = rp.expiresAt;
    else found.expiresAt = found.expiresAt === null || rp.expiresAt === null ? null : Math.max(found.expiresAt, rp.expiresAt);
    mappings.set(key, found);
  }
  return [...mappings.values()];
}

/**
 * Router-CLI-like text, network-wide: the same tables an engineer would type on each router.
 * Routers are named (the topology's name, else the inferred router's id) wherever one is meant;
 * link-local groups and their flows are left out unless `all`, as the dashboard does.
 */
export function formatSnapshot(snapshot: NetworkSnapshot, options: SnapshotTextOptions = { all: false }): string {
  const at = snapshot.at;
  const nameOf = new Map<string, string>();
  for (const router of snapshot.routers) {
    const name = router.name ?? router.id;
    nameOf.set(router.id, name);
    for (const entry of router.interfaces) for (const address of entry.addresses) nameOf.set(address, name);
  }
  const router = (address: string) => nameOf.get(address) ?? address;
  const routers = (addresses: readonly string[]) => addresses.map(router).join(' ') || '-';
  const shown = <T extends { group: string }>(rows: readonly T[]) => (options.all ? [...rows] : rows.filter((row) => isRoutable(row.group)));
  const memberships = shown(snapshot.memberships);
  const flows = shown(snapshot.flows);
  const hidden = snapshot.memberships.length - memberships.length + snapshot.flows.length - flows.length;
  const sections: string[] = [`state at ${isoAndEpoch(at)}`];
  if (hidden > 0) sections.push(`(${hidden} memberships and flows of link-local groups (224.0.0.0/24, ff02::/16) not shown; --all shows them)`);
  const section = (title: string, header: string[], rows: (string | number)[][]) => {
    sections.push('', `${title}`, rows.length ? formatTable(header, rows) : '  (none)');
  };
  section('routers', ['router', 'link', 'addresses', 'mac', 'joined by'], snapshot.routers.flatMap((router) =>
    router.interfaces.map((entry, index) => [router.name ?? router.id, entry.link, entry.addresses.join(' '), entry.mac ?? '-', index === 0 ? router.evidence.join(' ') || '-' : ''])));
  section('links (show ip igmp interface / show ip pim interface)', ['link', 'igmp querier', 'ver', 'mld querier', 'ver', 'pim dr', 'pim neighbors'],
    snapshot.links.map((link) => [link.name, link.querier === null ? '-' : router(link.querier), link.igmpVersion ?? '-', link.mldQuerier === null ? '-' : router(link.mldQuerier), link.mldVersion ?? '-', link.dr === null ? '-' : router(link.dr), routers(link.pimNeighbors)]));
  section('groups (show ip igmp groups / show ipv6 mld groups)', ['link', 'group', 'mode', 'sources', 'excluded', 'reporters', 'ver', 'expires'],
    memberships.map((m) => [m.link, m.group, m.mode, m.sources.join(' ') || '-', m.excluded.join(' ') || '-', m.reporters.join(' ') || '-', m.version, remaining(m.expiresAt, at)]));
  section('joins (show ip pim join)', ['link', 'from', 'upstream', 'type', 'source', 'group', 'state', 'expires'],
    snapshot.joins.map((j) => [j.link, router(j.from), router(j.upstream), j.type, j.source ?? (j.rp ? `RP ${router(j.rp)}` : '*'), j.group, j.state, remaining(j.expiresAt, at)]));
  section('asserts (show ip pim assert)', ['link', 'source', 'group', 'winner', 'pref', 'metric', 'expires'],
    snapshot.asserts.map((a) => [a.link, a.source ?? '*', a.group, router(a.winner), a.metricPreference, a.metric, remaining(a.expiresAt, at)]));
  section('rp mappings (show ip pim rp-info)', ['rp', 'address', 'groups', 'learned from', 'priority', 'expires'],
    rpMappings(snapshot.rps).map((rp) => [router(rp.rp), rp.rp, rp.groupPrefix, rp.learnedFrom.join(', '), rp.priority ?? '-', remaining(rp.expiresAt, at)]));
  section('flows', ['link', 'source', 'group', 'pps', 'kbit/s', 'forwarders', 'dup'],
    flows.map((f) => [f.link, f.source, f.group, f.pps, Math.round(f.bps / 100) / 10, routers(f.forwarders), f.duplicated ? 'DUP' : '']));
  const numbered = flows.filter((f) => f.quality !== null && f.quality.payloadFormat !== null);
  const dash = (value: number | null | undefined) => (value === null || value === undefined ? '-' : value);
  section('streams (RTP / MPEG-TS delivery per link; MDI = DF:MLR of the last second, RFC 4445)',
    ['link', 'source', 'group', 'format', 'lost', 'gaps', 'late', 'dup', 'jitter ms', 'CC errors', 'MDI', 'max DF ms', 'max MLR', 'burst/100ms', 'buffer B'],
    numbered.map((f) => {
      const q = f.quality!;
      const mdi = q.last === null ? '-' : `${dash(q.last.delayFactorMs)}:${q.last.mediaLossRate}`;
      const cc = q.continuityErrors.map((entry) => `${entry.pid}:${entry.errors}`).join(' ') || '-';
      return [f.link, f.source, f.group, q.payloadFormat!, q.lostPackets, q.sequenceGaps, q.reordered, q.duplicates, dash(q.jitterMs), cc, mdi, dash(q.maxDelayFactorMs), q.maxMediaLossRate, q.maxBurst, q.maxBufferBytes];
    }));
  section('latency (a host\'s report → the group\'s first packet on its link; Leave → its last)', ['link', 'group', 'host', 'kind', 'requested', 'seconds'],
    shown(snapshot.latencies).map((entry) => [entry.link, entry.group, entry.host, entry.kind, isoTime(entry.requestedAt), entry.alreadyFlowing ? '0 (already flowing)' : entry.seconds.toFixed(3)]));
  section('trees (show ip mroute, inferred network-wide)', ['source', 'group', 'kind', 'rp', 'router', 'in', 'out', 'data', 'wanted'],
    snapshot.trees.flatMap((tree) => tree.edges.map((edge) => [tree.source, tree.group, tree.kind, tree.rp === null ? '-' : router(tree.rp), router(edge.router), edge.in ?? '-', edge.out, edge.carriesData ? 'yes' : 'no', edge.wanted ? 'yes' : 'NO'])));
  const switched = snapshot.trees.filter((tree) => tree.switchover !== null);
  section('spt switchovers (the last-hop router\'s (S,G) Join → first SPT packet; last RP-tree packet: overlap > 0, gap < 0)',
    ['source', 'group', 'router', 'rpt in', 'spt in', 'joined', 'first spt +s', 'last rpt +s', 'overlap s'],
    switched.map((tree) => {
      const timing = tree.switchover!;
      const after = (time: number | null) => (time === null ? '-' : (time - timing.joinedAt).toFixed(3));
      return [tree.source, tree.group, router(timing.router), timing.rptLink, timing.sptLink, isoTime(timing.joinedAt), after(timing.firstSptPacketAt), after(timing.lastRptPacketAt), timing.seconds === null ? '-' : timing.seconds.toFixed(3)];
    }));
  section('anomalies', ['kind', 'link', 'source', 'group', 'detail'], shown(snapshot.anomalies).map((anomaly) => [
    anomaly.kind, anomaly.link, anomaly.source ?? '*', anomaly.group,
    anomaly.kind === 'unwanted-data' ? router(anomaly.router) : anomaly.kind === 'duplicate-forwarding' ? routers(anomaly.forwarders) : anomaly.kind === 'mac-mismatch' ? `${anomaly.packets} packets` : '',
  ]));
  return sections.join('\n');
}
