/**
 * Which router forwarded a datagram from one link onto another, told by the datagram itself. A
 * router forwards a multicast packet from its incoming interface to each outgoing one with the
 * TTL / hop limit one lower and the rest unchanged (RFC 7761 §4.2, RFC 1812 §5.3.1, RFC 8200 §3):
 * the same datagram (source, group, fingerprint) seen with TTL t+1 on link A and TTL t on link B,
 * sent there from MAC M, means the router owning M on B received it on A. Only a sample of the
 * datagrams is followed (by fingerprint, so every link samples the same ones), and a hop is told
 * once the datagram has had time to cross the network, with every sighting known: TTL t+1 on
 * exactly one link, or it is not told. A datagram also seen inside a PIM Register is not told at
 * all: the RP decapsulates it and forwards it one TTL lower than the DR received it, two routers and
 * a tunnel away (RFC 7761 §4.4.1), so its TTLs say nothing about which router took it from where.
 */
import type { MulticastData } from '../protocols/multicast-data.js';
import type { PimRegister } from '../protocols/pim/pim-register.js';

export interface DataPathOptions {
  /** How long one datagram may take to cross the captured network (seconds). */
  window: number;
  /** One datagram in `sampleEvery` is followed (fingerprint modulo). */
  sampleEvery: number;
}

/** Datagrams told before the queue drops them from its front. */
const COMPACT_AFTER = 1024;

const NO_HOPS: readonly ForwardingHop[] = Object.freeze([]);

export const DATA_PATH_DEFAULTS: Readonly<DataPathOptions> = { window: 1, sampleEvery: 16 };

/** One forwarding step: the router with `toMac` on `toLink` took the datagram from `fromLink`. */
export interface ForwardingHop {
  time: number;
  source: string;
  group: string;
  family: 4 | 6;
  fromLink: string;
  /** Who put the datagram on `fromLink`: the upstream router's MAC, or the source host's. */
  fromMac: string | null;
  fromTtl: number;
  toLink: string;
  toMac: string;
}

interface Sighting {
  time: number;
  link: string;
  mac: string | null;
  ttl: number;
}

interface Datagram {
  /** `source|group|fingerprint`: its entry in the correlator's lookup. */
  key: string;
  source: string;
  group: string;
  family: 4 | 6;
  firstSeen: number;
  sightings: Sighting[];
  /** Seen encapsulated in a Register. */
  tunneled: boolean;
}

export class DataPathCorrelator {
  private readonly options: DataPathOptions;
  /** The datagrams being followed, by key. */
  private readonly datagrams = new Map<string, Datagram>();
  /**
   * The same in first-seen order from `head` on, so the oldest are told first. Not the Map's own order:
   * V8 leaves a Map's deleted entries in place until it rehashes, so a Map drained from the front is
   * walked over every entry deleted so far on each look at its oldest.
   */
  private queue: Datagram[] = [];
  private head = 0;

  constructor(options: Partial<DataPathOptions> = {}) {
    this.options = { ...DATA_PATH_DEFAULTS, ...options };
  }

  /** Records a data packet; returns the hops of datagrams whose window closed by `time`. */
  observe(time: number, link: string, mac: string | null, data: MulticastData): readonly ForwardingHop[] {
    const hops = this.advance(time);
    if (data.fragment) return hops;
    this.datagram(time, data.source, data.group, data.kind === 'data.ipv4' ? 4 : 6, data.fingerprint)?.sightings.push({ time, link, mac, ttl: data.ttl });
    return hops;
  }

  /** Records a datagram seen inside a Register (its inner packet's fingerprint). */
  observeRegistered(time: number, register: PimRegister): readonly ForwardingHop[] {
    const hops = this.advance(time);
    const datagram = this.datagram(time, register.innerSource, register.innerGroup, register.innerFamily, register.innerFingerprint);
    if (datagram) datagram.tunneled = true;
    return hops;
  }

  /** The followed datagram with this fingerprint (created at its first sighting), or null when it is not in the sample. */
  private datagram(time: number, source: string, group: string, family: 4 | 6, fingerprint: number): Datagram | null {
    if (fingerprint % this.options.sampleEvery !== 0) return null;
    const key = `${source}|${group}|${fingerprint}`;
    let datagram = this.datagrams.get(key);
    if (!datagram) {
      datagram = { key, source, group, family, firstSeen: time, sightings: [], tunneled: false };
      this.datagrams.set(key, datagram);
      this.queue.push(datagram);
    }
    return datagram;
  }

  /** Tells the datagrams whose window closed by `now` (most calls: none, in one shared empty list). */
  advance(now: number): readonly ForwardingHop[] {
    const { queue } = this;
    const closed = now - this.options.window;
    let hops: ForwardingHop[] | null = null;
    while (this.head < queue.length && queue[this.head]!.firstSeen <= closed) {
      const datagram = queue[this.head++]!;
      this.datagrams.delete(datagram.key);
      (hops ??= []).push(...hopsOf(datagram));
    }
    // The told ones go once they are most of the list (each datagram is moved at most once on average).
    if (this.head >= COMPACT_AFTER && this.head * 2 >= queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
    return hops ?? NO_HOPS;
  }
}

function hopsOf(datagram: Datagram): ForwardingHop[] {
  if (datagram.tunneled) return [];
  const byTtl = new Map<number, Sighting[]>();
  for (const sighting of datagram.sightings) byTtl.set(sighting.ttl, [...(byTtl.get(sighting.ttl) ?? []), sighting]);
  const hops: ForwardingHop[] = [];
  for (const sighting of datagram.sightings) {
    if (sighting.mac === null) continue;
    const above = byTtl.get(sighting.ttl + 1) ?? [];
    const links = new Set(above.map((entry) => entry.link));
    // One link one hop above: the one it came from. Several: parallel paths, no telling which.
    if (links.size !== 1 || links.has(sighting.link)) continue;
    const upstream = above[0]!;
    hops.push({
      time: sighting.time, source: datagram.source, group: datagram.group, family: datagram.family,
      fromLink: upstream.link, fromMac: upstream.mac, fromTtl: upstream.ttl, toLink: sighting.link, toMac: sighting.mac,
    });
  }
  return hops;
}
