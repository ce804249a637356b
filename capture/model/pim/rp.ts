/**
 * What the wire says about Rendezvous Points, domain-wide (not per link).
 *
 *   Bootstrap (RFC 5059)      the elected BSR of each address family: highest BSR priority, then highest
 *                             address (§3.1.1); a Bootstrap from a less preferred BSR than the live one is
 *                             ignored (§3.1.3); the BSR is gone after BS_Timeout (130 s) without one.
 *                             Its RP-set: each (RP, group range) for the RP's holdtime; holdtime 0
 *                             withdraws; a range whose RPs all fit in one fragment (RP count = fragment
 *                             RP count) replaces that range's RP list (§3.3). Ranges missing from a
 *                             later Bootstrap run out by their holdtimes.
 *   C-RP-Advertisement        (RP, each range) for its holdtime; no range means all multicast (§4.2);
 *                             holdtime 0 withdraws
 *   Register                  the IP destination is the RP of the inner (S,G), kept for Keepalive_Period
 *   Join(*,G)                 the entry's source address is the RP of G (RFC 7761 §4.9.5.1), kept for the
 *                             Join's holdtime
 * `rpForGroup` maps a group to one RP by RFC 7761 §4.7.2 (rp-hash.ts) over the RP-set of the live BSR,
 * which is then the whole answer (a group its RP-set does not cover has no RP); with no BSR, over the
 * C-RP-Advertisements seen, else the latest RP a Register or Join named for the group.
 */
import { addressBytes } from '../../addresses.js';
import { compareAddresses, familyOf, fullMaskLength, prefixContains, prefixText } from './address-order.js';
import { chooseRp } from './rp-hash.js';
import { finiteOrNull, TimerQueue } from './timer-queue.js';
import type { BsrSnapshot, Expiring, ObservedPim, PimChange, PimOptions, RpDetail, RpMapping, RpSnapshot, RpSource } from './types.js';
import type { AddressFamily, EncodedGroup, PimBootstrap, PimCandidateRpAdvertisement } from '../../protocols/pim.js';

/** RP and BSR state is domain-wide and about group ranges (the prefix is in the change's detail), not one (S,G). */
const DOMAIN_WIDE = { link: null, group: null, source: null } as const;

interface RpRow {
  key: string;
  rp: string;
  rpBytes: Uint8Array;
  family: AddressFamily;
  prefixBytes: Uint8Array;
  maskLength: number;
  groupPrefix: string;
  learnedFrom: RpSource;
  priority: number | null;
  holdtime: number | null;
  since: number;
  lastSeenAt: number;
  /** Expiry (Infinity: forever). */
  expiresAt: number;
  /**
   * The queued timer, never later than `expiresAt`. A refresh that only moves the expiry later
   * (a Register per data packet) leaves it; when it fires early it is queued again.
   */
  deadline: number;
}

interface ElectedBsr {
  family: AddressFamily;
  address: string;
  priority: number;
  hashMaskLength: number;
  since: number;
  /** BS_Timeout expiry. */
  deadline: number;
}

/** A group range as learned: prefix address and length. */
interface GroupRange {
  address: string;
  maskLength: number;
}

/** RFC 5059 §4.2: a C-RP-Adv without group prefixes serves every multicast group. */
const ALL_MULTICAST: Record<AddressFamily, GroupRange> = {
  4: { address: '224.0.0.0', maskLength: 4 },
  6: { address: 'ff00::', maskLength: 8 },
};

/** RFC 5059 §3.1.1: higher BSR priority wins, then the higher address. */
export function isPreferredBsr(a: { address: string; priority: number }, b: { address: string; priority: number }): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return compareAddresses(a.address, b.address) > 0;
}

export class RpKnowledge implements Expiring {
  /** The snapshot until the state changes (a cache: a checkpoint leaves it out, pipeline/checkpoint.ts). */
  private latest?: { rps: RpSnapshot[]; bsrs: BsrSnapshot[] } | undefined;
  private readonly rows = new Map<string, RpRow>();
  private readonly rowTimers = new TimerQueue<RpRow>();
  private readonly bsrs = new Map<AddressFamily, ElectedBsr>();
  private readonly bsrTimers = new TimerQueue<ElectedBsr>();

  constructor(private readonly options: PimOptions) {}

