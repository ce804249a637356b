/**
 * The network map: every router and link of the capture as one graph (cytoscape, laid out by its
 * own force-directed `cose` layout), a chosen group's inferred tree overlaid on it (the links each
 * router takes the flow from and forwards it onto, RPT or SPT, with or without data), and the
 * findings at the moment marked on the links and routers they concern; clicking one lists them.
 */
import type { Core, ElementDefinition } from 'cytoscape';
import { getJson } from '../api.js';
import { h, replace, table } from '../dom.js';
import { clockTime, dateTime, groupHref, isRoutable } from '../format.js';
import { FindingsIndex, worstSeverity } from '../findings-index.js';
import type { FindingRecord } from '../../../shapes/findings.js';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import type { Tree } from '../../../shapes/trees.js';
import type { DashboardContext, View } from '../view.js';

const STYLE = [
  { selector: 'node', style: { label: 'data(label)', 'font-size': 11, 'text-valign': 'center', 'text-halign': 'center', color: '#0f172a', 'text-wrap': 'wrap' } },
  { selector: 'node.router', style: { shape: 'round-rectangle', width: 90, height: 34, 'background-color': '#1e3a8a', color: '#f8fafc' } },
  { selector: 'node.link', style: { shape: 'ellipse', width: 86, height: 30, 'background-color': '#e2e8f0', 'border-width': 1, 'border-color': '#94a3b8' } },
  { selector: 'node.members', style: { 'border-width': 3, 'border-color': '#16a34a' } },
  { selector: 'node.severity-warning', style: { 'background-color': '#fde68a' } },
  { selector: 'node.severity-error', style: { 'background-color': '#fca5a5' } },
  { selector: 'node.router.severity-warning', style: { 'background-color': '#a16207' } },
  { selector: 'node.router.severity-error', style: { 'background-color': '#b91c1c' } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#cbd5e1', 'curve-style': 'bezier' } },
  { selector: 'edge.tree', style: { width: 4, 'line-color': '#2563eb', 'target-arrow-color': '#2563eb', 'target-arrow-shape': 'triangle' } },
  { selector: 'edge.tree.rpt', style: { 'line-style': 'dashed', 'line-color': '#7c3aed', 'target-arrow-color': '#7c3aed' } },
  { selector: 'edge.tree.no-data', style: { 'line-color': '#f59e0b', 'target-arrow-color': '#f59e0b', 'line-style': 'dotted' } },
  { selector: 'edge.tree.unwanted', style: { 'line-color': '#dc2626', 'target-arrow-color': '#dc2626' } },
  // One line per interface unless a tree takes the flow in there.
  { selector: 'edge.in', style: { opacity: 0 } },
  { selector: 'edge.in.tree', style: { opacity: 1 } },
  { selector: ':selected', style: { 'overlay-color': '#0ea5e9', 'overlay-opacity': 0.25 } },
];

/** A tree's name in the selector and in the URL: "source group" ('*' for the shared tree). */
const treeKey = (tree: Pick<Tree, 'source' | 'group'>) => `${tree.source} ${tree.group}`;

export function mapView(context: DashboardContext, chosen: string | null): View {
  const select = h('select', { id: 'map-tree' });
  const summary = h('p', { class: 'muted', id: 'map-summary' });
  const canvas = h('div', { id: 'network-map' });
  const details = h('div', { id: 'map-details' }, h('p', { class: 'muted' }, 'click a router or a link for its findings'));
  const element = h('div', { class: 'map-view' }, h('h1', null, 'Network map'),
    h('section', { class: 'card' }, h('label', { class: 'option' }, 'tree: ', select), summary, canvas),
    h('section', { class: 'card' }, h('h2', null, 'Selected'), details));
  let graph: Core | null = null;
  let snapshot: NetworkSnapshot | null = null;
  let findings = new FindingsIndex([]);

  const showDetails = (title: string, list: readonly FindingRecord[]) => replace(details, h('h3', null, title),
    table(['severity', 'finding', 'from', 'why'], list.map((finding) => [
      h('span', { class: `badge severity-${finding.severity}` }, finding.severity), h('code', null, finding.kind), clockTime(finding.at),
      h('span', null, finding.explanation, ' ', finding.group === null ? '' : h('a', { href: groupHref(finding.group, finding.at) }, finding.group)),
    ]), 'no findings here at this moment'));

  /** Marks the chosen tree's edges: in-link → router (where it takes the flow from), router → out-link (where it forwards). */
  const overlay = () => {
    if (graph === null || snapshot === null) return;
    graph.edges().removeClass('tree rpt no-data unwanted');
    graph.nodes('.link').removeClass('members');
    const tree = snapshot.trees.find((entry) => treeKey(entry) === select.value);
    if (!tree) {
      replace(summary, `${snapshot.routers.length} routers, ${snapshot.links.length} links at ${dateTime(snapshot.at)}`);
      return;
    }
    for (const membership of snapshot.memberships) if (membership.group === tree.group) graph.$id(`link:${membership.link}`).addClass('members');
    let marked = 0;
    for (const edge of tree.edges) {
      const classes = ['tree', tree.kind === 'RPT' ? 'rpt' : '', edge.carriesData ? '' : 'no-data', edge.wanted ? '' : 'unwanted'].filter(Boolean).join(' ');
      const out = graph.$id(`out:${edge.router}|${edge.out}`);
      if (out.nonempty()) {
        out.addClass(classes);
        marked++;
      }
      if (edge.in !== null) graph.$id(`in:${edge.router}|${edge.in}`).addClass(classes);
    }
    replace(summary, `${tree.kind} (${tree.source}, ${tree.group})${tree.rp === null ? '' : `, RP ${tree.rp}`}: ${marked} forwarding edge(s) at ${dateTime(snapshot.at)} · `,
      h('a', { href: groupHref(tree.group, context.at() ?? undefined) }, 'group page'));
  };

  const draw = (state: NetworkSnapshot) => {
    const elements: ElementDefinition[] = [];
    const linkNames = new Set(state.links.map((link) => link.name));
    for (const router of state.routers) for (const entry of router.interfaces) linkNames.add(entry.link);
    for (const name of [...linkNames].sort()) {
      const here = findings.of('link', name);
      const worst = worstSeverity(here);
      elements.push({ group: 'nodes', data: { id: `link:${name}`, label: here.length > 0 ? `${name}\n⚑ ${here.length}` : name, findings: here.length }, classes: `link${worst === null ? '' : ` severity-${worst}`}` });
    }
    for (const router of state.routers) {
      const here = [...findings.of('router', router.id), ...router.interfaces.flatMap((entry) => entry.addresses.flatMap((address) => findings.of('router', address)))];
      const worst = worstSeverity(here);
      const name = router.name ?? router.id;
      elements.push({ group: 'nodes', data: { id: `router:${router.id}`, label: here.length > 0 ? `${name}\n⚑ ${here.length}` : name, findings: here.length }, classes: `router${worst === null ? '' : ` severity-${worst}`}` });
      // One edge each way per interface: the tree overlay marks the direction the flow takes.
      for (const entry of new Set(router.interfaces.map((item) => item.link))) {
        elements.push({ group: 'edges', data: { id: `out:${router.id}|${entry}`, source: `router:${router.id}`, target: `link:${entry}` } });
        elements.push({ group: 'edges', data: { id: `in:${router.id}|${entry}`, source: `link:${entry}`, target: `router:${router.id}` }, classes: 'in' });
      }
    }
    graph?.destroy();
    graph = cytoscape({ container: canvas, elements, style: STYLE as never, layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70 } as never });
    graph.on('tap', 'node', (event) => {
      const id = event.target.id() as string;
      if (id.startsWith('link:')) showDetails(`link ${id.slice(5)}`, findings.of('link', id.slice(5)));
      else {
        const router = state.routers.find((entry) => `router:${entry.id}` === id);
        if (!router) return;
        const addresses = router.interfaces.flatMap((entry) => entry.addresses);
        showDetails(`router ${router.name ?? router.id}`, [...findings.of('router', router.id), ...addresses.flatMap((address) => findings.of('router', address))]);
      }
    });
  };

  select.addEventListener('change', () => {
    overlay();
    // The tree chosen joins the URL's other parameters (the moment shown).
    const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
    if (select.value === '') params.delete('tree');
    else params.set('tree', select.value);
    const url = `#/map${params.size === 0 ? '' : `?${params.toString()}`}`;
    if (location.hash !== url) history.replaceState(null, '', url);
  });

  return {
    element,
    async refresh() {
      const [state, index] = await Promise.all([getJson<NetworkSnapshot>('/snapshot', context.atQuery()), FindingsIndex.load(context)]);
      snapshot = state;
      findings = index;
      context.rememberRouters(state.routers);
      const previous = select.value || chosen || '';
      const trees = state.trees.filter((tree) => isRoutable(tree.group)).sort((a, b) => a.group.localeCompare(b.group) || a.source.localeCompare(b.source));
      replace(select, h('option', { value: '' }, 'none'), ...trees.map((tree) => h('option', { value: treeKey(tree) }, `${tree.kind} (${tree.source}, ${tree.group})`)));
      select.value = trees.some((tree) => treeKey(tree) === previous) ? previous : '';
      draw(state);
      overlay();
    },
    dispose() {
      graph?.destroy();
      graph = null;
    },
  };
}
