/**
 * The PIM state rebuilt from each lab sample (samples/<name>/pcap, FRR routers) against what the
 * routers themselves reported at each checkpoint (samples/<name>/truth/checkpoint-*.json).
 * The routers are asked one after the other between `timeStart` and `timeEnd`, so a message on the
 * wire in that window may or may not be in a router's answer: every entry a router reported must be
 * in the rebuilt state at the start or at the end of the window, and every rebuilt entry present at
 * both ends must be in the routers' answers.
 *
 *   `show ip pim join json`      JOIN entries        ↔ rows in state join, keyed by the upstream's address
 *                                SGRpt(P) entries    ↔ (S,G,rpt) rows in state pruned
 *   `show ip pim upstream json`  regState of (S,G)   ↔ register state (RegJoin registering, RegPrune
 *                                                      suppressed, RegJoinPend probing)
 *   `show ip pim interface json` pimDesignatedRouter ↔ the DR of the link where the interface's address says Hello
 *   `show ip pim neighbor json`  neighbors           ↔ the other routers heard on that link
 *   `show ip pim assert`         Winner of each      ↔ the Assert winner of (S,G) (every router's row names it;
 *                                (S,G) row             a rebuilt winner must be reported by someone)
 *   `show ip pim bsr json`       the accepted BSR    ↔ the elected BSR
 *   `show ip pim rp-info json`   RPs from the BSR    ↔ the RP each Bootstrap group range maps to (RFC 7761 §4.7.2)
 * Neighbors and DRs are compared for the FRR routers' own interfaces only (a lab may add a PIM speaker of its own).
 *
 * Known differences, FRR's and not the wire's:
 *   - FRR keeps one channel per (S,G) and interface for both the (S,G) and the (S,G,rpt) machines of
 *     RFC 7761 §4.5.3 and §4.5.4, so an (S,G) Join on an interface hides an (S,G,rpt) Prune there: a
 *     rebuilt (S,G,rpt) Prune that FRR shows as an (S,G) JOIN on the same interface is not counted as extra;
 *   - the `pim-joins` entries of a sample's known-differences.json ("router link type source group", each
 *     explained there) are not counted in their direction at their checkpoint.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { decodeFrame } from '../../../../capture/decode.js';
import { openCaptureFiles } from '../../../../capture/sources/capture-file.js';
import { PimState, type ObservedPim, type RegisterState } from '../../../../capture/model/pim/index.js';

const SAMPLES = new URL('../../../../../samples/', import.meta.url);

interface KnownDifference {
  checkpoint: number;
  category: string;
  direction: 'extra' | 'missed';
  item: string;
}

interface Topology {
  nodes: { name: string; interfaces?: { link: string; ipv4?: string[] }[] }[];
}

/** Join-state entries a sample explains as FRR's own behaviour, as View entries by checkpoint and direction. */
function knownJoinDifferences(sample: string): Map<string, Set<string>> {
  const differences = new Map<string, Set<string>>();
  const file = new URL(`${sample}/known-differences.json`, SAMPLES);
  const topologyFile = new URL(`${sample}/topology.json`, SAMPLES);
  if (!existsSync(file) || !existsSync(topologyFile)) return differences;
  const topology = JSON.parse(readFileSync(topologyFile, 'utf8')) as Topology;
  const addressOn = (router: string, link: string) =>
    topology.nodes.find((node) => node.name === router)?.interfaces?.find((entry) => entry.link === link)?.ipv4?.[0]?.split('/')[0];
  for (const difference of JSON.parse(readFileSync(file, 'utf8')) as KnownDifference[]) {
    if (difference.category !== 'pim-joins') continue;
    const [router, link, type, source, group] = difference.item.split(' ');
    const key = `${difference.checkpoint} ${type === 'S,G,rpt' ? 'rptPrunes' : 'joins'} ${difference.direction === 'extra' ? 'extra' : 'missing'}`;
    let entries = differences.get(key);
    if (!entries) differences.set(key, entries = new Set());
    entries.add(`${addressOn(router!, link!)} ${group} ${type === '*,G' ? '*' : source}`);
  }
  return differences;
}

interface FrrRouter {
  'show ip pim interface json': Record<string, { name: string; address: string; pimDesignatedRouter?: string }>;
  'show ip pim neighbor json': Record<string, Record<string, unknown>>;
  'show ip pim join json': Record<string, Record<string, unknown> & { address?: string }>;
  'show ip pim upstream json': Record<string, Record<string, { regState?: string }>>;
  'show ip pim assert': string;
  'show ip pim bsr json'?: { bsr?: string; priority?: number; state?: string };
  'show ip pim rp-info json'?: Record<string, { rpAddress: string; group: string; source: string }[]>;
}

interface Checkpoint {
  checkpoint: number;
  label: string;
  timeStart: number;
  timeEnd: number;
  routers: Record<string, FrrRouter>;
}

interface FrrJoinEntry {
  channelJoinName?: string;
}

