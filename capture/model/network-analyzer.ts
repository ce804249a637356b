/**
 * The whole network as a passive observer reconstructs it: every decoded frame goes in, in time
 * order; what comes out is a snapshot at any moment (membership per link, PIM state, flows,
 * routers, inferred trees) and a timeline of changes. Packet time drives every timer, so a file
 * and a live capture of the same traffic give the same answers.
 */
import { hasBadChecksum, type FrameResult, type Packet } from '../decode.js';
import { FlowTracker, type FlowChange, type FlowModel, type FlowOptions, type FlowSnapshot } from './flows.js';
import { FlowMirror } from './flow-mirror.js';
import type { MediaSecond } from './stream-quality.js';
import { LatencyTracker } from './latency.js';
import { SwitchoverTimer } from './switchover.js';
import { LinkMembership, type MembershipOptions } from './membership/index.js';
import type { LinkMembershipSnapshot, MembershipChange } from './membership/types.js';
import { membershipObservation } from './membership-observations.js';
import { PIM_DEFAULTS, PimState, type PimOptions } from './pim/index.js';
import { RouterRegistry } from './routers.js';
import { DataPathCorrelator, type DataPathOptions, type ForwardingHop } from './data-paths.js';
import type { Topology } from './topology.js';
import type { TimelineEntry, TimelineListener } from './timeline.js';
import { buildSnapshot } from './snapshot.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';

/** TTLs / hop limits packets start with (RFC 1700's 64, 255; Windows' 128): no router has forwarded them yet. */
const ORIGINAL_TTLS = new Set([64, 128, 255]);

export interface AnalyzerOptions {
  topology: Topology | null;
  membership: Partial<MembershipOptions>;
  pim: Partial<PimOptions>;
  flows: Partial<FlowOptions>;
  dataPaths: Partial<DataPathOptions>;
  /** Called with every change as it happens (timeline output, database, live push). */
  onChange: TimelineListener | null;
  /**
   * Where flows and link counts come from: the data packets themselves, or the probes that counted
   * them (a collector: data packets it is given are the probes' fingerprint sample, for data paths).
   */
  flowsFrom: 'packets' | 'probes';
}

/** What a probe counted on its links by a whole second: the flows and links that changed, and complete media seconds. */
export interface ProbeFlowState {
  flows: FlowSnapshot[];
  links: ({ link: string } & LinkActivity)[];
  media: { link: string; source: string; group: string; second: MediaSecond }[];
}

/** Control messages one sender put on a link with a checksum that does not verify. */
export interface BadChecksums {
  link: string;
  sender: string;
  mac: string | null;
  kind: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface LinkActivity {
  frames: number;
  decodeErrors: number;
  firstSeen: number;
  lastSeen: number;
}

export class NetworkAnalyzer {
  readonly routers: RouterRegistry;
  readonly pim: PimState;
  readonly flows: FlowModel;
  /** The flows counted here, from packets; null when probes count them (`flowsFrom: 'probes'`). */
  private readonly flowTracker: FlowTracker | null;
  private readonly flowMirror: FlowMirror | null;
  /** Join and leave latency per link, group and host (latency.ts). */
  readonly latency = new LatencyTracker();
  readonly memberships = new Map<string, LinkMembership>();
  readonly links = new Map<string, LinkActivity>();
  /** When the last-hop routers first joined (S,G) towards the source while a (*,G) tree existed: the SPT switchover. */
  readonly switchovers = new Map<string, { time: number; router: string | null }>();
  /** How long each switchover took at its last-hop router (switchover.ts). */
  readonly switchoverTimer = new SwitchoverTimer();
  /** Frames and advances taken: what memoized snapshot parts are checked against. */
  private framesTaken = 0;
  private memo: { at: number; frames: number; memberships?: LinkMembershipSnapshot[]; flows?: FlowSnapshot[] } = { at: NaN, frames: -1 };
  /**
   * RPF links learned from the wire: where a router (by the address it sends from) last sent a
   * Join/Prune towards a source ((S,G)) or an RP ((*,G)), keyed `from|target`. They outlive the
   * join state, as a router's RPF interface outlives its joins.
   */
  readonly rpfLinks = new Map<string, string>();
  /** (S,G) channels some router joined, `source|group` → time of the latest Join: their state then lives on with the data. */
  readonly joinedChannels = new Map<string, number>();
  /** Every address that sent an IGMP/MLD query on a link (`link|family`): the routers running IGMP/MLD there. */
  readonly queryingRouters = new Map<string, Set<string>>();
  /** When routers were told, or told others, to stop forwarding: Assert wins, AssertCancels, PruneEchoes (trees.ts). */
  readonly forwardingStops = { assertWins: new Map<string, { winner: string; time: number }>(), stops: new Map<string, number>() };
  /** Bad-checksum control messages by `link|sender|kind`: dropped by every receiver, so never applied to the state. */
  readonly badChecksums = new Map<string, BadChecksums>();
  /**
   * Who sent a Join for a group on a link, `link|group` → sender → when its holdtime ends: the
   * routers that pull the group's data from that link (data-path evidence, routers.ts).
   */
  private readonly groupJoiners = new Map<string, Map<string, number>>();
  private readonly dataPaths: DataPathCorrelator;
  private readonly starGroups = new Set<string>();
  private readonly options: AnalyzerOptions;
  private now = -Infinity;
  /**
   * No membership or PIM timer runs out before this time, and the time their timers were last run
   * to (caches, pipeline/checkpoint.ts): most frames come before any is due, and only the flows'
   * timers are run for them. A control message changes timers, and is taken with them run to its time.
   */
  private controlQuietUntil = -Infinity;
  private controlTimersAt = -Infinity;

