/** A timeline entry as a table row: time, what changed, where, and a link to the group it concerns. */
import { getJson, type Query } from '../api.js';
import { h, type Child } from '../dom.js';
import { clockTime, groupHref, groupRangeHref } from '../format.js';
import type { LiveChange } from '../../../shapes/live.js';
import type { Page } from '../../../shapes/records.js';

/** Detail fields naming a moment (effectiveAt, suppressedUntil...) hold epoch seconds: shown as clock times. */
const MOMENT_FIELD = /(At|Until)$/;

function describeValue(name: string, value: unknown): string {
  if (typeof value === 'number' && MOMENT_FIELD.test(name)) return clockTime(value);
  if (Array.isArray(value)) return value.join(' ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function describeDetail(detail: unknown): string {
  if (detail === null || typeof detail !== 'object') return detail === null || detail === undefined ? '' : String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([name, value]) => `${name}=${describeValue(name, value)}`)
    .join(' ');
}

export const EVENT_HEADERS = ['time', 'event', 'link', 'group', 'source', 'detail'];

/** The group an event concerns, or the group range an RP or BSR event names in its detail (groupPrefix). */
export function groupOf(change: LiveChange): string | null {
  const prefix = (change.detail as { groupPrefix?: unknown } | null)?.groupPrefix;
  return change.group ?? (typeof prefix === 'string' ? prefix : null);
}

function groupCell(change: LiveChange): Child {
  const group = groupOf(change);
  if (group === null) return '';
  return group.includes('/')
    ? h('a', { href: groupRangeHref(group, change.time), title: 'the groups this range covers at this moment' }, group)
    : h('a', { href: groupHref(group, change.time), title: 'the group at this moment' }, group);
}

export function eventCells(change: LiveChange): Child[] {
  return [
    h('span', { class: 'mono', title: String(change.time) }, clockTime(change.time)),
    h('span', { class: `tag tag-${change.area}` }, `${change.area}.${change.kind}`),
    change.link ?? '',
    groupCell(change),
    change.source ?? '',
    h('span', { class: 'detail' }, describeDetail(change.detail)),
  ];
}

function eventRow(change: LiveChange): HTMLTableRowElement {
  return h('tr', null, ...eventCells(change).map((cell) => h('td', null, cell)));
}

/** The newest `count` stored changes matching `query` (up to its `to`), oldest first. */
export async function latestChanges(query: Query, count: number): Promise<LiveChange[]> {
  const { total } = await getJson<Page<LiveChange>>('/changes', { ...query, limit: 1 });
  if (total === 0) return [];
  return (await getJson<Page<LiveChange>>('/changes', { ...query, limit: count, offset: Math.max(0, total - count) })).items;
}

/**
 * The latest events, newest on top: the stored ones as of each refresh, plus live ones kept until
 * the store has them (the writer commits in batches, so a refresh can come before the commit).
 */
export class RecentEvents {
  readonly element: HTMLTableElement;
  private readonly body = h('tbody');
  private live: LiveChange[] = [];

  constructor(private readonly size: number, id: string) {
    this.element = h('table', { id }, h('thead', null, h('tr', null, ...EVENT_HEADERS.map((name) => h('th', null, name)))), this.body);
  }

  show(stored: LiveChange[], following: boolean): void {
    const newest = stored[stored.length - 1]?.time ?? Number.NEGATIVE_INFINITY;
    this.live = following ? this.live.filter((change) => change.time > newest) : [];
    const rows = [...stored, ...this.live].slice(-this.size).reverse();
    this.body.replaceChildren(...(rows.length > 0 ? rows.map(eventRow) : [h('tr', null, h('td', { class: 'empty', attrs: { colspan: String(EVENT_HEADERS.length) } }, 'no events'))]));
  }

  add(change: LiveChange): void {
    this.live = [...this.live, change].slice(-this.size);
    this.body.querySelector('td.empty')?.parentElement?.remove();
    this.body.prepend(eventRow(change));
    while (this.body.rows.length > this.size) this.body.deleteRow(-1);
  }
}