interface View {
  joins: string[];
  rptPrunes: string[];
  registers: string[];
  /** "interface address → DR" */
  drs: string[];
  /** "interface address → neighbor" */
  neighbors: string[];
  /** "source group winner" */
  assertWinners: string[];
  /** "address priority" */
  bsrs: string[];
  /** "group range → RP" for the ranges a BSR gave */
  bsrRps: string[];
}

const VIEW_KEYS = ['joins', 'rptPrunes', 'registers', 'drs', 'neighbors', 'assertWinners', 'bsrs', 'bsrRps'] as const;

/** FRR's Bootstrap state when it has accepted no BSR. */
const NO_BSR = new Set(['NO_INFO', undefined]);

const REGISTER_STATES: Record<string, RegisterState> = { RegJoin: 'registering', RegPrune: 'suppressed', RegJoinPend: 'probing' };

/** FRR's interfaces that send no Hello (the loopback, the register tunnel): nothing on the wire to compare. */
const NO_HELLO_INTERFACES = new Set(['lo', 'pimreg']);

/** `show ip pim assert` columns: Interface Address Source Group State Winner Uptime Timer. */
const ASSERT_ROW = /^\S+\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s/;

/** The samples whose truth holds FRR's PIM state and whose captures are there (a lab run regenerating one empties it). */
function labSamples(): string[] {
  if (!existsSync(SAMPLES)) return [];
  return readdirSync(SAMPLES).filter((name) => {
    const truth = new URL(`${name}/truth/`, SAMPLES);
    const pcap = new URL(`${name}/pcap/`, SAMPLES);
    if (!existsSync(truth) || !existsSync(pcap) || readdirSync(pcap).length === 0) return false;
    const first = readdirSync(truth).find((file) => file.startsWith('checkpoint-'));
    if (first === undefined) return false;
    const checkpoint = JSON.parse(readFileSync(new URL(first, truth), 'utf8')) as Partial<Checkpoint>;
    return Object.values(checkpoint.routers ?? {}).some((router) => 'show ip pim join json' in router);
  }).sort();
}

async function observations(sample: string): Promise<ObservedPim[]> {
  const pcapDirectory = new URL(`${sample}/pcap/`, SAMPLES);
  const files = readdirSync(pcapDirectory).map((name) => new URL(name, pcapDirectory).pathname);
  const events: ObservedPim[] = [];
  for await (const frame of openCaptureFiles(files).frames) {
    const result = decodeFrame(frame);
    if (!result.ok || result.packet.ip === null) continue;
    const { message, ip, time, link, srcMac } = result.packet;
    if (message.kind === 'other' || !message.kind.startsWith('pim.')) continue;
    events.push({ time, link, src: ip.src, dst: ip.dst, srcMac, message: message as ObservedPim['message'] });
  }
  return events;
}

function frrView(checkpoint: Checkpoint): View {
  const view: View = { joins: [], rptPrunes: [], registers: [], drs: [], neighbors: [], assertWinners: [], bsrs: [], bsrRps: [] };
  for (const router of Object.values(checkpoint.routers)) {
    const bsr = router['show ip pim bsr json'];
    if (bsr && !NO_BSR.has(bsr.state) && bsr.bsr !== '0.0.0.0') view.bsrs.push(`${bsr.bsr} ${bsr.priority}`);
    for (const entries of Object.values(router['show ip pim rp-info json'] ?? {})) {
      for (const entry of entries) if (entry.source === 'BSR') view.bsrRps.push(`${entry.group} ${entry.rpAddress}`);
    }
    for (const iface of Object.values(router['show ip pim interface json'] ?? {})) {
      if (NO_HELLO_INTERFACES.has(iface.name) || iface.pimDesignatedRouter === undefined) continue;
      view.drs.push(`${iface.address} ${iface.pimDesignatedRouter}`);
      for (const neighbor of Object.keys(router['show ip pim neighbor json']?.[iface.name] ?? {})) view.neighbors.push(`${iface.address} ${neighbor}`);
    }
    for (const iface of Object.values(router['show ip pim join json'] ?? {})) {
      for (const [group, sources] of Object.entries(iface)) {
        if (typeof sources !== 'object' || sources === null) continue;
        for (const [source, entry] of Object.entries(sources as Record<string, FrrJoinEntry>)) {
          if (entry.channelJoinName === 'JOIN') view.joins.push(`${iface.address} ${group} ${source}`);
          if (entry.channelJoinName === 'SGRpt(P)') view.rptPrunes.push(`${iface.address} ${group} ${source}`);
        }
      }
    }
    for (const [group, sources] of Object.entries(router['show ip pim upstream json'] ?? {})) {
      for (const [source, entry] of Object.entries(sources)) {
        const state = REGISTER_STATES[entry.regState ?? ''];
        if (source !== '*' && state) view.registers.push(`${source} ${group} ${state}`);
      }
    }
    for (const line of (router['show ip pim assert'] ?? '').split('\n').slice(1)) {
      const row = ASSERT_ROW.exec(line);
      if (row && (row[4] === 'WINNER' || row[4] === 'LOSER')) view.assertWinners.push(`${row[2]} ${row[3]} ${row[5]}`);
    }
  }
  for (const key of VIEW_KEYS) view[key] = [...new Set(view[key])].sort();
  return view;
}

