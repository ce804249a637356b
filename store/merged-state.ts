/**
 * Several captures in one store are one network seen from several points (issue 13): the state at
 * T is the union of what each capture held then, as `mcast analyze` merges several files.
 *
 * Which captures count at T: captures whose spans overlap (or touch) form one observation, as
 * per-link files of one lab do; at T, every capture of the observation holding T that
 * has begun by T counts. One that ended before T counts with its last state, as `mcast analyze`
 * of the files together keeps a link's state after that link's file ends; so does the last
 * observation before T when T falls between observations or after them.
 *
 * How their rows merge:
 *   - link-bound rows (links, memberships, joins, asserts, flows, latencies, anomalies) are all
 *     kept: links are distinct per capture file. When two captures name the same link, both sets
 *     of rows are kept (two `lan1` links, each with its own querier, frames, memberships): the
 *     store cannot tell one link captured twice from two links of the same name, and summing or
 *     choosing would hide one of them. A row both captures hold identically is kept once.
 *   - network-wide rows, each capture's own inference: RPs, BSRs and registers are kept once per
 *     fact key (the first capture's); trees of the same (source, group, kind) are one tree with
 *     the edges and nodes of both; routers sharing an id, an OSPF Router ID or an interface
 *     (link and address) are one router with the interfaces and evidence of both.
 */
import type { Router } from '../shapes/snapshot.js';
import type { Tree } from '../shapes/trees.js';
import { FACT_SPECS } from './facts.js';
import type { FactKind, StoredSnapshot } from './store-api.js';

/** A capture's span, as the captures table has it (null before its first frame). */
export interface CaptureSpan {
  id: number;
  start: number | null;
  end: number | null;
}

/** The captures that count at `time` (see above), in id order; empty before the first capture. */
export function capturesCountingAt(captures: readonly CaptureSpan[], time: number): number[] {
  const spans = captures.filter((capture): capture is { id: number; start: number; end: number } => capture.start !== null && capture.end !== null)
    .sort((a, b) => a.start - b.start);
  const observations: { end: number; spans: typeof spans }[] = [];
  for (const span of spans) {
    const last = observations.at(-1);
    if (last !== undefined && span.start <= last.end) {
      last.spans.push(span);
      last.end = Math.max(last.end, span.end);
    } else {
      observations.push({ end: span.end, spans: [span] });
    }
  }
  // The observation holding T, else (T between or after them) the last one before T, with its last state.
  const observation = [...observations].reverse().find((candidate) => candidate.spans[0]!.start <= time);
  return (observation?.spans ?? []).filter((span) => span.start <= time).map((span) => span.id).sort((a, b) => a - b);
}

type Row = Record<string, unknown>;

const LINK_BOUND: readonly FactKind[] = ['link', 'membership', 'join', 'assert', 'flow', 'latency', 'anomaly'];
const ONCE_PER_KEY: readonly FactKind[] = ['rp', 'bsr', 'register'];

function byKey(kind: FactKind) {
  const { key } = FACT_SPECS[kind];
  return (a: Row, b: Row) => {
    const [left, right] = [key(a), key(b)];
    return left < right ? -1 : left > right ? 1 : 0;
  };
}

function uniqueRows<T>(rows: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const row of rows) {
    const text = JSON.stringify(row);
    if (!seen.has(text)) seen.set(text, row);
  }
  return [...seen.values()];
}

function mergeTrees(trees: readonly Tree[]): Tree[] {
  const merged = new Map<string, Tree>();
  for (const tree of trees) {
    const key = FACT_SPECS.tree.key(tree);
    const found = merged.get(key);
    if (!found) {
      merged.set(key, { ...tree, edges: [...tree.edges], nodes: [...tree.nodes] });
      continue;
    }
    found.rp ??= tree.rp;
    found.switchoverAt ??= tree.switchoverAt;
    found.switchover ??= tree.switchover;
    found.edges = uniqueRows([...found.edges, ...tree.edges]);
    found.nodes = uniqueRows([...found.nodes, ...tree.nodes]);
  }
  return [...merged.values()];
}

function mergeRouters(routers: readonly Router[]): Router[] {
  const merged: Router[] = [];
  const interfaceKeys = (router: Router) => router.interfaces.flatMap((entry) => entry.addresses.map((address) => `${entry.link}|${address}`));
  const same = (a: Router, b: Router) => a.id === b.id || (a.ospfRouterId !== null && a.ospfRouterId === b.ospfRouterId)
    || interfaceKeys(a).some((key) => interfaceKeys(b).includes(key));
  for (const router of routers) {
    const found = merged.find((candidate) => same(candidate, router));
    if (!found) {
      merged.push({ ...router, interfaces: [...router.interfaces], evidence: [...router.evidence] });
      continue;
    }
    found.name ??= router.name;
    found.ospfRouterId ??= router.ospfRouterId;
    found.interfaces = uniqueRows([...found.interfaces, ...router.interfaces]);
    found.evidence = [...new Set([...found.evidence, ...router.evidence])];
  }
  return merged;
}

/** The state at T of several captures as one (see above); `snapshots` in capture id order. */
export function mergeSnapshots(at: number, snapshots: readonly StoredSnapshot[]): StoredSnapshot {
  const lists = snapshots as unknown as readonly Record<string, Row[]>[];
  const all = (kind: FactKind) => lists.flatMap((snapshot) => snapshot[FACT_SPECS[kind].list]!);
  const merged = { at } as unknown as Record<string, Row[]>;
  for (const kind of LINK_BOUND) merged[FACT_SPECS[kind].list] = uniqueRows(all(kind)).sort(byKey(kind));
  for (const kind of ONCE_PER_KEY) {
    const { key } = FACT_SPECS[kind];
    const once = new Map<string, Row>();
    for (const row of all(kind)) if (!once.has(key(row))) once.set(key(row), row);
    merged[FACT_SPECS[kind].list] = [...once.values()].sort(byKey(kind));
  }
  const snapshot = merged as unknown as StoredSnapshot;
  snapshot.trees = mergeTrees(snapshots.flatMap((entry) => entry.trees)).sort(byKey('tree'));
  snapshot.routers = mergeRouters(snapshots.flatMap((entry) => entry.routers)).sort(byKey('router'));
  return snapshot;
}
