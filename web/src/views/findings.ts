/**
 * Findings: what is wrong on the network (capture/findings/), errors first. "At this moment"
 * keeps those holding at the slider's time (all of the capture otherwise); each names its place,
 * explains itself, cites its rule, and links to its group and its moment.
 */
import { getJson } from '../api.js';
import { h, replace, table, type Child } from '../dom.js';
import { clockTime, groupHref } from '../format.js';
import type { FindingRecord, Severity } from '../../../shapes/findings.js';
import type { Page } from '../../../shapes/records.js';
import type { DashboardContext, View } from '../view.js';

const SEVERITIES: Severity[] = ['error', 'warning', 'info'];
const LIMIT = 1000;

/** What the overview shows of the findings at its moment: a count per severity, linking here. */
export async function findingsSummary(context: DashboardContext): Promise<HTMLElement> {
  const at = context.at();
  const query = at === null ? {} : { from: at, to: at };
  const pages = await Promise.all(SEVERITIES.map((severity) => getJson<Page<FindingRecord>>('/findings', { ...query, severity, limit: 1 })));
  // severity=S counts S and everything more severe.
  const counts = pages.map((page, index) => page.total - (index === 0 ? 0 : pages[index - 1]!.total));
  const parts = SEVERITIES.map((severity, index) => counts[index]! > 0 ? h('span', { class: `badge severity-${severity}` }, `${counts[index]} ${severity}${counts[index] === 1 ? '' : 's'}`) : null);
  return h('a', { id: 'findings-summary', href: '#/findings', title: 'findings holding at this moment' },
    ...(counts.some((count) => count > 0) ? parts : [h('span', { class: 'muted' }, 'no findings')]));
}

export function findingsView(context: DashboardContext): View {
  const severity = h('select', { id: 'filter-severity' },
    h('option', { value: 'info' }, 'all severities'), h('option', { value: 'warning' }, 'warnings and errors'), h('option', { value: 'error' }, 'errors'));
  const atMoment = h('input', { type: 'checkbox', id: 'filter-at-moment' });
  atMoment.checked = true;
  const status = h('span', { class: 'muted' });
  const results = h('div', { id: 'finding-list' });
  const form = h('form', { class: 'filters' }, severity, h('label', { class: 'option' }, atMoment, ' at this moment only'), status);
  const element = h('div', { class: 'findings-view' }, h('h1', null, 'Findings'), h('section', { class: 'card' }, form, results));

  const load = async () => {
    const at = context.at();
    const query = atMoment.checked && at !== null ? { from: at, to: at } : {};
    try {
      const page = await getJson<Page<FindingRecord>>('/findings', { ...query, severity: severity.value, limit: LIMIT });
      replace(results, table(['severity', 'finding', 'from', 'until', 'where', 'why'], page.items.map((finding) => cells(finding, context)), 'nothing wrong found'));
      replace(status, page.total > page.items.length ? `first ${page.items.length} of ${page.total}` : `${page.total} finding${page.total === 1 ? '' : 's'}`);
    } catch (error) {
      replace(results, h('p', { class: 'error' }, (error as Error).message));
    }
  };
  severity.addEventListener('change', () => void load());
  atMoment.addEventListener('change', () => void load());
  return { element, refresh: load };
}

function cells(finding: FindingRecord, context: DashboardContext): Child[] {
  const moment = h('a', { href: `#/findings?at=${finding.at}`, title: 'show the network at this moment' }, clockTime(finding.at));
  const until = finding.until === null ? 'holds' : finding.until === finding.at ? 'moment' : clockTime(finding.until);
  const where: Child[] = [];
  if (finding.link !== null) where.push(finding.link, ' ');
  if (finding.group !== null) {
    const label = finding.source === null ? finding.group : `(${finding.source}, ${finding.group})`;
    where.push(h('a', { href: groupHref(finding.group, finding.at) }, label), ' ');
  }
  if (finding.router !== null) where.push(h('span', { class: 'router', title: finding.router }, context.routerName(finding.router)));
  return [
    h('span', { class: `badge severity-${finding.severity}` }, finding.severity),
    h('code', null, finding.kind), moment, until, h('span', null, ...where),
    h('span', null, finding.explanation, ' ', h('span', { class: 'rule' }, finding.rule)),
  ];
}