  /** RFC 7761 §4.11 Keepalive_Period, or the configured value: how long (S,G) state outlives its data. */
  readonly keepalivePeriod: number;

  constructor(options: Partial<AnalyzerOptions> = {}) {
    this.options = { topology: null, membership: {}, pim: {}, flows: {}, dataPaths: {}, onChange: null, flowsFrom: 'packets', ...options };
    this.keepalivePeriod = this.options.pim.keepalivePeriod ?? PIM_DEFAULTS.keepalivePeriod;
    this.routers = new RouterRegistry(this.options.topology);
    this.pim = new PimState(this.options.pim);
    this.flowTracker = this.options.flowsFrom === 'packets' ? new FlowTracker(this.options.flows) : null;
    this.flowMirror = this.flowTracker === null ? new FlowMirror() : null;
    this.flows = this.flowTracker ?? this.flowMirror!;
    this.dataPaths = new DataPathCorrelator(this.options.dataPaths);
  }

  /** Packet time of the latest frame or advance. */
  get time(): number {
    return this.now;
  }

  /**
   * Every link's membership state at `at`, and the flows': taken once per moment (the snapshot and
   * the findings both read them) and taken again after the next frame.
   */
  membershipSnapshots(at: number): LinkMembershipSnapshot[] {
    return this.memoized(at).memberships ??= [...this.memberships.values()].map((membership) => membership.snapshot(at));
  }

  flowSnapshots(at: number): FlowSnapshot[] {
    return this.memoized(at).flows ??= this.flows.snapshot(at);
  }

  private memoized(at: number): { memberships?: LinkMembershipSnapshot[]; flows?: FlowSnapshot[] } {
    if (this.memo.at !== at || this.memo.frames !== this.framesTaken) this.memo = { at, frames: this.framesTaken };
    return this.memo;
  }

  onFrame(result: FrameResult): void {
    this.framesTaken++;
    const time = result.ok ? result.packet.time : result.error.time;
    this.advance(time);
    const link = result.ok ? result.packet.link : result.error.link;
    // A collector's link counts are the probes' (onProbeFlowState): they saw every frame.
    const activity = this.flowTracker === null ? null : this.activityOf(link, time);
    if (!result.ok) {
      if (activity) activity.decodeErrors++;
      return;
    }
    if (hasBadChecksum(result.packet.message)) {
      if (activity) activity.decodeErrors++;
      this.noteBadChecksum(result.packet);
      return;
    }
    this.onPacket(result.packet);
    if (this.options.onChange !== null && this.routers.routersChanged()) {
      const routers = this.routers.routers();
      this.emit({
        area: 'router', time, link, group: null, source: null, kind: 'routers-changed',
        detail: { routers: routers.length, interfaces: routers.reduce((sum, router) => sum + router.interfaces.length, 0) },
      });
    }
  }

  private activityOf(link: string, time: number): LinkActivity {
    let activity = this.links.get(link);
    if (!activity) {
      activity = { frames: 0, decodeErrors: 0, firstSeen: time, lastSeen: time };
      this.links.set(link, activity);
    }
    activity.frames++;
    activity.lastSeen = time;
    return activity;
  }

