/**
 * Overview at the chosen moment: links (queriers, DR, PIM neighbors), routers, groups with their
 * members per link, flows with rates, and the most recent events (live ones added as they come).
 */
import { getJson } from '../api.js';
import { h, replace, section, table } from '../dom.js';
import { bitRate, groupHref, isRoutable, packetRate } from '../format.js';
import type { GroupSummary } from '../../../shapes/api.js';
import type { CountersMessage } from '../../../shapes/live.js';
import type { CounterPoint } from '../../../shapes/records.js';
import type { FindingRecord } from '../../../shapes/findings.js';
import type { FlowState, NetworkSnapshot } from '../../../shapes/snapshot.js';
import type { DashboardContext, View } from '../view.js';
import { latestChanges, RecentEvents } from './event-list.js';
import { findingsSummary } from './findings.js';
import { findingsBadge, FindingsIndex } from '../findings-index.js';

const RECENT_EVENTS = 15;
/** Seconds of counters averaged for a stored flow's rate at T. */
const RATE_WINDOW = 5;

interface FlowRate {
  pps: number | null;
  bps: number | null;
}

/** A flow's rate: the live counters when following, else the snapshot's, else the stored counters before T. */
async function flowRate(context: DashboardContext, flow: FlowState, at: number): Promise<FlowRate> {
  const live = context.at() === null ? context.liveRate(flow.link, flow.source, flow.group) : undefined;
  if (live) return live;
  if (flow.pps !== null && flow.bps !== null) return { pps: flow.pps, bps: flow.bps };
  const series = await getJson<{ items: CounterPoint[] }>('/flows/series', { source: flow.source, group: flow.group, link: flow.link, from: Math.max(0, at - RATE_WINDOW), to: at });
  const packets = series.items.reduce((sum, point) => sum + point.packets, 0);
  const bytes = series.items.reduce((sum, point) => sum + point.bytes, 0);
  return { pps: packets / RATE_WINDOW, bps: (bytes * 8) / RATE_WINDOW };
}

/** Findings shown on the overview: the most severe first. */
const PANEL_FINDINGS = 8;
const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

/** The overview's findings panel: the worst findings at the moment, each with its place, its sentence and its group then. */
function findingsList(findings: readonly FindingRecord[], at: number): HTMLElement {
  const shown = [...findings].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.at - b.at).slice(0, PANEL_FINDINGS);
  return h('div', { id: 'findings-panel' }, table(['', 'finding', 'where', 'why'], shown.map((finding) => [
    h('span', { class: `badge severity-${finding.severity}` }, finding.severity),
    h('code', null, finding.kind),
    h('span', null, finding.link ?? '', ' ', finding.group === null ? '' : h('a', { href: groupHref(finding.group, at) }, finding.source === null ? finding.group : `(${finding.source}, ${finding.group})`)),
    finding.explanation,
  ]), 'nothing wrong found at this moment'), findings.length > shown.length ? h('p', null, h('a', { href: '#/findings' }, `all ${findings.length} findings`)) : null);
}

/** Groups with their members per link, flows, sources and tree kinds, each linking to its page and badged with its findings. */
export function groupsTable(groups: readonly GroupSummary[], findings: FindingsIndex): HTMLTableElement {
  return table(['group', 'members per link', 'flows', 'sources', 'tree'], groups.map((entry) => [
    h('span', null, h('a', { href: groupHref(entry.group), class: 'group-link' }, entry.group), ' ', findingsBadge(findings.of('group', entry.group))),
    h('span', null, ...entry.links.map((link) => h('span', { class: 'chip', title: link.mode }, `${link.link}: ${link.members}`))),
    entry.flows, entry.sources.join(', '), entry.treeKinds.join(' + '),
  ]), 'no groups');
}

