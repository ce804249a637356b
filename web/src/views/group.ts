/**
 * One group: its trees drawn as a graph (with the findings on its links flagged on the edges),
 * members per link over time, the flow's bitrate per link over time, for RTP / MPEG-TS flows their
 * delivery per link (RFC 4445 Media Loss Rate and Delay Factor, RTP jitter), and the memberships,
 * joins and recent events behind them.
 */
import type { Chart as ChartInstance } from 'chart.js';
import { getJson } from '../api.js';
import { h, replace, section, table } from '../dom.js';
import { hasData, lineChart, type ChartOptions, type Series } from '../charts.js';
import { dateTime } from '../format.js';
import type { GroupDetail } from '../../../shapes/api.js';
import type { CounterPoint, QualityPoint, TimeRange } from '../../../shapes/records.js';
import { FindingsIndex, worstSeverity } from '../findings-index.js';
import type { Router } from '../../../shapes/snapshot.js';
import type { DashboardContext, View } from '../view.js';
import { latestChanges, RecentEvents } from './event-list.js';
import { treeGraph } from './tree-graph.js';

const RECENT_EVENTS = 20;

/** Members per link as stepped lines: each point holds until the next one on that link. */
function memberSeries(points: { time: number; link: string; members: number }[], end: number): Series[] {
  const byLink = new Map<string, { x: number; y: number }[]>();
  for (const point of points) byLink.set(point.link, [...(byLink.get(point.link) ?? []), { x: point.time, y: point.members }]);
  return [...byLink].map(([link, series]) => ({ label: link, points: [...series, { x: end, y: series[series.length - 1]!.y }] }));
}

