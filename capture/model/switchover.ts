/**
 * How long the last-hop router's switch from the RP tree to the shortest-path tree took, from the
 * data it received (RFC 7761 §4.5.7, §4.2.1): after its (S,G) Join it accepts S's packets from the RP
 * tree until they arrive on the SPT, then prunes S off the RP tree. Measured on its two incoming
 * links: the first packet of (S,G) on the SPT link after the Join, and the last on the RP-tree link.
 * The last RP-tree packet after the first SPT one is an overlap (both paths deliver, the router drops
 * the copies); before it, a gap (packets lost in the switch). When both trees enter the router on
 * one link the wire cannot tell them apart, and nothing is measured. Packet time only.
 */

/** Seconds without an RP-tree packet, once the SPT delivers, after which the switch is over. */
const SETTLED = 5;

export interface SwitchoverTiming {
  router: string;
  /** The link the router sent its (S,G) Join on: its SPT incoming link. */
  sptLink: string;
  /** The link it sent its (*,G) Join on: its RP-tree incoming link. */
  rptLink: string;
  joinedAt: number;
  firstSptPacketAt: number | null;
  lastRptPacketAt: number | null;
}

export class SwitchoverTimer {
  /** `source|group` → the switch being timed (what each data packet is checked against). */
  private readonly timings = new Map<string, SwitchoverTiming>();
  /** `source|group` → switches whose RP-tree data has settled. */
  private readonly settled = new Map<string, SwitchoverTiming>();
  /** `router|group` → the link of the router's latest (*,G) Join. */
  private readonly rptLinks = new Map<string, string>();

  onStarJoin(router: string, group: string, link: string): void {
    this.rptLinks.set(`${router}|${group}`, link);
  }

  /** A router's (S,G) Join after it joined (*,G): the switch begins. The first one the links can time is timed. */
  onSwitchover(time: number, router: string, source: string, group: string, sptLink: string): void {
    const rptLink = this.rptLinks.get(`${router}|${group}`);
    const key = `${source}|${group}`;
    if (rptLink === undefined || rptLink === sptLink || this.timings.has(key) || this.settled.has(key)) return;
    this.timings.set(key, { router, sptLink, rptLink, joinedAt: time, firstSptPacketAt: null, lastRptPacketAt: null });
  }

  onData(time: number, link: string, source: string, group: string): void {
    if (this.timings.size === 0) return;
    const key = `${source}|${group}`;
    const timing = this.timings.get(key);
    if (timing === undefined) return;
    if (link === timing.sptLink && timing.firstSptPacketAt === null) timing.firstSptPacketAt = time;
    if (timing.firstSptPacketAt !== null && time - Math.max(timing.lastRptPacketAt ?? timing.firstSptPacketAt, timing.firstSptPacketAt) > SETTLED) {
      this.timings.delete(key);
      this.settled.set(key, timing);
      return;
    }
    if (link === timing.rptLink) timing.lastRptPacketAt = time;
  }

  timing(source: string, group: string): SwitchoverTiming | null {
    const key = `${source}|${group}`;
    const found = this.timings.get(key) ?? this.settled.get(key);
    return found === undefined ? null : { ...found };
  }
}
