/**
 * PIM neighbors of each link, from Hellos: RFC 7761 §4.3.1 (neighbor discovery) and §4.3.2 (DR).
 *
 *   Hello with Holdtime h        the sender is a neighbor until now + h (no option: Default_Hello_Holdtime,
 *                                105 s; 0xffff: never times out)
 *   Holdtime 0                   goodbye: the neighbor is removed at once
 *   new Generation ID            the neighbor restarted (§4.3.1): its state was lost
 *   Neighbor Liveness expiry     neighbor-down
 * Every change of the neighbor set, or of a DR Priority, re-runs the DR election of the link. IPv4 and
 * IPv6 PIM run apart (each its own Hellos, neighbors and DR), so a link holds one table per family.
 */
import { electDesignatedRouter } from './dr-election.js';
import { finiteOrNull, holdtimeExpiry, TimerQueue } from './timer-queue.js';
import type { Expiring, LinkSnapshot, NeighborSnapshot, ObservedPim, PimChange, PimOptions } from './types.js';
import { compareAddresses, familyOf } from './address-order.js';
import type { AddressFamily, PimHello } from '../../protocols/pim.js';

export interface Neighbor extends Omit<NeighborSnapshot, 'expiresAt'> {
  link: string;
  /** Neighbor Liveness Timer expiry (Infinity: never). */
  deadline: number;
}

export class LinkNeighbors {
  readonly neighbors = new Map<string, Neighbor>();
  dr: string | null = null;

  constructor(readonly link: string, readonly family: AddressFamily) {}
}

function linkKey(link: string, family: AddressFamily): string {
  return `${link}\u0000${family}`;
}

export class NeighborTable implements Expiring {
  /** The snapshot until the state changes (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts). */
  private latest?: LinkSnapshot[] | undefined;
  private readonly links = new Map<string, LinkNeighbors>();
  private readonly timers = new TimerQueue<Neighbor>();

  constructor(private readonly options: PimOptions) {}

  /** The neighbors of `link` in one address family, undefined when no such Hello was seen there. */
  neighborsOf(link: string, family: AddressFamily): ReadonlyMap<string, Neighbor> | undefined {
    return this.links.get(linkKey(link, family))?.neighbors;
  }

  onHello(event: ObservedPim, hello: PimHello, out: PimChange[]): void {
    this.latest = undefined;
    const { time, link, src: address } = event;
    const holdtime = hello.holdtime ?? this.options.helloHoldtime;
    const family = familyOf(address);
    const key = linkKey(link, family);
    let linkState = this.links.get(key);
    if (!linkState) {
      linkState = new LinkNeighbors(link, family);
      this.links.set(key, linkState);
    }
    const neighbors = linkState.neighbors;
    let neighbor = neighbors.get(address);

    // §4.3.1: a Holdtime of 0 means the sender is going away; forget it immediately.
    if (holdtime === 0) {
      if (neighbor) this.remove(linkState, neighbor, time, 'goodbye', out);
      return;
    }

    if (!neighbor) {
      if (neighbors.size >= this.options.maxNeighborsPerLink) {
        out.push({
          time, link, group: null, source: null, kind: 'limit-exceeded',
          detail: { limit: 'maxNeighborsPerLink', max: this.options.maxNeighborsPerLink, dropped: `neighbor ${address}` },
        });
        return;
      }
      neighbor = {
        link, address, mac: event.srcMac, holdtime, deadline: Infinity, drPriority: hello.drPriority,
        generationId: hello.generationId, secondaryAddresses: [], lanPruneDelay: null, since: time, lastHelloAt: time,
      };
      neighbors.set(address, neighbor);
      out.push({
        time, link, group: null, source: null, kind: 'neighbor-up',
        detail: { address, holdtime, drPriority: hello.drPriority, generationId: hello.generationId },
      });
    } else if (
      // §4.3.1: a Hello with a different Generation ID means the neighbor rebooted.
      neighbor.generationId !== null && hello.generationId !== null && neighbor.generationId !== hello.generationId
    ) {
      out.push({
        time, link, group: null, source: null, kind: 'neighbor-restart',
        detail: { address, previousGenerationId: neighbor.generationId, generationId: hello.generationId },
      });
      neighbor.since = time;
    }

    neighbor.mac = event.srcMac ?? neighbor.mac;
    neighbor.holdtime = holdtime;
    neighbor.drPriority = hello.drPriority;
    neighbor.generationId = hello.generationId;
    neighbor.lanPruneDelay = hello.lanPruneDelay;
    neighbor.lastHelloAt = time;
    if (hello.secondaryAddresses.length > 0 || neighbor.secondaryAddresses.length > 0) {
      neighbor.secondaryAddresses = hello.secondaryAddresses.map((secondary) => secondary.address);
    }
    this.timers.schedule(neighbor, holdtimeExpiry(time, holdtime));
    this.electDr(linkState, time, out);
  }

  nextDeadline(): number {
    return this.timers.nextDeadline();
  }

  /** §4.3.1: the Neighbor Liveness Timer expired. */
  expireAt(at: number, out: PimChange[]): void {
    this.latest = undefined;
    for (let neighbor = this.timers.takeDue(at); neighbor; neighbor = this.timers.takeDue(at)) {
      const linkState = this.links.get(linkKey(neighbor.link, familyOf(neighbor.address)))!;
      this.remove(linkState, neighbor, at, 'holdtime-expired', out);
    }
  }

  snapshot(): LinkSnapshot[] {
    return this.latest ??= this.build();
  }

  private build(): LinkSnapshot[] {
    const links = [...this.links.values()].sort((a, b) => (a.link < b.link ? -1 : a.link > b.link ? 1 : a.family - b.family));
    return links.map((linkState) => ({
      link: linkState.link,
      family: linkState.family,
      neighbors: [...linkState.neighbors.values()]
        .sort((a, b) => compareAddresses(a.address, b.address))
        .map(neighborSnapshot),
      dr: linkState.dr,
    }));
  }

  private remove(linkState: LinkNeighbors, neighbor: Neighbor, time: number, reason: 'goodbye' | 'holdtime-expired', out: PimChange[]): void {
    linkState.neighbors.delete(neighbor.address);
    neighbor.deadline = Infinity;
    out.push({ time, link: linkState.link, group: null, source: null, kind: 'neighbor-down', detail: { address: neighbor.address, reason } });
    this.electDr(linkState, time, out);
  }

  /** §4.3.2: re-run the election and record a change of DR. */
  private electDr(linkState: LinkNeighbors, time: number, out: PimChange[]): void {
    const dr = electDesignatedRouter(linkState.neighbors.values());
    if (dr === linkState.dr) return;
    out.push({ time, link: linkState.link, group: null, source: null, kind: 'dr-changed', detail: { from: linkState.dr, to: dr } });
    linkState.dr = dr;
  }
}

function neighborSnapshot(neighbor: Neighbor): NeighborSnapshot {
  return {
    address: neighbor.address,
    mac: neighbor.mac,
    holdtime: neighbor.holdtime,
    expiresAt: finiteOrNull(neighbor.deadline),
    drPriority: neighbor.drPriority,
    generationId: neighbor.generationId,
    secondaryAddresses: [...neighbor.secondaryAddresses],
    lanPruneDelay: neighbor.lanPruneDelay === null ? null : { ...neighbor.lanPruneDelay },
    since: neighbor.since,
    lastHelloAt: neighbor.lastHelloAt,
  };
}
