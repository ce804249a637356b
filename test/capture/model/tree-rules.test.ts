/**
 * When a tree edge holds and when it ends, on the small network of test/helpers/small-network.ts:
 * R3 joins (S,G) towards R1; R1 and R2 both forward onto lan until an Assert (RFC 7761 §4.6)
 * makes R2 stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import type { Tree, TreeEdge } from '../../../shapes/trees.js';
import { G, R1, R2, S, smallNetworkFrames, T0, type Plan } from '../../helpers/small-network.js';
import { decodeFrame } from '../../../capture/decode.js';
import { frameTime } from '../../../capture/frame.js';

/** Snapshots of the trees at each of `times` (seconds after T0), the analyzer fed every frame before. */
function treesAt(plan: Plan, times: number[]): { trees: Tree[][]; analyzer: NetworkAnalyzer } {
  const analyzer = new NetworkAnalyzer();
  const snapshots: Tree[][] = [];
  let next = 0;
  for (const frame of smallNetworkFrames(plan)) {
    const time = frameTime(frame);
    while (next < times.length && T0 + times[next]! < time) snapshots.push(analyzer.snapshot(T0 + times[next++]!).trees);
    analyzer.onFrame(decodeFrame(frame));
  }
  while (next < times.length) snapshots.push(analyzer.snapshot(T0 + times[next++]!).trees);
  return { trees: snapshots, analyzer };
}

function edgesOf(trees: Tree[]): TreeEdge[] {
  return trees.find((tree) => tree.source === S && tree.group === G)?.edges ?? [];
}

const edgeOnto = (edges: TreeEdge[], router: string, out: string) => edges.find((edge) => edge.router === router && edge.out === out);

test('a lost Assert followed by silence ends the loser\'s edge at once, not when its activity window runs out', () => {
  const { trees } = treesAt({ sourceTtl: 64, duplicate: true, sideLeaks: [], end: 40 }, [19, 20.5, 30]);
  const [before, justAfter, later] = trees.map(edgesOf);
  assert.equal(edgeOnto(before!, R2.lan, 'lan')?.carriesData, true, 'both forward onto lan before the Assert');
  assert.equal(edgeOnto(before!, R1.lan, 'lan')?.carriesData, true);
  assert.notEqual(edgeOnto(justAfter!, R2.lan, 'lan')?.carriesData, true, 'the loser fell silent 0.5 s ago, well within its activity window');
  assert.equal(edgeOnto(justAfter!, R1.lan, 'lan')?.carriesData, true, 'the winner goes on');
  assert.notEqual(edgeOnto(later!, R2.lan, 'lan')?.carriesData, true);
});

test('a few isolated packets onto a link are a leak, recorded as such, not a forwarding edge', () => {
  const { trees, analyzer } = treesAt({ sourceTtl: 64, duplicate: false, sideLeaks: [10, 10.05], end: 20 }, [10.5, 15]);
  for (const edges of trees.map(edgesOf)) assert.equal(edgeOnto(edges, R2.lan, 'side'), undefined, 'no edge onto side');
  const side = analyzer.snapshot(T0 + 15).flows.find((flow) => flow.link === 'side');
  assert.ok(side, 'the leaked packets are still a flow on side');
  assert.equal(edgeOnto(edgesOf(trees[1]!), R1.lan, 'lan')?.carriesData, true, 'the real forwarding is an edge');
});

test('a member link the data cannot reach (TTL runs out at the last hop) stays an edge, marked TTL-limited', () => {
  const { trees } = treesAt({ sourceTtl: 2, duplicate: false, sideLeaks: [], end: 20 }, [15]);
  const edges = edgesOf(trees[0]!);
  const lastHop = edges.find((edge) => edge.out === 'rcv');
  assert.ok(lastHop, `no edge onto rcv: ${JSON.stringify(edges)}`);
  assert.equal(lastHop.ttlLimited, true);
  assert.equal(lastHop.wanted, true);
  assert.equal(lastHop.in, 'lan');
  assert.equal(edgeOnto(edges, R1.lan, 'lan')?.ttlLimited, false, 'R1 → lan: the data arrives (TTL 1) and is counted there');
});

test('with TTL to spare, the same last hop is an ordinary data-carrying edge', () => {
  const { trees } = treesAt({ sourceTtl: 64, duplicate: false, sideLeaks: [], end: 20 }, [15]);
  const lastHop = edgesOf(trees[0]!).find((edge) => edge.out === 'rcv');
  assert.deepEqual(lastHop && { in: lastHop.in, carriesData: lastHop.carriesData, ttlLimited: lastHop.ttlLimited }, { in: 'lan', carriesData: true, ttlLimited: false });
});
