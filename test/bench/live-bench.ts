/**
 * `npm run bench`, live part: the highest rate of small multicast UDP packets (60-byte frames) that
 * `mcast capture` keeps up with for BENCH_LIVE_SECONDS (default 30) without losing one, next to
 * tcpdump on the same veth with the same 32 MiB buffer.
 *
 * Two namespaces joined by a veth: mcast-blast.c (compiled here with gcc) sends at a fixed rate from
 * one; the tool captures on the other end. A rate is kept up with when the tool captured every
 * datagram sent and the kernel counted no receive drop (rx_dropped, rx_missed, rx_over) on the
 * capturing interface. Rates double from BENCH_LIVE_START (default 25000 pps) until one fails, then
 * bisect twice. tcpdump writes to /dev/null (no decoding); mcast decodes and analyzes every frame.
 * Offloads are off on the capturing interface (see live-capture.ts: ring slots).
 * Needs root, gcc, iproute2 and tcpdump; prints why and exits 0 otherwise.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const SECONDS = Number(process.env.BENCH_LIVE_SECONDS ?? 30);
const START_RATE = Number(process.env.BENCH_LIVE_START ?? 25_000);
const MAX_RATE = 1_600_000;
const BISECTIONS = 2;
const PREFIX = `mcb${process.pid % 100_000}`;
const TX = `${PREFIX}-tx`;
const RX = `${PREFIX}-rx`;
const SOURCE = '10.8.0.1';
const GROUP = '239.8.8.8';
const CLI = join(process.cwd(), 'dist/cli/main.js');
const BUFFER_MIB = 32;

const run = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

interface KernelCounters {
  packets: number;
  drops: number;
}

function rxCounters(): KernelCounters {
  const [link] = JSON.parse(run('ip', '-n', RX, '-j', '-s', 'link', 'show', 'dev', 'eth0')) as { stats64: { rx: Record<string, number> } }[];
  const rx = link!.stats64.rx;
  return { packets: rx.packets ?? 0, drops: (rx.dropped ?? 0) + (rx.missed ?? 0) + (rx.over_errors ?? 0) };
}

function buildLab(): void {
  run('ip', 'netns', 'add', TX);
  run('ip', 'netns', 'add', RX);
  run('ip', '-n', TX, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', RX);
  for (const [ns, address] of [[TX, `${SOURCE}/24`], [RX, '10.8.0.2/24']] as const) {
    run('ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
    run('ip', 'netns', 'exec', ns, 'ethtool', '-K', 'eth0', 'tx', 'off');
    // As `mcast capture` advises: with segmentation/receive offloads on, libpcap's immediate-mode
    // ring has 64 KiB slots (512 frames in 32 MiB); off, its slots fit the MTU.
    if (ns === RX) run('ip', 'netns', 'exec', ns, 'ethtool', '-K', 'eth0', 'gro', 'off', 'gso', 'off', 'tso', 'off');
    run('ip', '-n', ns, 'addr', 'add', address, 'dev', 'eth0');
    run('ip', '-n', ns, 'link', 'set', 'eth0', 'up');
    run('ip', '-n', ns, 'link', 'set', 'lo', 'up');
  }
  run('ip', '-n', TX, 'route', 'add', '224.0.0.0/4', 'dev', 'eth0');
}

function removeLab(): void {
  for (const ns of [TX, RX]) {
    let pids: string[] = [];
    try {
      pids = run('ip', 'netns', 'pids', ns).split('\n').filter(Boolean);
    } catch {
      continue;
    }
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      run('ip', 'netns', 'del', ns);
    } catch {
      // already gone
    }
  }
}

function lines(child: ChildProcess, stream: 'stdout' | 'stderr'): string[] {
  const collected: string[] = [];
  createInterface({ input: child[stream]! }).on('line', (line) => collected.push(line));
  return collected;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

interface Tool {
  name: string;
  /** Starts capturing; resolves once the tool is ready. `stop` ends it and returns the datagrams of GROUP it captured. */
  start(): Promise<{ stop: () => Promise<number> }>;
}