export function overviewView(context: DashboardContext): View {
  const showLinkLocal = h('input', { type: 'checkbox', id: 'show-link-local' });
  const linksCard = h('div', { id: 'links' });
  const routersCard = h('div');
  const groupsCard = h('div', { id: 'groups' });
  const flowsCard = h('div');
  const findingsCard = h('div');
  const recentEvents = new RecentEvents(RECENT_EVENTS, 'recent-events');
  const element = h('div', { class: 'overview' },
    section('Findings at this moment', findingsCard),
    h('div', { class: 'grid' },
      section('Links', linksCard),
      section('Routers', routersCard)),
    section('Groups', h('label', { class: 'option' }, showLinkLocal, ' show link-local groups'), groupsCard),
    section('Active flows', flowsCard),
    section('Recent events', recentEvents.element));

  /** Flows someone forwards at T, of the groups listed (routable ones unless link-local are asked for). */
  const renderFlows = async (snapshot: NetworkSnapshot, groups: GroupSummary[]) => {
    const listed = new Set(groups.map((entry) => entry.group));
    const flows = snapshot.flows.filter((flow) => flow.forwarders.length > 0 && listed.has(flow.group));
    const rates = await Promise.all(flows.map((flow) => flowRate(context, flow, snapshot.at)));
    replace(flowsCard, table(['link', 'source', 'group', 'rate', 'bitrate', 'forwarders', ''], flows.map((flow, index) => [
      flow.link, flow.source, h('a', { href: groupHref(flow.group) }, flow.group),
      h('span', { class: 'rate', attrs: { 'data-flow': `${flow.link}|${flow.source}|${flow.group}`, 'data-kind': 'pps' } }, packetRate(rates[index]!.pps)),
      h('span', { class: 'rate', attrs: { 'data-flow': `${flow.link}|${flow.source}|${flow.group}`, 'data-kind': 'bps' } }, bitRate(rates[index]!.bps)),
      flow.forwarders.map((forwarder) => context.routerName(forwarder)).join(', '),
      flow.duplicated ? h('span', { class: 'badge badge-bad' }, 'duplicate') : '',
    ]), 'no active flows'));
  };

  // Link-local groups (224.0.0.0/24, ff02::/16) are never routed: left out unless asked for.
  let findings = new FindingsIndex([]);
  const renderGroups = async (): Promise<GroupSummary[]> => {
    const groups = await getJson<{ items: GroupSummary[] }>('/groups', { ...context.atQuery(), routable: !showLinkLocal.checked });
    replace(groupsCard, groupsTable(groups.items, findings));
    return groups.items;
  };

  let snapshot: NetworkSnapshot | null = null;
  showLinkLocal.addEventListener('change', async () => {
    const groups = await renderGroups();
    if (snapshot !== null) await renderFlows(snapshot, groups);
    if (snapshot !== null) recentEvents.show(await latestChanges({ to: snapshot.at, routable: !showLinkLocal.checked }, RECENT_EVENTS), context.at() === null);
  });

  return {
    element,
    async refresh() {
      findings = await FindingsIndex.load(context);
      const [state, groups] = await Promise.all([getJson<NetworkSnapshot>('/snapshot', context.atQuery()), renderGroups()]);
      snapshot = state;
      context.rememberRouters(state.routers);
      // Routers by name (the topology's, else the inferred router's id), the address they used on hover.
      const router = (address: string) => h('span', { class: 'router-name', title: address }, context.routerName(address));
      const routers = (addresses: string[]) => (addresses.length === 0 ? '–' : h('span', null, ...addresses.flatMap((address, index) => (index === 0 ? [router(address)] : [', ', router(address)]))));
      replace(linksCard, table(['link', 'IGMP querier', 'MLD querier', 'PIM DR', 'PIM neighbors'], state.links.map((link) => [
        h('span', { class: 'link-name', attrs: { 'data-link': link.name } }, h('strong', null, link.name), ' ', findingsBadge(findings.of('link', link.name))),
        link.querier === null ? '–' : h('span', null, router(link.querier), ` (v${link.igmpVersion ?? '?'})`),
        link.mldQuerier === null ? '–' : h('span', null, router(link.mldQuerier), ` (v${link.mldVersion ?? '?'})`),
        link.dr === null ? '–' : router(link.dr), routers(link.pimNeighbors),
      ]), 'no links'));
      // What joined each router's interfaces (OSPF, Hello address lists, shared MACs, forwarded data, the topology file).
      replace(routersCard, table(['router', 'interfaces', 'joined by'], state.routers.map((router) => [
        h('strong', null, router.name ?? router.id),
        h('span', null, ...router.interfaces.map((entry) => h('span', { class: 'chip', title: entry.mac ?? '' }, `${entry.link} ${entry.addresses.join(' ')}`))),
        h('span', { class: 'muted evidence' }, router.evidence.join(', ') || '–'),
      ]), 'no routers seen'));
      await renderFlows(state, groups);
      replace(findingsCard, await findingsSummary(context), findingsList(findings.all, state.at));
      recentEvents.show(await latestChanges({ to: state.at, routable: !showLinkLocal.checked }, RECENT_EVENTS), context.at() === null);
    },
    onChange(change) {
      if (context.at() === null && (showLinkLocal.checked || change.group === null || isRoutable(change.group))) recentEvents.add(change);
    },
    onCounters(counters: CountersMessage) {
      if (context.at() !== null) return;
      for (const rate of counters.flows) {
        for (const cell of flowsCard.querySelectorAll<HTMLElement>('.rate')) {
          if (cell.dataset['flow'] !== `${rate.link}|${rate.source}|${rate.group}`) continue;
          cell.textContent = cell.dataset['kind'] === 'pps' ? packetRate(rate.pps) : bitRate(rate.bps);
        }
      }
    },
  };
}
