/** A timeline entry as a table row: time, what changed, where, and a link to the group it concerns. */
import { h, type Child } from '../dom.js';
import { clockTime, groupHref } from '../format.js';
import type { Change } from '../types.js';

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

export function eventCells(change: Change): Child[] {
  return [
    h('span', { class: 'mono', title: String(change.time) }, clockTime(change.time)),
    h('span', { class: `tag tag-${change.area}` }, `${change.area}.${change.kind}`),
    change.link ?? '',
    change.group === null ? '' : h('a', { href: groupHref(change.group, change.time), title: 'the group at this moment' }, change.group),
    change.source ?? '',
    h('span', { class: 'detail' }, describeDetail(change.detail)),
  ];
}