const mcastCapture: Tool = {
  name: 'mcast capture (decode + analyze)',
  async start() {
    const child = spawn('ip', ['netns', 'exec', RX, process.execPath, CLI, 'capture', '--iface', 'eth0', '--json', '--buffer', String(BUFFER_MIB)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out = lines(child, 'stdout');
    const err = lines(child, 'stderr');
    await waitUntil(() => out.some((line) => line.startsWith('{"type":"started"')) || child.exitCode !== null, 10_000, 'mcast capture to start');
    if (child.exitCode !== null) throw new Error(`mcast capture failed: ${err.join('\n')}`);
    return {
      async stop() {
        child.kill('SIGINT');
        await exited(child);
        const summary = out.map((line) => JSON.parse(line) as { type: string; snapshot?: { flows: { group: string; packets: number }[] } }).find((entry) => entry.type === 'summary');
        if (!summary?.snapshot) throw new Error(`mcast capture gave no summary: ${err.join('\n')}`);
        return summary.snapshot.flows.filter((flow) => flow.group === GROUP).reduce((sum, flow) => sum + flow.packets, 0);
      },
    };
  },
};

const tcpdump: Tool = {
  name: 'tcpdump -w /dev/null',
  async start() {
    const child = spawn('ip', ['netns', 'exec', RX, 'tcpdump', '-i', 'eth0', '-n', '-s', '0', '-B', String(BUFFER_MIB * 1024), '-w', '/dev/null', `dst ${GROUP}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const err = lines(child, 'stderr');
    await waitUntil(() => err.some((line) => line.includes('listening on')) || child.exitCode !== null, 10_000, 'tcpdump to start');
    return {
      async stop() {
        child.kill('SIGINT');
        await exited(child);
        const captured = err.map((line) => /^(\d+) packets? captured/.exec(line)).find(Boolean);
        if (!captured) throw new Error(`tcpdump gave no count: ${err.join('\n')}`);
        return Number(captured[1]);
      },
    };
  },
};

interface Trial {
  rate: number;
  sent: number;
  captured: number;
  kernelDrops: number;
  ok: boolean;
}

async function trial(tool: Tool, blast: string, rate: number): Promise<Trial> {
  const before = rxCounters();
  const capture = await tool.start();
  const sent = Number(run('ip', 'netns', 'exec', TX, blast, SOURCE, GROUP, '5000', String(rate), String(SECONDS)).trim());
  await new Promise((resolve) => setTimeout(resolve, 1000)); // the tool drains what is still queued
  const captured = await capture.stop();
  const after = rxCounters();
  const kernelDrops = after.drops - before.drops;
  // On two cores the sender shares the CPU with the tool: a rate it cannot reach is not kept up with either.
  const senderShort = sent < rate * SECONDS * 0.99;
  const lost = captured !== sent || kernelDrops !== 0;
  const result = { rate, sent, captured, kernelDrops, ok: !lost && !senderShort };
  const verdict = lost ? 'LOST' : senderShort ? 'sender fell short' : 'kept up';
  console.log(`  ${tool.name.padEnd(34)} ${String(rate).padStart(8)} pps  sent ${String(sent).padStart(9)}  captured ${String(captured).padStart(9)}  kernel drops ${String(kernelDrops).padStart(6)}  ${verdict}`);
  return result;
}

/** Doubles the rate until a trial loses packets, then bisects between the last good and the first bad rate. */
async function highestRate(tool: Tool, blast: string): Promise<number> {
  let good = 0;
  let bad = 0;
  for (let rate = START_RATE; rate <= MAX_RATE; rate *= 2) {
    if ((await trial(tool, blast, rate)).ok) good = rate;
    else {
      bad = rate;
      break;
    }
  }
  if (bad === 0) return good;
  for (let step = 0; step < BISECTIONS; step++) {
    const rate = Math.round((good + bad) / 2 / 1000) * 1000;
    if ((await trial(tool, blast, rate)).ok) good = rate;
    else bad = rate;
  }
  return good;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log('\nlive bench skipped: needs root (network namespaces)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'mcast-live-bench-'));
  const blast = join(dir, 'mcast-blast');
  // Interrupted, it still takes its namespaces down (a finally block does not run on a signal).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeLab();
      process.exit(130);
    });
  }
  try {
    run('gcc', '-O2', '-Wall', '-o', blast, join(process.cwd(), 'test/bench/mcast-blast.c'));
    removeLab();
    buildLab();
    console.log(`\nlive: 60-byte multicast frames into a veth for ${SECONDS} s per rate, ${BUFFER_MIB} MiB capture buffer, offloads off on the capturing end`);
    const results: [string, number][] = [];
    for (const tool of [mcastCapture, tcpdump]) results.push([tool.name, await highestRate(tool, blast)]);
    console.log('');
    for (const [name, rate] of results) {
      console.log(`${name.padEnd(34)} keeps up with ${rate > 0 ? `${rate.toLocaleString('en')} pps` : `less than ${START_RATE.toLocaleString('en')} pps`} for ${SECONDS} s without loss`);
    }
  } finally {
    removeLab();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
