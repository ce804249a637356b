/**
 * `mcast capture` on a real network: a lab in network namespaces with one FRR router (zebra + pimd,
 * IGMPv3 querier with short timers), two hosts and a sender on one LAN (a Linux bridge with
 * snooping off). The capture runs inside the router's namespace on its LAN interface and reports
 * with --json; the hosts join and leave through the socket API, so the kernel's own IGMP is on the
 * wire. Checked: the membership appears and disappears within bounded times, the flow runs at the
 * sender's rate (in the JSON output and in the --db store), the dashboard served by the capture
 * (--serve) lists the running capture, and the --write file analyzed offline gives the live run's
 * final state.
 *
 * Needs root, iproute2, ethtool and FRR (/usr/lib/frr); skipped otherwise. Every namespace has this
 * run's own prefix and is deleted, with every process in it, even when the test fails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import { SqlStore } from '../../store/sql-store.js';

const FRR_DIR = '/usr/lib/frr';
/** Whether the kernel does IPv4 multicast routing (MRT_INIT): without it FRR's pimd cannot add VIFs. */
const KERNEL_MROUTE = existsSync('/proc/net/ip_mr_vif');
const REPO = process.cwd();
const CLI = join(REPO, 'dist/cli/main.js');
const PREFIX = `mcl${process.pid % 100_000}`;
const GROUP = '239.9.9.9';
const SENDER_PPS = 50;
/** The flow rate measured over whole seconds may differ from the sender's by this share. */
const RATE_TOLERANCE = 0.15;
const NODES = { r1: '10.9.0.1/24', h1: '10.9.0.11/24', h2: '10.9.0.12/24', s1: '10.9.0.20/24' } as const;
type NodeName = keyof typeof NODES;

const missing = process.getuid?.() !== 0 ? 'needs root' : !existsSync(join(FRR_DIR, 'pimd')) ? 'needs FRR (apt-get install frr)' : null;
const execFileAsync = promisify(execFile);
const ns = (node: NodeName | 'sw') => `${PREFIX}-${node}`;
const run = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { stdio: 'pipe' });
const inNs = (node: NodeName | 'sw', ...args: string[]) => run('ip', 'netns', 'exec', ns(node), ...args);
const address = (node: NodeName) => NODES[node].split('/')[0]!;

const PIMD_CONF = `hostname r1
interface eth0
 ip pim
 ip igmp
 ip igmp version 3
 ip igmp query-max-response-time 10
 ip igmp query-interval 5
 ip igmp last-member-query-interval 5
 ip igmp last-member-query-count 2
`;

interface JsonLine {
  type: string;
  [key: string]: unknown;
}

/** A child whose stdout lines are kept and can be awaited. */
class Child {
  readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  exited: Promise<number | null>;

