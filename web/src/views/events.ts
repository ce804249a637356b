/** The event log: every stored change, filtered by area, kind, link and group, paged; live ones added on top. */
import { getJson } from '../api.js';
import { h, replace, table } from '../dom.js';
import { isRoutable } from '../format.js';
import type { LiveChange } from '../../../shapes/live.js';
import type { Page } from '../../../shapes/records.js';
import type { LinkState } from '../../../shapes/snapshot.js';
import type { DashboardContext, View } from '../view.js';
import { EVENT_HEADERS, eventCells, groupOf } from './event-list.js';

const PAGE_SIZE = 50;
const AREAS = ['', 'membership', 'pim', 'flow', 'tree', 'router'];

export interface EventFilters {
  area?: string;
  kind?: string;
  link?: string;
  group?: string;
}

export function eventsView(context: DashboardContext, initial: EventFilters): View {
  const area = h('select', { id: 'filter-area' }, ...AREAS.map((name) => h('option', { value: name }, name === '' ? 'all areas' : name)));
  const kind = h('input', { id: 'filter-kind', type: 'text', attrs: { placeholder: 'kind, e.g. group-added' } });
  const link = h('select', { id: 'filter-link' }, h('option', { value: '' }, 'all links'));
  const group = h('input', { id: 'filter-group', type: 'text', attrs: { placeholder: 'group address or range' } });
  const showLinkLocal = h('input', { type: 'checkbox', id: 'filter-link-local' });
  area.value = initial.area ?? '';
  kind.value = initial.kind ?? '';
  group.value = initial.group ?? '';
  const status = h('span', { class: 'muted' });
  const previous = h('button', { type: 'button' }, '← newer');
  const next = h('button', { type: 'button' }, 'older →');
  const results = h('div', { id: 'event-log' });
  const form = h('form', { class: 'filters' }, area, kind, link, group,
    h('label', { class: 'option' }, showLinkLocal, ' link-local groups'), h('button', { type: 'submit' }, 'filter'));
  const element = h('div', { class: 'events-view' }, h('h1', null, 'Event log'),
    h('section', { class: 'card' }, form, h('div', { class: 'pager' }, previous, next, status), results));

  /** Pages count back from the newest event at the moment shown: page 0 is the latest. */
  let page = 0;
  /** The kind as the log shows it ("pim.join") names the area too. */
  const filters = (): EventFilters => {
    const typed = kind.value.trim();
    const dot = typed.indexOf('.');
    const named = dot > 0 && AREAS.includes(typed.slice(0, dot)) ? { area: typed.slice(0, dot), kind: typed.slice(dot + 1) } : { area: area.value, kind: typed };
    return { ...named, link: link.value, group: group.value.trim() };
  };
  const matches = (change: LiveChange) => {
    const wanted = filters();
    return (!wanted.area || change.area === wanted.area) && (!wanted.kind || change.kind === wanted.kind)
      && (!wanted.link || change.link === wanted.link) && (!wanted.group || groupOf(change) === wanted.group)
      && (showLinkLocal.checked || wanted.group !== '' || change.group === null || isRoutable(change.group));
  };

  const load = async () => {
    const at = context.at();
    // Link-local groups' events are left out unless asked for, or a group is named.
    const wanted = filters();
    const query = { ...wanted, to: at ?? undefined, routable: !showLinkLocal.checked && !wanted.group ? true : undefined };
    try {
      const { total } = await getJson<Page<LiveChange>>('/changes', { ...query, limit: 1 });
      const offset = Math.max(0, total - (page + 1) * PAGE_SIZE);
      const limit = Math.min(PAGE_SIZE, total - page * PAGE_SIZE);
      const result = limit > 0 ? await getJson<Page<LiveChange>>('/changes', { ...query, limit, offset }) : { items: [], total };
      replace(results, table(EVENT_HEADERS, result.items.reverse().map(eventCells), 'no events match'));
      replace(status, total === 0 ? '' : `${offset + 1}–${offset + result.items.length} of ${total}`);
      previous.disabled = page === 0;
      next.disabled = offset === 0;
    } catch (error) {
      replace(results, h('p', { class: 'error' }, (error as Error).message));
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    page = 0;
    void load();
  });
  previous.addEventListener('click', () => {
    page = Math.max(0, page - 1);
    void load();
  });
  next.addEventListener('click', () => {
    page++;
    void load();
  });

  return {
    element,
    async refresh() {
      const links = await getJson<{ items: LinkState[] }>('/links', context.atQuery());
      const chosen = link.value || initial.link || '';
      replace(link, h('option', { value: '' }, 'all links'), ...links.items.map((entry) => h('option', { value: entry.name }, entry.name)));
      link.value = chosen;
      await load();
    },
    onChange(change) {
      if (context.at() !== null || page !== 0 || !matches(change)) return;
      const body = results.querySelector('tbody');
      body?.querySelector('td.empty')?.parentElement?.remove();
      body?.prepend(h('tr', null, ...eventCells(change).map((cell) => h('td', null, cell))));
    },
  };
}