  onBootstrap(event: ObservedPim, message: PimBootstrap, out: PimChange[]): void {
    this.latest = undefined;
    const { time } = event;
    const { family, address } = message.bsrAddress;
    let bsr = this.bsrs.get(family);
    if (bsr && bsr.address !== address) {
      // RFC 5059 §3.1.3: a Bootstrap from a BSR less preferred than the current one is dropped.
      if (!isPreferredBsr({ address, priority: message.bsrPriority }, bsr)) return;
      bsr.deadline = Infinity;
    }
    if (!bsr || bsr.address !== address) {
      out.push({ time, ...DOMAIN_WIDE, kind: 'bsr-elected', detail: { address, priority: message.bsrPriority, previous: bsr?.address ?? null } });
      bsr = { family, address, priority: message.bsrPriority, hashMaskLength: message.hashMaskLength, since: time, deadline: Infinity };
      this.bsrs.set(family, bsr);
    }
    bsr.priority = message.bsrPriority;
    bsr.hashMaskLength = message.hashMaskLength;
    this.bsrTimers.schedule(bsr, time + this.options.bootstrapTimeout);

    for (const range of message.groups) {
      const groupRange = { address: range.group.address, maskLength: range.group.maskLength };
      if (range.rpCount === range.fragmentRpCount) {
        // §3.3: the whole RP list of this range is here; RPs no longer in it are withdrawn.
        this.withdrawRange('bsr', groupRange, range.rps.map((rp) => rp.address.address), time, out);
      }
      for (const rp of range.rps) {
        if (rp.holdtime === 0) this.withdraw('bsr', rp.address.address, groupRange, time, out);
        else this.learn('bsr', rp.address.address, groupRange, rp.priority, rp.holdtime, time, time + rp.holdtime, out);
      }
    }
  }

  onCandidateRpAdvertisement(event: ObservedPim, message: PimCandidateRpAdvertisement, out: PimChange[]): void {
    this.latest = undefined;
    const { time } = event;
    const rp = message.rpAddress.address;
    const ranges: readonly (GroupRange | EncodedGroup)[] = message.groups.length > 0 ? message.groups : [ALL_MULTICAST[message.rpAddress.family]];
    for (const range of ranges) {
      if (message.holdtime === 0) this.withdraw('c-rp-adv', rp, range, time, out);
      else this.learn('c-rp-adv', rp, range, message.priority, message.holdtime, time, time + message.holdtime, out);
    }
  }

  /** A Register to `rp` for `group` (its IP destination, RFC 7761 §4.4.1). */
  learnFromRegister(rp: string, group: string, time: number, out: PimChange[]): void {
    this.latest = undefined;
    const range = { address: group, maskLength: fullMaskLength(familyOf(group)) };
    this.learn('register', rp, range, null, null, time, time + this.options.keepalivePeriod, out);
  }

  /** A Join(*,G) naming `rp` (RFC 7761 §4.9.5.1); `group` may be a prefix ("a/len"). */
  learnFromJoin(rp: string, group: string, time: number, expiresAt: number, out: PimChange[]): void {
    this.latest = undefined;
    const slash = group.indexOf('/');
    const range = slash < 0
      ? { address: group, maskLength: fullMaskLength(familyOf(group)) }
      : { address: group.slice(0, slash), maskLength: Number(group.slice(slash + 1)) };
    this.learn('join', rp, range, null, null, time, expiresAt, out);
  }

  /** The RP of `group` by RFC 7761 §4.7.2, or null when nothing seen maps it. */
  rpForGroup(group: string): RpMapping | null {
    const groupBytes = addressBytes(group);
    if (!groupBytes) return null;
    const family = familyOf(group);
    const bsr = this.bsrs.get(family);
    if (bsr) {
      // RFC 5059 §3: with a BSR, its RP-set is the domain's group-to-RP mapping.
      const choice = chooseRp(this.matchingRows('bsr', groupBytes), groupBytes, bsr.hashMaskLength);
      return choice ? mapping(choice.candidate, choice.hash) : null;
    }
    const hashMaskLength = family === 4 ? this.options.hashMaskLengthIPv4 : this.options.hashMaskLengthIPv6;
    const advertised = chooseRp(this.matchingRows('c-rp-adv', groupBytes), groupBytes, hashMaskLength);
    if (advertised) return mapping(advertised.candidate, advertised.hash);
    let latest: RpRow | null = null;
    for (const row of [...this.matchingRows('register', groupBytes), ...this.matchingRows('join', groupBytes)]) {
      if (latest === null || row.lastSeenAt > latest.lastSeenAt) latest = row;
    }
    return latest === null ? null : mapping(latest, null);
  }

  /** Whether anything seen and still live at `now` names `address` as an RP of `group`. */
  isRpFor(address: string, group: string, now: number): boolean {
    const groupBytes = addressBytes(group);
    if (!groupBytes) return false;
    for (const row of this.rows.values()) {
      if (row.rp === address && row.expiresAt > now && prefixContains(row.prefixBytes, row.maskLength, groupBytes)) return true;
    }
    return false;
  }

  nextDeadline(): number {
    return Math.min(this.bsrTimers.nextDeadline(), this.rowTimers.nextDeadline());
  }

