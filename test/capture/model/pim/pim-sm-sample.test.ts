/**
 * The PIM state rebuilt from samples/pim-sm (four FRR routers, static RP, SPT switchover, register
 * suppression) against what the routers themselves reported at each checkpoint (truth/*.json).
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
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { decodeFrame } from '../../../../capture/decode.js';
import { openCaptureFiles } from '../../../../capture/sources/capture-file.js';
import { PimState, type ObservedPim, type RegisterState } from '../../../../capture/model/pim/index.js';

const SAMPLE = new URL('../../../../../samples/pim-sm/', import.meta.url);

/** Both halves of the sample are there (a lab run regenerating it empties them for a while). */
function sampleIsComplete(): boolean {
  const truth = new URL('truth/', SAMPLE);
  const pcap = new URL('pcap/', SAMPLE);
  return existsSync(truth) && readdirSync(truth).some((name) => name.startsWith('checkpoint-'))
    && existsSync(pcap) && readdirSync(pcap).length > 0;
}

interface FrrJoinEntry {
  channelJoinName?: string;
}

interface Checkpoint {
  checkpoint: number;
  label: string;
  timeStart: number;
  timeEnd: number;
  routers: Record<string, {
    'show ip pim interface json': Record<string, { name: string; address: string; pimDesignatedRouter?: string }>;
    'show ip pim neighbor json': Record<string, Record<string, unknown>>;
    'show ip pim join json': Record<string, Record<string, unknown> & { address?: string }>;
    'show ip pim upstream json': Record<string, Record<string, { regState?: string }>>;
  }>;
}

const REGISTER_STATES: Record<string, RegisterState> = { RegJoin: 'registering', RegPrune: 'suppressed', RegJoinPend: 'probing' };

async function observations(): Promise<ObservedPim[]> {
  const pcapDirectory = new URL('pcap/', SAMPLE);
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

interface View {
  joins: string[];
  rptPrunes: string[];
  registers: string[];
  /** "interface address → DR" */
  drs: string[];
  /** "interface address → neighbor" */
  neighbors: string[];
}

/** FRR's interfaces that send no Hello (the loopback, the register tunnel): nothing on the wire to compare. */
const NO_HELLO_INTERFACES = new Set(['lo', 'pimreg']);

/** FRR's view at one checkpoint: join rows, (S,G,rpt) prunes and register states, as comparable text. */
function frrView(checkpoint: Checkpoint): View {
  const joins: string[] = [];
  const rptPrunes: string[] = [];
  const registers: string[] = [];
  const drs: string[] = [];
  const neighbors: string[] = [];
  for (const router of Object.values(checkpoint.routers)) {
    for (const iface of Object.values(router['show ip pim interface json'])) {
      if (NO_HELLO_INTERFACES.has(iface.name) || iface.pimDesignatedRouter === undefined) continue;
      drs.push(`${iface.address} ${iface.pimDesignatedRouter}`);
      const address = iface.address;
      for (const neighbor of Object.keys(router['show ip pim neighbor json'][iface.name] ?? {})) neighbors.push(`${address} ${neighbor}`);
    }
    for (const iface of Object.values(router['show ip pim join json'])) {
      for (const [group, sources] of Object.entries(iface)) {
        if (typeof sources !== 'object' || sources === null) continue;
        for (const [source, entry] of Object.entries(sources as Record<string, FrrJoinEntry>)) {
          if (entry.channelJoinName === 'JOIN') joins.push(`${iface.address} ${group} ${source}`);
          if (entry.channelJoinName === 'SGRpt(P)') rptPrunes.push(`${iface.address} ${group} ${source}`);
        }
      }
    }
    for (const [group, sources] of Object.entries(router['show ip pim upstream json'])) {
      for (const [source, entry] of Object.entries(sources)) {
        const state = REGISTER_STATES[entry.regState ?? ''];
        if (source !== '*' && state) registers.push(`${source} ${group} ${state}`);
      }
    }
  }
  return { joins: joins.sort(), rptPrunes: rptPrunes.sort(), registers: registers.sort(), drs: drs.sort(), neighbors: neighbors.sort() };
}

function myView(state: PimState, now: number): View {
  const snapshot = state.snapshot(now);
  const drs: string[] = [];
  const neighbors: string[] = [];
  for (const link of snapshot.links) {
    for (const router of link.neighbors) {
      drs.push(`${router.address} ${link.dr}`);
      for (const other of link.neighbors) if (other !== router) neighbors.push(`${router.address} ${other.address}`);
    }
  }
  return {
    drs: drs.sort(),
    neighbors: neighbors.sort(),
    joins: snapshot.joins.filter((row) => row.state === 'join' && row.type !== 'S,G,rpt')
      .map((row) => `${row.upstream} ${row.group} ${row.source ?? '*'}`).sort(),
    rptPrunes: snapshot.joins.filter((row) => row.state === 'pruned' && row.type === 'S,G,rpt')
      .map((row) => `${row.upstream} ${row.group} ${row.source}`).sort(),
    registers: snapshot.registers.map((row) => `${row.source} ${row.group} ${row.state}`).sort(),
  };
}

/** What the routers reported and the rebuilt state had at neither end, and what it had at both ends but they did not report. */
function disagreements(frr: View, atStart: View, atEnd: View): Record<keyof View, { missing: string[]; extra: string[] }> {
  const result = {} as Record<keyof View, { missing: string[]; extra: string[] }>;
  for (const key of ['joins', 'rptPrunes', 'registers', 'drs', 'neighbors'] as const) {
    const reported = new Set(frr[key]);
    const end = new Set(atEnd[key]);
    result[key] = {
      missing: frr[key].filter((entry) => !atStart[key].includes(entry) && !end.has(entry)),
      extra: atStart[key].filter((entry) => end.has(entry) && !reported.has(entry)),
    };
  }
  return result;
}

describe('samples/pim-sm against the routers\' own state', { skip: !sampleIsComplete() }, () => {
  it('has the Join, (S,G,rpt) Prune and register states FRR reported at every checkpoint', async () => {
    const truthDirectory = new URL('truth/', SAMPLE);
    const checkpoints: Checkpoint[] = readdirSync(truthDirectory).filter((name) => name.startsWith('checkpoint-')).sort()
      .map((name) => JSON.parse(readFileSync(new URL(name, truthDirectory), 'utf8')) as Checkpoint);
    const events = await observations();
    assert.ok(checkpoints.length > 0 && events.length > 0);

    const state = new PimState();
    const none = { missing: [], extra: [] };
    let next = 0;
    const runUntil = (time: number) => {
      while (next < events.length && events[next]!.time <= time) state.onMessage(events[next++]!);
    };
    for (const checkpoint of checkpoints) {
      runUntil(checkpoint.timeStart);
      const atStart = myView(state, checkpoint.timeStart);
      runUntil(checkpoint.timeEnd);
      const atEnd = myView(state, checkpoint.timeEnd);
      const frr = frrView(checkpoint);
      assert.deepEqual(disagreements(frr, atStart, atEnd), { joins: none, rptPrunes: none, registers: none, drs: none, neighbors: none },
        `checkpoint ${checkpoint.checkpoint}: ${checkpoint.label}`);
    }
  });
});
