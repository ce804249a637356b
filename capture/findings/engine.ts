/**
 * The findings engine: fed what the analyzer sees (decoded packets, its changes) and, once a
 * second of packet time, the state itself; each family of findings (one file each) says what
 * holds, the tracker keeps them as intervals. Pure and on packet time, like the model.
 */
import type { Packet } from '../decode.js';
import { membershipObservation } from '../model/membership-observations.js';
import type { NetworkAnalyzer } from '../model/network-analyzer.js';
import type { TimelineEntry } from '../model/timeline.js';
import type { Finding, FindingChange } from '../../shapes/findings.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import { BranchFindings } from './branches.js';
import { ForwardingFindings, type RouterNames } from './forwarding.js';
import { MembershipExpiries, ssmRequests } from './membership.js';
import { badChecksums } from './packets.js';
import { PimFindings } from './pim.js';
import { QuerierFindings } from './querier.js';
import { StreamFindings } from './streams.js';
import { FindingsTracker, type FindingListener, type NumberedFinding } from './tracker.js';

/**
 * With nothing changing and no condition waiting out its holdsFor, the state is looked at this
 * often: silences (a querier or a flow that stopped) change nothing and are findings all the same;
 * their onsets come from the evidence (the last query, the Assert's time), not from when they were seen.
 */
const QUIET_EVALUATION = 5;

export class FindingsEngine {
  private readonly tracker: FindingsTracker;
  private readonly queriers: QuerierFindings;
  private readonly pim: PimFindings;
  private readonly forwarding: ForwardingFindings;
  private readonly expiries: MembershipExpiries;
  private readonly branches = new BranchFindings();
  private readonly streams = new StreamFindings();
  private lastEvaluation = -Infinity;
  private changed = true;
  /** The state at the latest evaluation: what changes between two evaluations are judged against. */
  private latest: NetworkSnapshot | null = null;
  private routers: RouterNames = new RouterNameIndex(null);

  /** `listener`: told of every finding opened or closed as it happens (a live dashboard's push). */
  constructor(listener: FindingListener | null = null) {
    this.tracker = new FindingsTracker(listener);
    this.queriers = new QuerierFindings(this.tracker);
    this.pim = new PimFindings(this.tracker);
    this.forwarding = new ForwardingFindings(this.tracker);
    this.expiries = new MembershipExpiries(this.tracker);
  }

  /** Every decoded packet: only IGMP/MLD and PIM Hellos are looked at (data is judged from the state). */
  onPacket(packet: Packet): void {
    const { message } = packet;
    // Nine in ten packets of a busy capture: decided before any text is looked into.
    if (message.kind === 'data.ipv4' || message.kind === 'data.ipv6') return;
    if (message.kind === 'pim.hello') {
      if (packet.ip !== null) this.pim.onHello(packet.time, packet.link, packet.ip.src, message);
      return;
    }
    if (!message.kind.startsWith('igmp.') && !message.kind.startsWith('mld.')) return;
    const observation = membershipObservation(packet);
    if (observation === null) return;
    this.queriers.observe(observation);
    this.expiries.observe(observation);
  }

  onChange(entry: TimelineEntry): void {
    this.changed = true;
    if (entry.area === 'pim') this.pim.onChange(entry);
    else if (entry.area === 'flow') this.forwarding.onFlowChange(entry, this.routers);
    else if (entry.area === 'membership') this.expiries.onChange(entry, this.latest);
  }

  /**
   * Looks at the state as of the analyzer's time: at most once a second of packet time, when
   * something changed or a condition waits out its holdsFor, else every QUIET_EVALUATION s.
   * `taken`: a snapshot at the analyzer's time another sink already took. Returns the snapshot
   * looked at (for the store to sync from the same one), null when it did not look.
   */
  evaluate(analyzer: NetworkAnalyzer, force = false, taken?: NetworkSnapshot): NetworkSnapshot | null {
    const at = analyzer.time;
    if (!Number.isFinite(at)) return null;
    if (!force && Math.floor(at) <= Math.floor(this.lastEvaluation)) return null;
    if (!force && !this.changed && !this.tracker.waiting && at - this.lastEvaluation < QUIET_EVALUATION) return null;
    this.lastEvaluation = at;
    this.changed = false;
    const snapshot = taken?.at === at ? taken : analyzer.snapshot(at);
    this.latest = snapshot;
    const memberships = analyzer.membershipSnapshots(at);
    this.expiries.evaluate(memberships);
    this.routers = new RouterNameIndex(snapshot);
    const portsOf = () => new Map(analyzer.flowSnapshots(at).map((flow) => [`${flow.source}|${flow.group}`, flow.dstPort]));
    const branches = this.branches.evaluate(at, snapshot, this.routers);
    // An ignored Prune is the reason for the unwanted data it puts on the link: one finding, not two.
    const ignored = new Set(branches.filter((entry) => entry.kind === 'tree.prune-ignored').map((entry) => `${entry.link}|${entry.source}|${entry.group}`));
    const forwarding = this.forwarding.evaluate(at, snapshot, this.routers, analyzer.forwardingStops.assertWins)
      .filter((entry) => entry.kind !== 'tree.unwanted-data' || !ignored.has(`${entry.link}|${entry.source}|${entry.group}`));
    this.tracker.holding(at, [
      ...this.queriers.evaluate(at, memberships),
      ...ssmRequests(memberships, snapshot),
      ...this.pim.evaluate(at, snapshot, this.routers),
      ...forwarding,
      ...branches,
      ...this.streams.evaluate(at, snapshot, this.routers, portsOf),
      ...badChecksums(at, analyzer.badChecksums.values()),
    ]);
    return snapshot;
  }

  /** Changes with every finding opened or closed (details of open ones are refreshed in place). */
  get revision(): number {
    return this.tracker.revision;
  }

  /** The findings opened, closed or refreshed since the last call, numbered (FindingsTracker.takeChanged). */
  takeChanged(): NumberedFinding[] {
    return this.tracker.takeChanged();
  }

  /** Every finding over the run so far. */
  all(): Finding[] {
    return this.tracker.all();
  }

  /** The findings holding at `at`. */
  at(at: number): Finding[] {
    return this.tracker.at(at);
  }
}

/** Routers by interface address, MAC and id, as the snapshot infers them (data and methods: a checkpoint keeps it, pipeline/checkpoint.ts). */
export class RouterNameIndex implements RouterNames {
  private readonly routers = new Map<string, NetworkSnapshot['routers'][number]>();

  constructor(snapshot: NetworkSnapshot | null) {
    for (const router of snapshot?.routers ?? []) {
      this.routers.set(router.id, router);
      for (const entry of router.interfaces) {
        for (const address of entry.addresses) this.routers.set(address, router);
        if (entry.mac !== null) this.routers.set(entry.mac, router);
      }
    }
  }

  of(addressOrMac: string): string | null {
    return this.routers.get(addressOrMac)?.id ?? null;
  }

  name(addressOrMac: string): string {
    const router = this.routers.get(addressOrMac);
    return router ? router.name ?? router.id : addressOrMac;
  }
}

/** The open / close of each finding, in time order (a moment is opened and closed at once). */
export function findingChanges(findings: readonly Finding[]): FindingChange[] {
  const changes: FindingChange[] = [];
  for (const finding of findings) {
    const { link, group, source } = finding;
    changes.push({ time: finding.at, area: 'finding', kind: 'opened', link, group, source, detail: finding });
    if (finding.until !== null) changes.push({ time: finding.until, area: 'finding', kind: 'closed', link, group, source, detail: finding });
  }
  return changes.sort((a, b) => a.time - b.time);
}