  expireAt(at: number, out: PimChange[]): void {
    this.latest = undefined;
    // RFC 5059 §3.1.3: the Bootstrap Timer expired; no BSR until the next Bootstrap.
    for (let bsr = this.bsrTimers.takeDue(at); bsr; bsr = this.bsrTimers.takeDue(at)) {
      this.bsrs.delete(bsr.family);
      out.push({ time: at, ...DOMAIN_WIDE, kind: 'bsr-expired', detail: { address: bsr.address } });
    }
    for (let row = this.rowTimers.takeDue(at); row; row = this.rowTimers.takeDue(at)) {
      if (row.expiresAt > at) {
        this.rowTimers.schedule(row, row.expiresAt);
        continue;
      }
      this.rows.delete(row.key);
      out.push({ time: at, ...DOMAIN_WIDE, kind: 'rp-expired', detail: { ...rpDetail(row), reason: 'holdtime-expired' } });
    }
  }

  snapshot(): { rps: RpSnapshot[]; bsrs: BsrSnapshot[] } {
    return this.latest ??= this.build();
  }

  private build(): { rps: RpSnapshot[]; bsrs: BsrSnapshot[] } {
    const rps = [...this.rows.values()]
      .map((row): RpSnapshot => ({
        ...rpDetail(row), holdtime: row.holdtime, since: row.since, expiresAt: finiteOrNull(row.expiresAt),
      }))
      .sort((a, b) => compareAddresses(a.rp, b.rp) || compareAddresses(a.groupPrefix, b.groupPrefix)
        || (a.learnedFrom < b.learnedFrom ? -1 : a.learnedFrom > b.learnedFrom ? 1 : 0));
    const bsrs = [...this.bsrs.values()]
      .sort((a, b) => a.family - b.family)
      .map((bsr) => ({ address: bsr.address, priority: bsr.priority, hashMaskLength: bsr.hashMaskLength, since: bsr.since, expiresAt: bsr.deadline }));
    return { rps, bsrs };
  }

  private matchingRows(tier: RpSource, group: Uint8Array): RpRow[] {
    const matches: RpRow[] = [];
    for (const row of this.rows.values()) {
      if (row.learnedFrom === tier && prefixContains(row.prefixBytes, row.maskLength, group)) matches.push(row);
    }
    return matches;
  }

  private learn(
    learnedFrom: RpSource, rp: string, range: GroupRange, priority: number | null, holdtime: number | null,
    time: number, expiresAt: number, out: PimChange[],
  ): void {
    const groupPrefix = prefixText(range.address, range.maskLength);
    const key = `${learnedFrom}\u0000${rp}\u0000${groupPrefix}`;
    let row = this.rows.get(key);
    if (!row) {
      const rpBytes = addressBytes(rp);
      const prefixBytes = addressBytes(range.address);
      if (!rpBytes || !prefixBytes) return;
      if (this.rows.size >= this.options.maxRps) {
        out.push({
          time, ...DOMAIN_WIDE, kind: 'limit-exceeded',
          detail: { limit: 'maxRps', max: this.options.maxRps, dropped: `RP ${rp} for ${groupPrefix} (${learnedFrom})` },
        });
        return;
      }
      row = {
        key, rp, rpBytes, family: familyOf(rp), prefixBytes, maskLength: range.maskLength, groupPrefix, learnedFrom,
        priority, holdtime, since: time, lastSeenAt: time, expiresAt: Infinity, deadline: Infinity,
      };
      this.rows.set(key, row);
      out.push({ time, ...DOMAIN_WIDE, kind: 'rp-learned', detail: rpDetail(row) });
    }
    row.priority = priority;
    row.holdtime = holdtime;
    row.lastSeenAt = time;
    row.expiresAt = expiresAt;
    if (expiresAt < row.deadline || row.deadline === Infinity) this.rowTimers.schedule(row, expiresAt);
  }

  private withdraw(learnedFrom: RpSource, rp: string, range: GroupRange, time: number, out: PimChange[]): void {
    const row = this.rows.get(`${learnedFrom}\u0000${rp}\u0000${prefixText(range.address, range.maskLength)}`);
    if (row) this.removeRow(row, time, out);
  }

  /** Withdraws the rows of `range` learned from `learnedFrom` whose RP is not in `keep`. */
  private withdrawRange(learnedFrom: RpSource, range: GroupRange, keep: readonly string[], time: number, out: PimChange[]): void {
    const groupPrefix = prefixText(range.address, range.maskLength);
    for (const row of this.rows.values()) {
      if (row.learnedFrom === learnedFrom && row.groupPrefix === groupPrefix && !keep.includes(row.rp)) this.removeRow(row, time, out);
    }
  }

  private removeRow(row: RpRow, time: number, out: PimChange[]): void {
    this.rows.delete(row.key);
    row.expiresAt = Infinity;
    row.deadline = Infinity;
    out.push({ time, ...DOMAIN_WIDE, kind: 'rp-expired', detail: { ...rpDetail(row), reason: 'withdrawn' } });
  }
}

function rpDetail(row: RpRow): RpDetail {
  return { rp: row.rp, groupPrefix: row.groupPrefix, learnedFrom: row.learnedFrom, priority: row.priority };
}

function mapping(row: RpRow, hash: number | null): RpMapping {
  return { rp: row.rp, groupPrefix: row.groupPrefix, learnedFrom: row.learnedFrom, priority: row.priority, hash };
}