  /** A probe's flow changes (`flowsFrom: 'probes'`), told at their time as the probe's tracker told them. */
  onProbeFlowChanges(changes: readonly FlowChange[]): void {
    for (const change of changes) {
      this.advance(change.time);
      this.emitAll('flow', [change]);
    }
  }

  /** What a probe counted by the whole second `time` (`flowsFrom: 'probes'`). */
  onProbeFlowState(time: number, state: ProbeFlowState): void {
    if (this.flowMirror === null) throw new Error('probe flow state given to an analyzer that counts packets');
    this.advance(time);
    this.framesTaken++;
    this.flowMirror.update(state.flows);
    for (const { link, ...activity } of state.links) this.links.set(link, activity);
    for (const { link, source, group, second } of state.media) this.flows.onMediaSecond?.(link, source, group, second);
  }

  /**
   * Runs every timer due up to `now` (also when no packet arrives, as in a silent live capture);
   * what they change is told in time order across membership, PIM and flows.
   */
  advance(now: number): void {
    if (now <= this.now) return;
    this.now = now;
    this.framesTaken++;
    this.runTimers(now, now >= this.controlQuietUntil);
  }

  /** Runs the timers due by `now`: the flows', and the membership and PIM ones when `control`. */
  private runTimers(now: number, control: boolean): void {
    // Called before every frame: most calls find nothing due and allocate nothing.
    let due: TimelineEntry[] | null = null;
    if (control) {
      for (const membership of this.memberships.values()) for (const change of membership.advance(now)) (due ??= []).push({ area: 'membership', ...change });
      for (const change of this.pim.advance(now)) (due ??= []).push({ area: 'pim', ...change });
      let quietUntil = this.pim.nextTimerAt();
      for (const membership of this.memberships.values()) quietUntil = Math.min(quietUntil, membership.nextTimerAt);
      this.controlQuietUntil = quietUntil;
      this.controlTimersAt = now;
    }
    for (const change of this.flows.advance(now)) (due ??= []).push({ area: 'flow', ...change });
    if (due === null) return;
    due.sort((a, b) => a.time - b.time);
    for (const entry of due) {
      if (entry.area === 'membership') this.latency.onMembershipChange(entry);
      else if (entry.area === 'flow') this.latency.onFlowChange(entry);
    }
    if (this.options.onChange === null) return;
    for (const entry of due) this.emit(entry);
  }

  snapshot(at = this.now): NetworkSnapshot {
    this.advance(at);
    this.catchUpControlTimers();
    return buildSnapshot(this, at);
  }

  /** Runs the membership and PIM timers to the analyzer's time, if advance left them before it (none was due). */
  private catchUpControlTimers(): void {
    if (this.controlTimersAt < this.now) this.runTimers(this.now, true);
  }

  private onPacket(packet: Packet): void {
    const { message, ip } = packet;
    if (ip === null) return;
    if (packet.ospf !== null) {
      this.routers.observe(packet.link, ip.src, packet.srcMac, { ospfRouterId: packet.ospf.routerId });
      for (const lsa of packet.ospf.routerLsas) this.routers.learnRouterLsa(lsa);
    }
    if (message.kind === 'data.ipv4' || message.kind === 'data.ipv6') {
      if (this.flowTracker !== null) this.emitAll('flow', this.flowTracker.onData(packet.time, packet.link, packet.srcMac, message, packet.macMismatch));
      for (const hop of this.dataPaths.observe(packet.time, packet.link, packet.srcMac, message)) this.learnFromHop(hop);
      // Timing a switchover takes every data packet; a collector sees only the probes' sample, and times nothing.
      if (this.flowTracker !== null) this.switchoverTimer.onData(packet.time, packet.link, message.source, message.group);
      return;
    }
    this.catchUpControlTimers();
    // What a control message changes may bring a timer forward.
    this.controlQuietUntil = -Infinity;
    if (message.kind.startsWith('pim.')) {
      this.onPim(packet);
      return;
    }
    const observation = membershipObservation(packet);
    if (observation === null) return;
    const membership = this.membershipFor(packet.link, ip.family);
    switch (observation.type) {
      case 'report':
        // RFC 3376 §6.4.2, RFC 3810 §7.4: TO_IN({}) or BLOCK (of its last sources) is how a v3 host leaves.
        for (const record of observation.report.records) {
          if ((record.type === 'TO_IN' && record.sources.length === 0) || record.type === 'BLOCK') this.latency.onLeave(packet.time, packet.link, record.group, observation.report.reporter);
        }
        this.emitAll('membership', membership.onReport(observation.report));
        break;
      case 'leave':
        this.latency.onLeave(packet.time, packet.link, observation.leave.group, observation.leave.reporter);
        this.emitAll('membership', membership.onLeave(observation.leave));
        break;
      case 'query': {
        this.routers.observe(packet.link, ip.src, packet.srcMac);
        const key = `${packet.link}|${ip.family}`;
        const seen = this.queryingRouters.get(key) ?? new Set<string>();
        this.queryingRouters.set(key, seen.add(ip.src));
        this.emitAll('membership', membership.onQuery(observation.query));
        break;
      }
    }
  }

