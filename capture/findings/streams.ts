/**
 * Streams, from the data seen per link (capture/model/stream-quality.ts):
 *   stream.loss             packets missing in a flow's own numbering (RTP, RFC 3550 §6.4.1; MPEG-TS
 *                           continuity, ISO/IEC 13818-1 §2.4.3.3) on a link, while the link it comes from
 *                           (the forwarding router's incoming link in the inferred tree) is clean: the loss
 *                           happens between the two, on that router or that link. Told at the first lossy link only,
 *                           while its loss episode lasts (gaps less than LOSS_EPISODE_GAP apart).
 *   group.multiple-senders  several sources sending to one any-source group (RFC 1112 §4: any host may send to
 *                           a group); a warning when they send to the same UDP port, where one application's
 *                           receivers get both streams interleaved (the collision SSM avoids, RFC 4607 §1)
 */
import { isSsmGroup } from '../addresses.js';
import { LOSS_EPISODE_GAP } from '../model/stream-quality.js';
import { isRoutable } from '../model/trees.js';
import type { FlowState, NetworkSnapshot } from '../../shapes/snapshot.js';
import type { RouterNames } from './forwarding.js';
import type { Condition } from './tracker.js';

const flowKey = (link: string, source: string, group: string) => `${link}|${source}|${group}`;

export class StreamFindings {
  /** `portsOf`: the UDP destination ports each (source, group) sends to (asked only when a group has several sources). */
  evaluate(at: number, snapshot: NetworkSnapshot, routers: RouterNames, portsOf: () => ReadonlyMap<string, number | null>): Condition[] {
    return [...losses(at, snapshot, routers), ...multipleSenders(snapshot, portsOf)];
  }
}

function losses(at: number, snapshot: NetworkSnapshot, routers: RouterNames): Condition[] {
  const flows = new Map(snapshot.flows.map((flow) => [flowKey(flow.link, flow.source, flow.group), flow]));
  const lossy = (flow: FlowState | undefined) => flow?.quality?.lossEpisode != null && at - flow.quality.lossEpisode.to <= LOSS_EPISODE_GAP;
  const conditions: Condition[] = [];
  for (const flow of snapshot.flows) {
    if (!lossy(flow)) continue;
    const quality = flow.quality!;
    const episode = quality.lossEpisode!;
    const edge = upstreamEdge(snapshot, flow);
    const upstream = edge?.in == null ? undefined : flows.get(flowKey(edge.in, flow.source, flow.group));
    if (lossy(upstream)) continue; // lossy upstream too: the fault is further up, told there
    const cleanUpstream = upstream !== undefined && upstream.packets > 0 ? edge!.in : null;
    const where = cleanUpstream !== null
      ? `while ${cleanUpstream}, where ${routers.name(edge!.router)} takes it from, has none: the loss is in ${routers.name(edge!.router)} or on ${flow.link}`
      : 'and no captured link upstream carries it to compare (the sender\'s own link, or its upstream is not captured)';
    const numbering = quality.payloadFormat === 'rtp' ? 'RTP sequence numbers' : 'MPEG-TS continuity counters';
    conditions.push({
      kind: 'stream.loss', severity: 'error', link: flow.link, group: flow.group, source: flow.source, router: edge?.router ?? null,
      detail: { upstream: cleanUpstream, lostPackets: quality.lostPackets, lastLossAt: episode.to, format: quality.payloadFormat, mediaLossRate: quality.last?.mediaLossRate ?? null },
      explanation: `(${flow.source}, ${flow.group}) loses packets on ${flow.link} (gaps in its ${numbering}, ${quality.lostPackets} missing so far) ${where}.`,
      rule: quality.payloadFormat === 'rtp' ? 'RFC 3550 §6.4.1' : 'ISO/IEC 13818-1 §2.4.3.3',
      since: episode.from,
    });
  }
  return conditions;
}

/** The tree edge that puts the flow onto its link, with the router's incoming link: the (S,G) tree's, else the (*,G) tree's. */
function upstreamEdge(snapshot: NetworkSnapshot, flow: FlowState): NetworkSnapshot['trees'][number]['edges'][number] | undefined {
  const trees = snapshot.trees.filter((tree) => tree.group === flow.group && (tree.source === flow.source || tree.source === '*'))
    .sort((a, b) => (a.source === '*' ? 1 : 0) - (b.source === '*' ? 1 : 0));
  for (const tree of trees) {
    const edge = tree.edges.find((entry) => entry.out === flow.link && entry.in !== null && entry.carriesData)
      ?? tree.edges.find((entry) => entry.out === flow.link && entry.in !== null);
    if (edge) return edge;
  }
  return undefined;
}

function multipleSenders(snapshot: NetworkSnapshot, portsOf: () => ReadonlyMap<string, number | null>): Condition[] {
  const sources = new Map<string, Set<string>>();
  for (const flow of snapshot.flows) {
    if (flow.pps === 0 || !isRoutable(flow.group) || isSsmGroup(flow.group)) continue;
    sources.set(flow.group, (sources.get(flow.group) ?? new Set()).add(flow.source));
  }
  const conditions: Condition[] = [];
  let ports: ReadonlyMap<string, number | null> | null = null;
  for (const [group, senders] of sources) {
    if (senders.size < 2) continue;
    ports ??= portsOf();
    const sorted = [...senders].sort();
    const byPort = new Map<number, string[]>();
    for (const source of sorted) {
      const port = ports.get(`${source}|${group}`);
      if (port !== null && port !== undefined) byPort.set(port, [...(byPort.get(port) ?? []), source]);
    }
    const colliding = [...byPort].filter(([, onPort]) => onPort.length > 1);
    conditions.push({
      kind: 'group.multiple-senders', severity: colliding.length > 0 ? 'warning' : 'info', link: null, group, source: null, router: null,
      detail: { sources: sorted, sharedPorts: colliding.map(([port, onPort]) => ({ port, sources: onPort })) },
      explanation: colliding.length > 0
        ? `${sorted.length} sources send to ${group}, ${colliding.map(([port, onPort]) => `${onPort.join(' and ')} to the same UDP port ${port}`).join('; ')}: a receiver of that port gets the streams interleaved (only a source-specific join would tell them apart).`
        : `${sorted.length} sources send to the any-source group ${group} (${sorted.join(', ')}): members get them all.`,
      rule: colliding.length > 0 ? 'RFC 4607 §1' : 'RFC 1112 §4',
    });
  }
  return conditions;
}
