/**
 * A group's forwarding trees drawn as one graph: routers and links are nodes; an edge goes
 * router → link where the router forwards onto the link (outgoing) and link → router where the
 * router receives the flow (its RPF/incoming link). Nodes are laid out in layers by distance from
 * the roots (the source's link, the RP), top to bottom.
 * Styles: SPT (and SSM) edges solid, RPT edges dashed; data nobody wants in red; a link with
 * duplicate forwarders in orange; edges with join state but no data in grey. Where a router holds
 * both an RP-tree and a shortest-path edge onto one link, both are drawn side by side, each in its
 * own state (after the switchover the SPT edge carries the data, the RPT one none). An edge onto a
 * link with findings about the group there carries a flag: their count, coloured by the worst.
 */
import { svg } from '../dom.js';
import type { Tree } from '../../../shapes/trees.js';
import type { Severity } from '../../../shapes/findings.js';

export interface TreeGraphContext {
  routerName(id: string): string;
  /** Links with members of the group, and how many reporters. */
  memberLinks: Map<string, number>;
  /** Links where the flow is forwarded by more than one router. */
  duplicatedLinks: Set<string>;
  /** The findings about the group on a link, for the flags on the edges onto it; null: none. */
  findingsOn?: (link: string) => { count: number; worst: Severity; kinds: string[] } | null;
}

interface GraphNode {
  id: string;
  kind: 'router' | 'link' | 'source';
  label: string;
  badges: string[];
  classes: string[];
  layer: number;
  x: number;
  y: number;
}

type EdgeStyle = 'spt' | 'rpt';

interface GraphEdge {
  from: string;
  to: string;
  style: EdgeStyle;
  kinds: Set<Tree['kind']>;
  classes: Set<string>;
  /** Whether the flow's data is seen on this edge (outgoing edges only). */
  carriesData: boolean;
}

/** SSM channels are shortest-path trees (RFC 4607). */
const styleOf = (kind: Tree['kind']): EdgeStyle => (kind === 'RPT' ? 'rpt' : 'spt');
/** How far an RP-tree edge is drawn beside its shortest-path twin. */
const TWIN_OFFSET = 7;

const NODE_WIDTH = 132;
const NODE_HEIGHT = 40;
const LAYER_GAP = 92;
const COLUMN_GAP = 28;
const MARGIN = 24;

const routerId = (router: string) => `router:${router}`;
const linkId = (link: string) => `link:${link}`;

function buildGraph(trees: Tree[], context: TreeGraphContext): { nodes: Map<string, GraphNode>; edges: Map<string, GraphEdge> } {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const node = (id: string, kind: GraphNode['kind'], label: string): GraphNode => {
    let found = nodes.get(id);
    if (!found) {
      found = { id, kind, label, badges: [], classes: [], layer: -1, x: 0, y: 0 };
      nodes.set(id, found);
    }
    return found;
  };
  const linkNode = (link: string) => {
    const found = node(linkId(link), 'link', link);
    const members = context.memberLinks.get(link);
    if (members !== undefined && !found.badges.some((badge) => badge.startsWith('members'))) found.badges.push(`members ${members}`);
    if (context.duplicatedLinks.has(link) && !found.classes.includes('duplicate')) found.classes.push('duplicate');
    return found;
  };
  const edge = (from: string, to: string, kind: Tree['kind']): GraphEdge => {
    const key = `${from}>${to}>${styleOf(kind)}`;
    let found = edges.get(key);
    if (!found) {
      found = { from, to, style: styleOf(kind), kinds: new Set(), classes: new Set(), carriesData: false };
      edges.set(key, found);
    }
    found.kinds.add(kind);
    return found;
  };

  for (const tree of trees) {
    for (const entry of tree.nodes) {
      const router = node(routerId(entry.router), 'router', context.routerName(entry.router));
      if (entry.isRp && !router.badges.includes('RP')) router.badges.push('RP');
      if (entry.isFirstHop && !router.badges.includes('first hop')) router.badges.push('first hop');
      if (entry.in !== null) {
        edge(linkNode(entry.in).id, router.id, tree.kind);
        if (entry.isFirstHop && tree.source !== '*') edge(node(`source:${tree.source}`, 'source', `source ${tree.source}`).id, linkId(entry.in), tree.kind);
      }
    }
    for (const entry of tree.edges) {
      const router = node(routerId(entry.router), 'router', context.routerName(entry.router));
      const out = edge(router.id, linkNode(entry.out).id, tree.kind);
      out.carriesData ||= entry.carriesData;
      if (entry.carriesData && !entry.wanted) out.classes.add('unwanted');
      if (entry.carriesData && context.duplicatedLinks.has(entry.out)) out.classes.add('duplicate');
      if (entry.in !== null) edge(linkNode(entry.in).id, router.id, tree.kind);
    }
  }
  // Grey only when no tree of this style carries data on the edge (several (S,G) of one group share it).
  for (const entry of edges.values()) if (entry.from.startsWith('router:') && !entry.carriesData) entry.classes.add('no-data');
  return { nodes, edges };
}

