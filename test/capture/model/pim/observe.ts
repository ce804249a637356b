/**
 * Builds ObservedPim events for the PIM state tests from real bytes: each message is encoded by
 * test/helpers/encode-pim.ts and decoded by the PIM decoder, so the state sees what a capture gives.
 */
import { decodePim } from '../../../../capture/protocols/pim.js';
import type { ObservedPim, PimChange, PimChangeKind } from '../../../../capture/model/pim/index.js';
import { encodePim, helloOption, type HelloOptionInput, type PimInput, type SourceInput } from '../../../helpers/encode-pim.js';

export const ALL_PIM_ROUTERS_V4 = '224.0.0.13';
export const ALL_PIM_ROUTERS_V6 = 'ff02::d';

export function observe(time: number, link: string, src: string, message: PimInput, dst?: string): ObservedPim {
  const to = dst ?? (src.includes(':') ? ALL_PIM_ROUTERS_V6 : ALL_PIM_ROUTERS_V4);
  const { bytes, ip } = encodePim(message, { src, dst: to });
  const decoded = decodePim(bytes, ip);
  if (!decoded.ok) throw new Error(`test message does not decode: ${decoded.error.reason}`);
  return { time, link, src, dst: to, srcMac: null, message: decoded.value };
}

export interface HelloFields {
  holdtime?: number;
  drPriority?: number;
  generationId?: number;
  lanPruneDelay?: { propagationDelayMs: number; overrideIntervalMs: number };
}

export function hello(fields: HelloFields = {}): PimInput {
  const options: HelloOptionInput[] = [];
  if (fields.holdtime !== undefined) options.push(helloOption.holdtime(fields.holdtime));
  if (fields.lanPruneDelay) {
    options.push(helloOption.lanPruneDelay(false, fields.lanPruneDelay.propagationDelayMs, fields.lanPruneDelay.overrideIntervalMs));
  }
  if (fields.drPriority !== undefined) options.push(helloOption.drPriority(fields.drPriority));
  if (fields.generationId !== undefined) options.push(helloOption.generationId(fields.generationId));
  return { kind: 'pim.hello', options };
}

/** (*,G) entry: the RP's address with S, W and R set (RFC 7761 §4.9.5.1). */
export function starG(rp: string): SourceInput {
  return { address: rp, sparse: true, wildcard: true, rpt: true };
}

export function sg(source: string): SourceInput {
  return { address: source, sparse: true };
}

export function sgRpt(source: string): SourceInput {
  return { address: source, sparse: true, rpt: true };
}

export interface GroupEntries {
  group: string;
  joins?: SourceInput[];
  prunes?: SourceInput[];
}

export function joinPrune(upstreamNeighbor: string, holdtime: number, ...groups: GroupEntries[]): PimInput {
  return {
    kind: 'pim.join-prune',
    upstreamNeighbor,
    holdtime,
    groups: groups.map((entry) => ({ group: { address: entry.group }, joinedSources: entry.joins ?? [], prunedSources: entry.prunes ?? [] })),
  };
}

export function kinds(changes: readonly PimChange[]): PimChangeKind[] {
  return changes.map((change) => change.kind);
}

/** The changes of one kind, with their detail typed. */
export function changesOf<K extends PimChangeKind>(changes: readonly PimChange[], kind: K): Extract<PimChange, { kind: K }>[] {
  return changes.filter((change): change is Extract<PimChange, { kind: K }> => change.kind === kind);
}