  private onPim(packet: Packet): void {
    const { message, ip } = packet;
    if (ip === null || message.kind === 'other' || !message.kind.startsWith('pim.')) return;
    const pimMessage = message as Parameters<PimState['onMessage']>[0]['message'];
    if (pimMessage.kind === 'pim.hello') {
      this.routers.observe(packet.link, ip.src, packet.srcMac, { listedAddresses: pimMessage.secondaryAddresses.map((entry) => entry.address) });
    } else if (ip.dst === '224.0.0.13' || ip.dst === 'ff02::d') {
      this.routers.observe(packet.link, ip.src, packet.srcMac);
    } else if (packet.srcMac !== null && ORIGINAL_TTLS.has(ip.ttl)) {
      // Unicast PIM (Register, Register-Stop, C-RP-Advertisement) still at its initial TTL was
      // sent by the router whose MAC it carries: its source (a DR's or RP's address) is that router's.
      this.routers.observeAlias(packet.link, packet.srcMac, ip.src);
    }
    if (pimMessage.kind === 'pim.register') {
      for (const hop of this.dataPaths.observeRegistered(packet.time, pimMessage)) this.learnFromHop(hop);
    }
    const changes = this.pim.onMessage({ time: packet.time, link: packet.link, src: ip.src, dst: ip.dst, srcMac: packet.srcMac, message: pimMessage });
    this.emitAll('pim', changes);
    this.noteForwardingStops(changes);
    if (pimMessage.kind === 'pim.join-prune') {
      this.noteJoiners(packet.link, ip.src, pimMessage, packet.time);
      this.noteSwitchover(packet, changes);
      this.noteRpfLinks(packet.link, changes);
    }
  }

  /**
   * RFC 7761 §4.5.7: a last-hop router moves from the RP tree to the shortest-path tree by joining
   * (S,G) towards the source and pruning S from the RP tree with an (S,G,rpt) Prune. The moment
   * is the first (S,G) Join for a group that already had (*,G) Join state.
   */
  private noteSwitchover(packet: Packet, changes: ReturnType<PimState['onMessage']>): void {
    for (const change of changes) {
      if (change.kind !== 'join') continue;
      const { type, source, group, from } = change.detail;
      if (type === '*,G') {
        this.starGroups.add(group);
        this.switchoverTimer.onStarJoin(this.routers.routerWithAddress(from)?.id ?? from, group, packet.link);
      }
      if (type !== 'S,G' || source === null || !this.starGroups.has(group)) continue;
      const key = `${source}|${group}`;
      const router = this.routers.routerWithAddress(from);
      // The RP joining the source (by any of its addresses) is not a switchover.
      const rp = this.pim.rpForGroup(group)?.rp;
      if (this.pim.isRpAddress(from, group, packet.time) || (router !== null && rp !== undefined && this.routers.routerWithAddress(rp)?.id === router.id)) continue;
      this.switchoverTimer.onSwitchover(packet.time, router?.id ?? from, source, group, packet.link);
      if (this.switchovers.has(key)) continue;
      this.switchovers.set(key, { time: packet.time, router: router?.id ?? from });
      this.emit({ area: 'tree', time: packet.time, link: null, group, source, kind: 'spt-switchover', detail: { router: router?.id ?? from } });
    }
  }