/** Layers by breadth-first distance from the roots (nodes nothing points to; else the RP). */
function layout(nodes: Map<string, GraphNode>, edges: Map<string, GraphEdge>): { width: number; height: number } {
  const next = new Map<string, string[]>();
  const incoming = new Map<string, number>();
  for (const entry of edges.values()) {
    next.set(entry.from, [...(next.get(entry.from) ?? []), entry.to]);
    incoming.set(entry.to, (incoming.get(entry.to) ?? 0) + 1);
  }
  const sorted = [...nodes.values()].sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }));
  let queue = sorted.filter((entry) => !incoming.has(entry.id));
  if (queue.length === 0) queue = sorted.filter((entry) => entry.badges.includes('RP')).slice(0, 1);
  for (const root of queue) root.layer = 0;
  while (queue.length > 0) {
    const following: GraphNode[] = [];
    for (const current of queue) {
      for (const id of next.get(current.id) ?? []) {
        const target = nodes.get(id)!;
        if (target.layer >= 0) continue;
        target.layer = current.layer + 1;
        following.push(target);
      }
    }
    queue = following;
  }
  // Nodes reached only through a cycle (no root above them) go below everything else.
  const deepest = Math.max(0, ...sorted.map((entry) => entry.layer));
  for (const entry of sorted) if (entry.layer < 0) entry.layer = deepest + 1;

  const layers = new Map<number, GraphNode[]>();
  for (const entry of sorted) layers.set(entry.layer, [...(layers.get(entry.layer) ?? []), entry]);
  // Top row: the source first, then the RP; each lower row ordered by where its parents sit
  // (barycenter), which keeps most edges from crossing.
  const topRank = (entry: GraphNode) => (entry.kind === 'source' ? 0 : entry.badges.includes('RP') ? 1 : 2);
  layers.get(0)?.sort((a, b) => topRank(a) - topRank(b));
  const column = new Map<string, number>();
  const previous = new Map<string, string[]>();
  for (const entry of edges.values()) previous.set(entry.to, [...(previous.get(entry.to) ?? []), entry.from]);
  for (const layer of [...layers.keys()].sort((a, b) => a - b)) {
    const row = layers.get(layer)!;
    const barycenter = new Map(row.map((entry) => {
      const parents = (previous.get(entry.id) ?? []).filter((id) => column.has(id) && nodes.get(id)!.layer < layer);
      return [entry.id, parents.length === 0 ? Number.MAX_SAFE_INTEGER : parents.reduce((sum, id) => sum + column.get(id)!, 0) / parents.length];
    }));
    if (layer > 0) row.sort((a, b) => barycenter.get(a.id)! - barycenter.get(b.id)!);
    row.forEach((entry, index) => column.set(entry.id, index - (row.length - 1) / 2));
  }
  const widest = Math.max(1, ...[...layers.values()].map((row) => row.length));
  const width = MARGIN * 2 + widest * NODE_WIDTH + (widest - 1) * COLUMN_GAP;
  for (const [layer, row] of layers) {
    const rowWidth = row.length * NODE_WIDTH + (row.length - 1) * COLUMN_GAP;
    row.forEach((entry, index) => {
      entry.x = (width - rowWidth) / 2 + index * (NODE_WIDTH + COLUMN_GAP) + NODE_WIDTH / 2;
      entry.y = MARGIN + layer * LAYER_GAP + NODE_HEIGHT / 2;
    });
  }
  return { width, height: MARGIN * 2 + (Math.max(...layers.keys()) + 1) * LAYER_GAP - (LAYER_GAP - NODE_HEIGHT) + 14 };
}