  constructor(readonly process: ChildProcess) {
    createInterface({ input: process.stdout! }).on('line', (line) => {
      this.lines.push(line);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => process.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first line (from the start) that matches; fails after timeoutMs. */
  async waitFor<T>(match: (line: string) => T | null | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let checked = 0;
    for (;;) {
      for (; checked < this.lines.length; checked++) {
        const found = match(this.lines[checked]!);
        if (found !== null && found !== undefined) return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }
}

const children: Child[] = [];

function start(node: NodeName, args: string[], stdin: 'pipe' | 'ignore' = 'ignore'): Child {
  const child = new Child(spawn('ip', ['netns', 'exec', ns(node), ...args], { stdio: [stdin, 'pipe', 'pipe'] }));
  child.process.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[${node}] ${chunk.toString()}`));
  children.push(child);
  return child;
}

function jsonLine(line: string): JsonLine | null {
  try {
    return JSON.parse(line) as JsonLine;
  } catch {
    return null;
  }
}

/** Kills every process in the lab's namespaces (by PID), then deletes them. */
function cleanup(): void {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n').map((line) => line.split(' ')[0]!).filter((name) => name.startsWith(`${PREFIX}-`));
  for (const name of namespaces) {
    const pids = execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      run('ip', 'netns', 'del', name);
    } catch {
      // already gone
    }
    rmSync(join('/var/run/frr', name), { recursive: true, force: true });
  }
}

describe('mcast capture in a lab with an FRR querier', { skip: missing ?? false, timeout: 90_000 }, () => {
  let work = '';

  before(async () => {
    cleanup();
    work = await mkdtemp(join(tmpdir(), 'mcast-live-'));
    chmodSync(work, 0o755); // FRR's daemons run as user frr and keep their files under it
    run('ip', 'netns', 'add', ns('sw'));
    inNs('sw', 'ip', 'link', 'add', 'lan', 'type', 'bridge', 'mcast_snooping', '0', 'mcast_querier', '0');
    inNs('sw', 'ip', 'link', 'set', 'lan', 'up');
    for (const node of Object.keys(NODES) as NodeName[]) {
      run('ip', 'netns', 'add', ns(node));
      inNs(node, 'ip', 'link', 'set', 'lo', 'up');
      run('ip', '-n', ns(node), 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', `${node}-eth0`, 'netns', ns('sw'));
      inNs('sw', 'ip', 'link', 'set', `${node}-eth0`, 'master', 'lan');
      for (const [where, device] of [['sw', `${node}-eth0`], [node, 'eth0']] as const) {
        inNs(where, 'ethtool', '-K', device, 'tx', 'off');
        inNs(where, 'ip', 'link', 'set', device, 'up');
      }
      inNs(node, 'ip', 'addr', 'add', NODES[node], 'dev', 'eth0');
      inNs(node, 'ip', 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
    }
  });

  after(() => {
    cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('sees a host join and leave and the flow at its rate, and the written file gives the same state', async () => {
    const written = join(work, 'live.pcapng');
    const database = join(work, 'live.sqlite');
    const capture = start('r1', ['node', CLI, 'capture', '--iface', 'lan=eth0', '--json', '--write', written, '--db', database, '--serve', '--port', '0']);
    const started = await capture.waitFor((line) => {
      const entry = jsonLine(line);
      return entry?.type === 'started' ? entry as unknown as { url: string; captureId: number } : null;
    }, 10_000, 'the capture to start');

    // The router: zebra, then pimd, one FRR instance named after the namespace.
    const frr = join(work, 'frr');
    mkdirSync(frr);
    const frrUser = Number(execFileSync('id', ['-u', 'frr'], { encoding: 'utf8' }));
    const frrGroup = Number(execFileSync('id', ['-g', 'frr'], { encoding: 'utf8' }));
    mkdirSync(join('/var/run/frr', ns('r1')), { recursive: true });
    chownSync(join('/var/run/frr', ns('r1')), frrUser, frrGroup);
    chownSync(frr, frrUser, frrGroup);
    for (const [daemon, config] of [['zebra', 'hostname r1\n'], ['pimd', PIMD_CONF]] as const) {
      writeFileSync(join(frr, `${daemon}.conf`), config);
      chownSync(join(frr, `${daemon}.conf`), frrUser, frrGroup);
      inNs('r1', join(FRR_DIR, daemon), '-N', ns('r1'), '-d', '-P', '0', '-f', join(frr, `${daemon}.conf`), '-i', join(frr, `${daemon}.pid`), '--log', `file:${join(frr, `${daemon}.log`)}`);
      if (daemon === 'zebra') {
        const socket = join('/var/run/frr', ns('r1'), 'zserv.api');
        for (let tries = 0; !existsSync(socket) && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    const querier = await capture.waitFor((line) => {
      const entry = jsonLine(line);
      return entry?.type === 'change' && entry.area === 'membership' && entry.kind === 'querier-changed' ? entry : null;
    }, 15_000, 'the router to become querier');
    assert.equal((querier.detail as { querier?: string }).querier ?? address('r1'), address('r1'));

    const sender = start('s1', ['node', join(REPO, 'samples/lab/send.mjs'), '--group', GROUP, '--port', '5000', '--pps', String(SENDER_PPS), '--bind', address('s1'), '--ttl', '4']);
    const members = (['h1', 'h2'] as const).map((node) => start(node, ['node', join(REPO, 'samples/lab/member.mjs')], 'pipe'));
    for (const member of members) await member.waitFor((line) => line.endsWith('ready') || null, 10_000, 'a member to be ready');
    const command = (index: 0 | 1, text: string) => members[index]!.process.stdin!.write(`${text}\n`);

    const membershipChange = (kind: string, after: number, timeoutMs = 10_000) => capture.waitFor((line) => {
      const entry = jsonLine(line);
      return entry?.type === 'change' && entry.area === 'membership' && entry.kind === kind && entry.group === GROUP && (entry.time as number) > after ? entry : null;
    }, timeoutMs, `membership ${kind} for ${GROUP}`);

    const joinedAt = Date.now() / 1000;
    command(0, `join ${GROUP} ${address('h1')}`);
    command(1, `join ${GROUP} ${address('h2')}`);
    const added = await membershipChange('group-added', joinedAt - 1);
    assert.ok((added.time as number) - joinedAt < 3, 'the membership appears within 3 s of the join');

    // One host leaves: the other answers the router's group-specific queries, the group stays.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    command(0, `leave ${GROUP} ${address('h1')}`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const leftAt = Date.now() / 1000;
    command(1, `leave ${GROUP} ${address('h2')}`);
    const removed = await membershipChange('group-removed', joinedAt, 20_000);
    assert.ok((removed.time as number) > leftAt, 'the membership lasted until the last host left');
    if (KERNEL_MROUTE) {
      assert.ok((removed.time as number) - leftAt < 5, 'and disappeared within 5 s of it (last member query time)');
    } else {
      // Without multicast routing in the kernel, FRR's pimd queries but sends no group-specific queries: the
      // membership runs out its Group Membership Interval (2 × 5 s + 1 s) from the last report instead.
      const sinceLeave = (removed.time as number) - leftAt;
      assert.ok(sinceLeave > 3 && sinceLeave < 2 * 5 + 1 + 2, `and ran out its Group Membership Interval after it: ${sinceLeave.toFixed(1)} s`);
    }

    // The dashboard's API, served by the capture itself (inside the router's namespace), shows the run.
    const { stdout: captures } = await execFileAsync('ip', ['netns', 'exec', ns('r1'), 'node', '-e', `fetch(${JSON.stringify(`${started.url}api/captures`)}).then((r) => r.text()).then(console.log)`]);
    assert.deepEqual((JSON.parse(captures) as { id: number; source: string; status: string }[]).map(({ id, source, status }) => ({ id, source, status })), [
      { id: started.captureId, source: 'live:lan', status: 'running' },
    ]);

    // Let the flow's rate window (5 s) fill with the sender running, then stop the capture.
    const sinceSender = (Date.now() - joinedAt * 1000) / 1000;
    if (sinceSender < 7) await new Promise((resolve) => setTimeout(resolve, (7 - sinceSender) * 1000));
    capture.process.kill('SIGINT');
    const summary = await capture.waitFor((line) => {
      const entry = jsonLine(line);
      return entry?.type === 'summary' ? (entry as unknown as { ended: number; frames: number; messages: number; snapshot: NetworkSnapshot; links: { frames: number; kernelDrops: number | null }[] }) : null;
    }, 10_000, 'the summary');
    assert.equal(await capture.exited, 0);
    sender.process.kill('SIGTERM');

    const live = summary.snapshot;
    assert.ok(summary.frames > SENDER_PPS * 5);
    assert.ok(summary.messages > 5);
    assert.equal(summary.links[0]!.kernelDrops, 0);
    assert.deepEqual(live.memberships.filter((m) => m.group === GROUP), [], 'no membership left at the end');
    assert.equal(live.links.find((link) => link.name === 'lan')?.querier, address('r1'));
    const flow = live.flows.find((entry) => entry.group === GROUP);
    assert.ok(flow, 'the flow is seen');
    assert.equal(flow.source, address('s1'));
    assert.ok(Math.abs(flow.pps - SENDER_PPS) <= SENDER_PPS * RATE_TOLERANCE, `flow at ${flow.pps} pps, sender at ${SENDER_PPS}`);

    // The database: the capture closed as stopped, the group's members went up to 2 and back to 0.
    const store = await SqlStore.open(database);
    try {
      assert.deepEqual((await store.captures()).map((record) => record.status), ['stopped']);
      const members = await store.memberSeries({ group: GROUP, from: joinedAt - 5, to: summary.ended + 1, captureId: started.captureId });
      assert.ok(members.some((point) => point.link === 'lan' && point.members === 2), `two members at some time: ${JSON.stringify(members)}`);
      assert.equal(members.at(-1)?.members, 0);
      const series = await store.flowSeries({ source: address('s1'), group: GROUP, link: 'lan', from: joinedAt, to: summary.ended - 1, captureId: started.captureId });
      // Whole seconds only (not the first and last); on a loaded machine the sender's pacing and the
      // capture's arrival stamps both jitter, so the mean is checked, not each second.
      const full = series.slice(1, -1);
      const mean = full.reduce((sum, point) => sum + point.packets, 0) / full.length;
      assert.ok(full.length >= 3 && Math.abs(mean - SENDER_PPS) <= SENDER_PPS * RATE_TOLERANCE, `${SENDER_PPS} packets per second: ${JSON.stringify(series)}`);
    } finally {
      await store.close();
    }

    // The same file, offline, at the same moment: the same state.
    const { stdout } = await execFileAsync('node', [CLI, 'analyze', written, '--at', String(summary.ended), '--json'], { maxBuffer: 64 << 20 });
    const { findings, ...offline } = JSON.parse(stdout) as NetworkSnapshot & { findings: unknown[] };
    assert.deepEqual(offline, live);
    assert.ok(Array.isArray(findings), 'the offline state carries the findings holding then');
  });
});