  /**
   * RFC 7761 §4.6: the routers that lose an Assert stop forwarding onto the link; the winner that
   * sends an AssertCancel stops (§4.6.1); an upstream router's PruneEcho (a Prune naming itself
   * upstream, §4.5) says it stopped.
   */
  private noteForwardingStops(changes: ReturnType<PimState['onMessage']>): void {
    for (const change of changes) {
      if (change.link === null) continue;
      if (change.kind === 'assert-winner') {
        this.forwardingStops.assertWins.set(`${change.link}|${change.detail.source ?? '*'}|${change.detail.group}`, { winner: change.detail.winner, time: change.time });
      } else if (change.kind === 'assert-cancel') {
        this.forwardingStops.stops.set(`${change.link}|${change.detail.winner}|${change.detail.source ?? '*'}|${change.detail.group}`, change.time);
      } else if (change.kind === 'prune' && change.detail.from === change.detail.upstream) {
        this.forwardingStops.stops.set(`${change.link}|${change.detail.from}|${change.detail.source ?? '*'}|${change.detail.group}`, change.time);
      }
    }
  }

  private noteRpfLinks(link: string, changes: ReturnType<PimState['onMessage']>): void {
    for (const change of changes) {
      if (change.kind === 'join' && change.detail.type === 'S,G') this.joinedChannels.set(`${change.detail.source}|${change.detail.group}`, change.time);
      if (change.kind === 'join' || change.kind === 'prune') {
        const { from, upstream, type, source } = change.detail;
        if (from === upstream) continue; // a router naming itself upstream tells nothing of its RPF link
        const target = type === 'S,G' ? source : type === '*,G' && change.kind === 'join' ? change.detail.rp : null;
        if (target !== null) this.rpfLinks.set(`${from}|${target}`, link);
      }
    }
  }

  private noteJoiners(link: string, from: string, message: Extract<Parameters<PimState['onMessage']>[0]['message'], { kind: 'pim.join-prune' }>, time: number): void {
    if (message.holdtime === 0) return;
    for (const entry of message.groups) {
      if (entry.joinedSources.length === 0) continue;
      const key = `${link}|${entry.group.address}`;
      const joiners = this.groupJoiners.get(key) ?? new Map();
      this.groupJoiners.set(key, joiners.set(from, time + message.holdtime));
    }
  }

  /**
   * A router forwarded a datagram from `fromLink` onto `toLink`: on `fromLink` it owns one of the
   * interfaces that joined the group there (RFC 7761 §4.5; not necessarily towards the router that
   * sent the datagram: an Assert winner forwards for RPF'(S,G) whoever was joined); with no Join
   * (the source's own link, dense mode) one of the PIM routers there.
   */
  private learnFromHop(hop: ForwardingHop): void {
    const joiners = [...(this.groupJoiners.get(`${hop.fromLink}|${hop.group}`) ?? [])].filter(([, until]) => until >= hop.time).map(([from]) => from);
    const candidates = joiners.length > 0 ? joiners : this.pim.neighborAddresses(hop.fromLink, hop.family);
    this.routers.learnForwarding(hop.toLink, hop.toMac, hop.fromLink, hop.fromMac, candidates);
  }

  private noteBadChecksum(packet: Packet): void {
    const sender = packet.ip?.src ?? packet.srcMac ?? '?';
    const key = `${packet.link}|${sender}|${packet.message.kind}`;
    const seen = this.badChecksums.get(key);
    if (seen) {
      seen.count++;
      seen.lastSeen = packet.time;
    } else {
      this.badChecksums.set(key, { link: packet.link, sender, mac: packet.srcMac, kind: packet.message.kind, count: 1, firstSeen: packet.time, lastSeen: packet.time });
    }
  }

  private membershipFor(link: string, family: 4 | 6): LinkMembership {
    const key = `${link}|${family}`;
    let membership = this.memberships.get(key);
    if (!membership) {
      membership = new LinkMembership(link, family, this.options.membership);
      this.memberships.set(key, membership);
    }
    return membership;
  }

  private emitAll<A extends 'membership' | 'pim' | 'flow'>(area: A, changes: readonly object[]): void {
    if (changes.length === 0) return;
    if (area === 'membership') for (const change of changes as MembershipChange[]) this.latency.onMembershipChange(change);
    else if (area === 'flow') for (const change of changes as FlowChange[]) this.latency.onFlowChange(change);
    if (this.options.onChange === null) return;
    for (const change of changes) this.emit({ area, ...change } as TimelineEntry);
  }

  private emit(entry: TimelineEntry): void {
    this.options.onChange?.(entry);
  }
}