/** The addresses of the FRR routers' interfaces, whose neighbors and DRs the truth holds. */
function frrAddresses(checkpoint: Checkpoint): Set<string> {
  const addresses = new Set<string>();
  for (const router of Object.values(checkpoint.routers)) {
    for (const iface of Object.values(router['show ip pim interface json'] ?? {})) addresses.add(iface.address);
  }
  return addresses;
}

function myView(state: PimState, now: number, routerAddresses: ReadonlySet<string>): View {
  const snapshot = state.snapshot(now);
  const drs: string[] = [];
  const neighbors: string[] = [];
  for (const link of snapshot.links) {
    for (const router of link.neighbors) {
      if (!routerAddresses.has(router.address)) continue;
      drs.push(`${router.address} ${link.dr}`);
      for (const other of link.neighbors) if (other !== router) neighbors.push(`${router.address} ${other.address}`);
    }
  }
  return {
    joins: snapshot.joins.filter((row) => row.state === 'join' && row.type !== 'S,G,rpt')
      .map((row) => `${row.upstream} ${row.group} ${row.source ?? '*'}`).sort(),
    rptPrunes: snapshot.joins.filter((row) => row.state === 'pruned' && row.type === 'S,G,rpt')
      .map((row) => `${row.upstream} ${row.group} ${row.source}`).sort(),
    registers: snapshot.registers.map((row) => `${row.source} ${row.group} ${row.state}`).sort(),
    drs: drs.sort(),
    neighbors: neighbors.sort(),
    assertWinners: snapshot.asserts.map((entry) => `${entry.source ?? '*'} ${entry.group} ${entry.winner}`).sort(),
    bsrs: snapshot.bsrs.map((bsr) => `${bsr.address} ${bsr.priority}`),
    bsrRps: [...new Set(snapshot.rps.filter((row) => row.learnedFrom === 'bsr').map((row) => row.groupPrefix))]
      .map((range) => `${range} ${state.rpForGroup(range.slice(0, range.indexOf('/')))?.rp}`).sort(),
  };
}

type Disagreements = Record<keyof View, { missing: string[]; extra: string[] }>;

/** What the routers reported and the rebuilt state had at neither end; what it had at both ends and they did not report. */
function disagreements(frr: View, atStart: View, atEnd: View, checkpoint: number, known: Map<string, Set<string>>): Disagreements {
  const result = {} as Disagreements;
  const none = new Set<string>();
  for (const key of VIEW_KEYS) {
    // FRR's single (S,G) channel per interface: its JOIN stands for an (S,G,rpt) Prune there too.
    const reported = new Set(key === 'rptPrunes' ? [...frr.rptPrunes, ...frr.joins] : frr[key]);
    const start = new Set(atStart[key]);
    const end = new Set(atEnd[key]);
    const knownExtra = known.get(`${checkpoint} ${key} extra`) ?? none;
    const knownMissing = known.get(`${checkpoint} ${key} missing`) ?? none;
    result[key] = {
      missing: frr[key].filter((entry) => !start.has(entry) && !end.has(entry) && !knownMissing.has(entry)),
      extra: atStart[key].filter((entry) => end.has(entry) && !reported.has(entry) && !knownExtra.has(entry)),
    };
  }
  return result;
}

describe('lab samples against the routers\' own state', () => {
  const samples = labSamples();
  it('finds the committed lab samples with FRR truth', () => {
    assert.ok(samples.length >= 3, `found ${samples.join(', ')}`);
  });
  for (const sample of samples) {
    it(`${sample}: neighbors, DRs, Joins, (S,G,rpt) Prunes, registers, Assert winners, BSR and RPs as FRR reported them`, async () => {
      const truthDirectory = new URL(`${sample}/truth/`, SAMPLES);
      const checkpoints = readdirSync(truthDirectory).filter((name) => name.startsWith('checkpoint-')).sort()
        .map((name) => JSON.parse(readFileSync(new URL(name, truthDirectory), 'utf8')) as Checkpoint);
      const events = await observations(sample);
      assert.ok(events.length > 0, 'PIM messages in the captures');
      const known = knownJoinDifferences(sample);

      const state = new PimState();
      const agree: Disagreements = Object.fromEntries(VIEW_KEYS.map((key) => [key, { missing: [], extra: [] }])) as unknown as Disagreements;
      let next = 0;
      const runUntil = (time: number) => {
        while (next < events.length && events[next]!.time <= time) state.onMessage(events[next++]!);
      };
      for (const checkpoint of checkpoints) {
        const routerAddresses = frrAddresses(checkpoint);
        runUntil(checkpoint.timeStart);
        const atStart = myView(state, checkpoint.timeStart, routerAddresses);
        runUntil(checkpoint.timeEnd);
        const atEnd = myView(state, checkpoint.timeEnd, routerAddresses);
        assert.deepEqual(disagreements(frrView(checkpoint), atStart, atEnd, checkpoint.checkpoint, known), agree, `checkpoint ${checkpoint.checkpoint}: ${checkpoint.label}`);
      }
    });
  }
});