function edgePath(from: GraphNode, to: GraphNode, offset: number): string {
  if (offset !== 0) from = { ...from, x: from.x + offset };
  if (offset !== 0) to = { ...to, x: to.x + offset };
  const down = to.y > from.y;
  const startY = from.y + (down ? NODE_HEIGHT / 2 : -NODE_HEIGHT / 2);
  const endY = to.y + (down ? -NODE_HEIGHT / 2 : NODE_HEIGHT / 2);
  if (from.y === to.y) {
    // Same layer: arc below both nodes.
    const y = from.y + NODE_HEIGHT / 2;
    return `M ${from.x} ${y} C ${from.x} ${y + 40}, ${to.x} ${y + 40}, ${to.x} ${y + 2}`;
  }
  const middle = (startY + endY) / 2;
  return `M ${from.x} ${startY} C ${from.x} ${middle}, ${to.x} ${middle}, ${to.x} ${endY}`;
}

export function treeGraph(trees: Tree[], context: TreeGraphContext): SVGSVGElement {
  const { nodes, edges } = buildGraph(trees, context);
  const { width, height } = layout(nodes, edges);
  const defs = svg('defs', {},
    ...['plain', 'unwanted', 'duplicate', 'no-data'].map((name) => svg('marker', {
      id: `arrow-${name}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerUnits: 'userSpaceOnUse', markerWidth: 13, markerHeight: 13, orient: 'auto-start-reverse',
    }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: `arrow arrow-${name}` }))));

  const edgeElements = [...edges.values()].map((entry) => {
    const from = nodes.get(entry.from)!;
    const to = nodes.get(entry.to)!;
    const highlight = ['unwanted', 'duplicate', 'no-data'].find((name) => entry.classes.has(name)) ?? 'plain';
    const kinds = [...entry.kinds].join('+');
    const twin = entry.style === 'rpt' && edges.has(`${entry.from}>${entry.to}>spt`);
    return svg('path', {
      d: edgePath(from, to, twin ? TWIN_OFFSET : 0), class: `edge edge-${entry.style} edge-${highlight}`, 'marker-end': `url(#arrow-${highlight})`,
      'data-from': from.label, 'data-to': to.label, 'data-kinds': kinds, 'data-state': highlight,
    }, svg('title', {}, `${from.label} → ${to.label} (${kinds}${highlight === 'plain' ? '' : `, ${highlight}`})`));
  });

  // A flag halfway along each router → link edge whose link has findings about the group.
  const flags = [...edges.values()].filter((entry) => entry.from.startsWith('router:')).flatMap((entry) => {
    const to = nodes.get(entry.to)!;
    const found = to.kind === 'link' ? context.findingsOn?.(to.label) ?? null : null;
    if (found === null) return [];
    const from = nodes.get(entry.from)!;
    const twin = entry.style === 'rpt' && edges.has(`${entry.from}>${entry.to}>spt`);
    const x = (from.x + to.x) / 2 + (twin ? TWIN_OFFSET : 0);
    const y = (from.y + to.y) / 2;
    return [svg('g', { class: `edge-finding severity-${found.worst}`, transform: `translate(${x}, ${y})`, 'data-link': to.label, 'data-count': found.count, 'data-severity': found.worst },
      svg('circle', { r: 9 }), svg('text', { 'text-anchor': 'middle', y: 4 }, String(found.count)),
      svg('title', {}, `${found.count} finding(s) on ${to.label}: ${found.kinds.join(', ')}`))];
  });

  const nodeElements = [...nodes.values()].map((entry) => svg('g', {
    class: `node node-${entry.kind} ${entry.classes.map((name) => `node-${name}`).join(' ')}`,
    transform: `translate(${entry.x - NODE_WIDTH / 2}, ${entry.y - NODE_HEIGHT / 2})`, 'data-node': entry.label, 'data-kind': entry.kind,
  },
  svg('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: entry.kind === 'router' ? 8 : 18 }),
  svg('text', { x: NODE_WIDTH / 2, y: entry.badges.length > 0 ? 17 : 25, 'text-anchor': 'middle', class: 'label' }, entry.label),
  entry.badges.length > 0 ? svg('text', { x: NODE_WIDTH / 2, y: 32, 'text-anchor': 'middle', class: 'badge-text' }, entry.badges.join(' · ')) : null));

  return svg('svg', { class: 'tree-graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img' }, defs, ...edgeElements, ...nodeElements, ...flags);
}