export function groupView(context: DashboardContext, group: string): View {
  const title = h('h1', null, `Group ${group}`);
  const summary = h('p', { class: 'muted' });
  const treeCard = h('div', { class: 'tree-holder' });
  const legend = h('div', { class: 'legend' },
    h('span', { class: 'legend-item legend-spt' }, 'SPT / SSM'), h('span', { class: 'legend-item legend-rpt' }, 'RP tree'),
    h('span', { class: 'legend-item legend-unwanted' }, 'data nobody wants'), h('span', { class: 'legend-item legend-duplicate' }, 'duplicate forwarders'),
    h('span', { class: 'legend-item legend-no-data' }, 'joined, no data'));
  const memberCanvas = h('canvas', { id: 'members-chart' });
  const rateCanvas = h('canvas', { id: 'rate-chart' });
  const memberEmpty = h('p', { class: 'empty', id: 'members-empty' }, 'no members reported in the stored data');
  const rateEmpty = h('p', { class: 'empty', id: 'rate-empty' }, 'no data packets of this group in the stored data');
  memberEmpty.hidden = true;
  rateEmpty.hidden = true;
  const lossCanvas = h('canvas', { id: 'loss-chart' });
  const delayCanvas = h('canvas', { id: 'delay-chart' });
  const jitterCanvas = h('canvas', { id: 'jitter-chart' });
  const jitterSection = section('RTP jitter per link (RFC 3550)', h('div', { class: 'chart' }, jitterCanvas));
  const qualityCard = h('div', { id: 'stream-quality' },
    h('p', { class: 'muted' }, 'RTP / MPEG-TS delivery, second by second, as each link carries it: a link losing what its upstream link had is where the loss is.'),
    h('div', { class: 'grid' },
      section('Media packets lost per second (RFC 4445 MLR)', h('div', { class: 'chart' }, lossCanvas)),
      section('Delay factor per link, ms (RFC 4445 DF)', h('div', { class: 'chart' }, delayCanvas)),
      jitterSection));
  qualityCard.hidden = true;
  const anomalyCard = h('div', { id: 'anomalies' });
  const membershipCard = h('div', { id: 'memberships' });
  const joinCard = h('div');
  const recentEvents = new RecentEvents(RECENT_EVENTS, 'group-events');
  const element = h('div', { class: 'group-view' },
    h('p', null, h('a', { href: '#/' }, '← overview')), title, summary,
    section('Tree', legend, treeCard, anomalyCard),
    h('div', { class: 'grid' },
      section('Members per link', h('div', { class: 'chart' }, memberCanvas), memberEmpty),
      section('Bitrate per link', h('div', { class: 'chart' }, rateCanvas), rateEmpty)),
    qualityCard,
    h('div', { class: 'grid' }, section('Memberships', membershipCard), section('PIM joins', joinCard)),
    section('Events for this group', recentEvents.element));
  const charts: ChartInstance<'line'>[] = [];

  const renderEvents = async (to: number) => recentEvents.show(await latestChanges({ group, to }, RECENT_EVENTS), context.at() === null);

  const renderCharts = async (detail: GroupDetail, range: TimeRange) => {
    const storeFrom = range.start ?? detail.at;
    const storeTo = range.end ?? detail.at;
    const flows = [...new Map(detail.flows.map((flow) => [`${flow.link}|${flow.source}`, flow])).values()];
    const sources = [...new Set(detail.flows.map((flow) => flow.source))];
    const [members, rates, quality] = await Promise.all([
      getJson<{ items: { time: number; link: string; members: number }[] }>(`/groups/${encodeURIComponent(group)}/members`, { from: storeFrom, to: storeTo }),
      Promise.all(flows.map(async (flow): Promise<Series> => {
        const series = await getJson<{ items: CounterPoint[] }>('/flows/series', { source: flow.source, group, link: flow.link, from: storeFrom, to: storeTo });
        return { label: flows.length > 1 && new Set(flows.map((entry) => entry.source)).size > 1 ? `${flow.link} (${flow.source})` : flow.link,
          points: series.items.map((point) => ({ x: point.time, y: (point.bytes * 8) / 1000 })) };
      })),
      Promise.all(sources.map(async (source) => {
        const reply = await getJson<{ items: QualityPoint[] }>('/flows/quality', { source, group, from: storeFrom, to: storeTo });
        return reply.items.map((point) => ({ ...point, label: sources.length > 1 ? `${point.link} (${source})` : point.link }));
      })).then((lists) => lists.flat()),
    ]);
    for (const chart of charts.splice(0)) chart.destroy();
    const at = context.at() ?? detail.at;
    // Every chart of the page on one range: where this group has data (a store may hold other captures' times too), and the moment shown.
    const times = [at, ...members.items.map((point) => point.time), ...rates.flatMap((series) => series.points.map((point) => point.x)), ...quality.map((point) => point.time)];
    const from = Math.min(...times);
    const to = Math.max(...times, from + 1);
    const draw = (canvas: HTMLCanvasElement, empty: HTMLElement | null, series: Series[], options: Omit<ChartOptions, 'at' | 'from' | 'to'>) => {
      const shown = hasData(series);
      canvas.parentElement!.hidden = !shown;
      if (empty !== null) empty.hidden = shown;
      if (shown) charts.push(lineChart(canvas, series, { ...options, at, from, to }));
      return shown;
    };
    draw(memberCanvas, memberEmpty, memberSeries(members.items, to), { yTitle: 'reporters', stepped: true, integer: true });
    draw(rateCanvas, rateEmpty, rates, { yTitle: 'kbit/s', stepped: false, integer: false });

    qualityCard.hidden = quality.length === 0;
    if (quality.length === 0) return;
    const byLabel = (value: (point: QualityPoint) => number | null): Series[] => {
      const series = new Map<string, { x: number; y: number }[]>();
      for (const point of quality) {
        const y = value(point);
        if (y !== null) series.set(point.label, [...(series.get(point.label) ?? []), { x: point.time, y }]);
      }
      return [...series].sort(([a], [b]) => a.localeCompare(b)).map(([label, points]) => ({ label, points }));
    };
    draw(lossCanvas, null, byLabel((point) => point.mediaLossRate), { yTitle: 'lost / s', stepped: false, integer: true });
    draw(delayCanvas, null, byLabel((point) => point.delayFactorMs), { yTitle: 'ms', stepped: false, integer: false });
    jitterSection.hidden = !draw(jitterCanvas, null, byLabel((point) => point.jitterMs), { yTitle: 'ms', stepped: false, integer: false });
  };

  return {
    element,
    async refresh() {
      const [detail, range, routers, findings] = await Promise.all([
        getJson<GroupDetail>(`/groups/${encodeURIComponent(group)}`, context.atQuery()),
        getJson<TimeRange>('/range'),
        getJson<{ items: Router[] }>('/routers', context.atQuery()),
        FindingsIndex.load(context),
      ]);
      context.rememberRouters(routers.items);
      replace(summary, `state at ${dateTime(detail.at)}`, detail.rp === null ? '' : ` · RP ${detail.rp}`,
        ` · ${detail.memberships.length} member link(s) · ${detail.flows.length} flow(s) · `,
        detail.trees.map((tree) => `${tree.kind} (${tree.source}, ${tree.group})`).join(', ') || 'no tree');
      const memberLinks = new Map(detail.memberships.map((entry) => [entry.link, entry.reporters.length]));
      const duplicatedLinks = new Set(detail.flows.filter((flow) => flow.duplicated).map((flow) => flow.link));
      replace(treeCard, detail.trees.length > 0
        ? treeGraph(detail.trees, {
          routerName: (id) => context.routerName(id), memberLinks, duplicatedLinks,
          findingsOn: (link) => {
            const here = findings.onFlow(link, group);
            const worst = worstSeverity(here);
            return worst === null ? null : { count: here.length, worst, kinds: [...new Set(here.map((finding) => finding.kind))] };
          },
        })
        : h('p', { class: 'empty' }, 'no tree at this moment'));
      replace(anomalyCard, detail.anomalies.length === 0 ? null : table(['anomaly', 'link', 'source', 'detail'], detail.anomalies.map((anomaly) => [
        h('span', { class: 'badge badge-bad' }, anomaly.kind), anomaly.link, anomaly.source ?? '*',
        anomaly.kind === 'unwanted-data' ? `forwarded by ${context.routerName(anomaly.router)}`
          : anomaly.kind === 'duplicate-forwarding' ? anomaly.forwarders.join(', ')
            : anomaly.kind === 'mac-mismatch' && anomaly.packets !== null ? `${anomaly.packets} packets` : '',
      ])));
      replace(membershipCard, table(['link', 'mode', 'sources', 'excluded', 'reporters', 'version'], detail.memberships.map((entry) => [
        entry.link, entry.mode, entry.sources.join(', ') || '–', entry.excluded.join(', ') || '–', entry.reporters.join(', ') || '–', `v${entry.version}`,
      ]), 'no members'));
      replace(joinCard, table(['link', 'from', 'upstream', 'type', 'source', 'state'], detail.joins.map((join) => [
        join.link, context.routerName(join.from), context.routerName(join.upstream), join.type, join.source ?? '*', join.state,
      ]), 'no joins'));
      await Promise.all([renderCharts(detail, range), renderEvents(detail.at)]);
    },
    onChange(change) {
      if (context.at() === null && change.group === group) recentEvents.add(change);
    },
    dispose() {
      for (const chart of charts.splice(0)) chart.destroy();
    },
  };
}
