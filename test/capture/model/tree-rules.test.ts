/**
 * When a tree edge holds and when it ends, on a small network built frame by frame:
 *
 *   S (10.1.0.10) ── src ──┬── R1 ──┐
 *                          └── R2 ──┴── lan ── R3 ── rcv (host H, member of 239.1.1.1)
 *                                      R2 ── side (nobody)
 *
 * Each router uses one MAC on all its links (so identity is not in question here). R3 joins
 * (S,G) towards R1; R1 and R2 both forward onto lan until an Assert (RFC 7761 §4.6) makes R2 stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame } from '../../../capture/decode.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import type { Tree, TreeEdge } from '../../../shapes/trees.js';
import { ethernetFrame, frameOf } from '../../helpers/encode-frame.js';
import { encodeIPv4, encodeUdp } from '../../helpers/encode-ip.js';
import { encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket } from '../../helpers/encode-igmp.js';
import { encodePim, type PimInput } from '../../helpers/encode-pim.js';

const T0 = 1_764_057_600;
const S = '10.1.0.10';
const G = '239.1.1.1';
const R1 = { mac: '02:00:00:00:00:01', src: '10.1.0.1', lan: '10.0.0.1' };
const R2 = { mac: '02:00:00:00:00:02', src: '10.1.0.2', lan: '10.0.0.2', side: '10.5.0.2' };
const R3 = { mac: '02:00:00:00:00:03', lan: '10.0.0.3', rcv: '10.3.0.1' };
const HOST_MAC = '02:00:00:00:00:0a';
const SOURCE_MAC = '02:00:00:00:00:0b';
const PROTOCOL_PIM = 103;
const PROTOCOL_UDP = 17;
const CHANGE_TO_EXCLUDE = 4;
const HOLDTIME_OPTION = 1;

type Step = { time: number; link: string; bytes: Uint8Array };

function pim(time: number, link: string, mac: string, src: string, message: PimInput, dst = '224.0.0.13'): Step {
  const { bytes } = encodePim(message, { src, dst });
  return { time, link, bytes: ethernetFrame('01:00:5e:00:00:0d', mac, 0x0800, encodeIPv4({ src, dst, protocol: PROTOCOL_PIM, ttl: 1, tos: 0xc0, payload: bytes })) };
}

const hello = (time: number, link: string, mac: string, src: string) =>
  pim(time, link, mac, src, { kind: 'pim.hello', options: [{ type: HOLDTIME_OPTION, value: [0, 105] }] });

function data(time: number, link: string, mac: string, ttl: number, id: number): Step {
  const udp = encodeUdp(S, G, 5000, 5001, new Uint8Array(64).fill(id & 0xff));
  return { time, link, bytes: ethernetFrame('01:00:5e:01:01:01', mac, 0x0800, encodeIPv4({ src: S, dst: G, protocol: PROTOCOL_UDP, ttl, id, payload: udp })) };
}

interface Plan {
  /** TTL the source sends with. */
  sourceTtl: number;
  /** Whether R2 forwards onto lan too, until the Assert at T0 + 20. */
  duplicate: boolean;
  /** Times R2 puts a packet onto side (nobody asked for it there). */
  sideLeaks: number[];
  end: number;
}

/** The network's frames, in time order: Hellos every 30 s, R3's Join every 60 s, IGMP every 10 s, data at 20 pps. */
function frames(plan: Plan): Step[] {
  const steps: Step[] = [];
  for (let time = T0; time < T0 + plan.end; time += 30) {
    steps.push(hello(time, 'src', R1.mac, R1.src), hello(time, 'src', R2.mac, R2.src), hello(time, 'lan', R1.mac, R1.lan),
      hello(time, 'lan', R2.mac, R2.lan), hello(time, 'lan', R3.mac, R3.lan), hello(time, 'rcv', R3.mac, R3.rcv), hello(time, 'side', R2.mac, R2.side));
  }
  for (let time = T0 + 0.5; time < T0 + plan.end; time += 60) {
    steps.push(pim(time, 'lan', R3.mac, R3.lan, {
      kind: 'pim.join-prune', upstreamNeighbor: R1.lan, holdtime: 210, groups: [{ group: { address: G, maskLength: 32 }, joinedSources: [{ address: S, maskLength: 32 }], prunedSources: [] }],
    }));
  }
  for (let time = T0 + 0.2; time < T0 + plan.end; time += 10) {
    steps.push({ time, link: 'rcv', bytes: ethernetFrame('01:00:5e:00:00:01', R3.mac, 0x0800, igmpPacket(R3.rcv, '224.0.0.1', encodeIgmpV3Query())) });
    steps.push({ time: time + 0.1, link: 'rcv', bytes: ethernetFrame('01:00:5e:00:00:16', HOST_MAC, 0x0800, igmpPacket('10.3.0.11', '224.0.0.22', encodeIgmpV3Report([{ type: CHANGE_TO_EXCLUDE, group: G }]))) });
  }
  const assertAt = T0 + 20;
  if (plan.duplicate) {
    steps.push(pim(assertAt, 'lan', R1.mac, R1.lan, { kind: 'pim.assert', group: { address: G, maskLength: 32 }, source: S, rpt: false, metricPreference: 110, metric: 10 }));
    steps.push(pim(assertAt + 0.01, 'lan', R2.mac, R2.lan, { kind: 'pim.assert', group: { address: G, maskLength: 32 }, source: S, rpt: false, metricPreference: 110, metric: 20 }));
  }
  let id = 1;
  for (let time = T0 + 1; time < T0 + plan.end; time += 0.05, id++) {
    const at = Math.round(time * 1000) / 1000;
    steps.push(data(at, 'src', SOURCE_MAC, plan.sourceTtl, id));
    if (plan.sourceTtl <= 1) continue;
    steps.push(data(at + 0.0002, 'lan', R1.mac, plan.sourceTtl - 1, id));
    if (plan.duplicate && at < assertAt + 0.02) steps.push(data(at + 0.0003, 'lan', R2.mac, plan.sourceTtl - 1, id));
    if (plan.sourceTtl > 2) steps.push(data(at + 0.0004, 'rcv', R3.mac, plan.sourceTtl - 2, id));
  }
  for (const [index, offset] of plan.sideLeaks.entries()) steps.push(data(T0 + offset, 'side', R2.mac, plan.sourceTtl - 1, 90_000 + index));
  return steps.sort((a, b) => a.time - b.time);
}

/** Snapshots of the trees at each of `times` (seconds after T0), the analyzer fed every frame before. */
function treesAt(plan: Plan, times: number[]): { trees: Tree[][]; analyzer: NetworkAnalyzer } {
  const analyzer = new NetworkAnalyzer();
  const snapshots: Tree[][] = [];
  let number = 1;
  let next = 0;
  for (const step of frames(plan)) {
    while (next < times.length && T0 + times[next]! < step.time) snapshots.push(analyzer.snapshot(T0 + times[next++]!).trees);
    analyzer.onFrame(decodeFrame(frameOf(step.bytes, { time: step.time, link: step.link, number: number++ })));
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
