/**
 * The findings holding at the moment shown, indexed by where they are (link, group, router), for
 * the badges the views put on what they concern: a count and the worst severity.
 */
import { getJson } from './api.js';
import { h } from './dom.js';
import type { FindingRecord, Severity } from '../../shapes/findings.js';
import type { Page } from '../../shapes/records.js';
import type { DashboardContext } from './view.js';

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export class FindingsIndex {
  private readonly byPlace = new Map<string, FindingRecord[]>();

  constructor(readonly all: FindingRecord[]) {
    for (const finding of all) {
      if (finding.link !== null) this.add(`link:${finding.link}`, finding);
      if (finding.group !== null) this.add(`group:${finding.group}`, finding);
      if (finding.router !== null) this.add(`router:${finding.router}`, finding);
      if (finding.link !== null && finding.group !== null) this.add(`flow:${finding.link}|${finding.group}`, finding);
    }
  }

  /** The findings holding at the dashboard's moment (over the whole capture while following the end: those still open). */
  static async load(context: DashboardContext): Promise<FindingsIndex> {
    const at = context.at();
    const page = await getJson<Page<FindingRecord>>('/findings', { ...(at === null ? {} : { from: at, to: at }), limit: 1000 });
    return new FindingsIndex(at === null ? page.items.filter((finding) => finding.until === null) : page.items);
  }

  of(kind: 'link' | 'group' | 'router', name: string): FindingRecord[] {
    return this.byPlace.get(`${kind}:${name}`) ?? [];
  }

  /** Those on a link about one group (a tree edge's findings). */
  onFlow(link: string, group: string): FindingRecord[] {
    return this.byPlace.get(`flow:${link}|${group}`) ?? [];
  }

  private add(key: string, finding: FindingRecord): void {
    this.byPlace.set(key, [...(this.byPlace.get(key) ?? []), finding]);
  }
}

export function worstSeverity(findings: readonly FindingRecord[]): Severity | null {
  let worst: Severity | null = null;
  for (const finding of findings) if (worst === null || RANK[finding.severity] < RANK[worst]) worst = finding.severity;
  return worst;
}

/** A badge with the count, coloured by the worst severity, the kinds on hover; nothing when there are none. */
export function findingsBadge(findings: readonly FindingRecord[]): HTMLElement | null {
  const worst = worstSeverity(findings);
  if (worst === null) return null;
  const kinds = [...new Set(findings.map((finding) => finding.kind))].join(', ');
  return h('a', { class: `badge finding-badge severity-${worst}`, href: '#/findings', title: kinds, attrs: { 'data-count': String(findings.length) } }, `⚑ ${findings.length}`);
}
