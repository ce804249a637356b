/**
 * A group range (an RP mapping's 239.0.0.0/8, a Join's group prefix) at the chosen moment: the RPs
 * mapped to it and the routable groups it covers, each linking to its own page.
 */
import { getJson } from '../api.js';
import { h, replace, section } from '../dom.js';
import { dateTime } from '../format.js';
import { FindingsIndex } from '../findings-index.js';
import type { GroupSummary } from '../../../shapes/api.js';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import type { DashboardContext, View } from '../view.js';
import { groupsTable } from './overview.js';

export function groupRangeView(context: DashboardContext, range: string): View {
  const summary = h('p', { class: 'muted', id: 'range-summary' });
  const groupsCard = h('div', { id: 'range-groups' });
  const element = h('div', { class: 'range-view' },
    h('p', null, h('a', { href: '#/' }, '← overview')), h('h1', null, range === '' ? 'Groups' : `Groups in ${range}`), summary,
    section('Groups this range covers', groupsCard));

  return {
    element,
    async refresh() {
      const [groups, state, findings] = await Promise.all([
        getJson<{ items: GroupSummary[] }>('/groups', { ...context.atQuery(), within: range, routable: true }),
        getJson<NetworkSnapshot>('/snapshot', context.atQuery()),
        FindingsIndex.load(context),
      ]);
      context.rememberRouters(state.routers);
      const rps = state.rps.filter((rp) => rp.groupPrefix === range);
      replace(summary, `state at ${dateTime(state.at)} · `,
        rps.length === 0 ? 'no RP mapped to this range at this moment' : `RP ${rps.map((rp) => `${context.routerName(rp.rp)} (learned from ${rp.learnedFrom})`).join(', ')}`,
        ' · link-local groups (never routed) left out');
      replace(groupsCard, groupsTable(groups.items, findings));
    },
  };
}
