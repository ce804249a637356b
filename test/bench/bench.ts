/**
 * `npm run bench`: how fast and how lean mcast reads a capture, next to tcpdump and tshark on the
 * same file in the same run, and what storing the analysis in SQLite (`analyze --db`) costs. The file is the bundled sample replicated (shifted in time) to about
 * BENCH_FRAMES frames (default 1,000,000), so the figures are about throughput, not start-up; peak RSS is
 * measured again on five times as many frames (BENCH_LARGE_FRAMES).
 * Wall time and peak RSS come from /usr/bin/time for every tool alike, each the best of RUNS runs taken
 * in rounds (bestOfRounds).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapngWriter } from '../../capture/sources/pcapng-writer.js';
import { replicateCapture } from '../helpers/replicate-capture.js';
import { encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket } from '../helpers/encode-igmp.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../helpers/encode-ip.js';
import { ethernetFrame } from '../helpers/encode-frame.js';

const SAMPLE = process.env.BENCH_SAMPLE ?? 'samples/pim-sm/pim-sm.pcapng.gz';
const TARGET_FRAMES = Number(process.env.BENCH_FRAMES ?? 1_000_000);
/** The file memory is measured on as well (RSS must not grow with the file). */
const LARGE_FRAMES = Number(process.env.BENCH_LARGE_FRAMES ?? 5 * TARGET_FRAMES);
/** Runs of each command on the control-heavy capture, the best of which is printed. */
const RUNS = 3;

interface Measure {
  name: string;
  seconds: number;
  maxRssMiB: number;
}

interface Command {
  name: string;
  command: string;
  /** The run's arguments (`run`: 0, 1, ...; a database file of its own). */
  args: (run: number) => string[];
}

/**
 * Each command's best of `runs` runs (the shortest wall time, the highest peak RSS), run in rounds of
 * every command once: wall times on a shared VM vary by up to a third, in spells of a minute or more;
 * the shortest run is the least disturbed, and rounds let a slow spell fall on every command alike.
 */
async function bestOfRounds(runs: number, commands: readonly Command[]): Promise<Measure[]> {
  const measures = commands.map((): Measure[] => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, { name, command, args }] of commands.entries()) measures[index]!.push(await measure(name, command, args(run)));
  }
  return measures.map((each, index) => ({
    name: commands[index]!.name, seconds: Math.min(...each.map((one) => one.seconds)), maxRssMiB: Math.max(...each.map((one) => one.maxRssMiB)),
  }));
}

/** Runs a command under /usr/bin/time, output discarded, and returns its wall time and peak RSS. */
function measure(name: string, command: string, args: string[]): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %M', command, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = stderr.trim().split('\n').at(-1) ?? '';
      const [seconds, kib] = last.split(' ').map(Number);
      if (code !== 0 || !Number.isFinite(seconds) || !Number.isFinite(kib)) reject(new Error(`${name} failed (${code}): ${stderr.slice(-500)}`));
      else resolve({ name, seconds: seconds!, maxRssMiB: kib! / 1024 });
    });
  });
}


/**
 * A data-heavy capture: one link where a source sends 4 groups (2 MPEG-TS packets per datagram) at 10,000 pps in all, with an IGMPv3
 * querier and a member refreshing every 10 s, for DATA_SECONDS seconds — the shape of an IPTV LAN,
 * where state changes rarely and data is nearly everything (the store's per-second counters' case).
 */
const DATA_SECONDS = 100;
const DATA_PPS = 10_000;
/** Its runs are short (1–2 s), and so the most disturbed by the VM's slow spells: more of them. */
const DATA_RUNS = 5;

async function buildDataCapture(path: string): Promise<number> {
  const writer = new PcapngWriter(createWriteStream(path), [{ name: 'iptv', linkType: 1 }]);
  const groups = ['239.10.0.1', '239.10.0.2', '239.10.0.3', '239.10.0.4'];
  const packets = groups.map((group) => {
    const [, , c, d] = group.split('.').map(Number);
    const udp = encodeUdp('10.9.0.10', group, 5000, 5004, new Uint8Array(376));
    return ethernetFrame(`01:00:5e:${(c! & 0x7f).toString(16).padStart(2, '0')}:00:${d!.toString(16).padStart(2, '0')}`, '02:00:00:00:09:10', 0x0800,
      encodeIPv4({ src: '10.9.0.10', dst: group, protocol: PROTOCOL_UDP, ttl: 16, payload: udp }));
  });
  const query = ethernetFrame('01:00:5e:00:00:01', '02:00:00:00:09:01', 0x0800, igmpPacket('10.9.0.1', '224.0.0.1', encodeIgmpV3Query({})));
  const report = ethernetFrame('01:00:5e:00:00:16', '02:00:00:00:09:20', 0x0800,
    igmpPacket('10.9.0.20', '224.0.0.22', encodeIgmpV3Report(groups.map((group) => ({ type: 2, group })))));
  const start = 1_800_000_000;
  let written = 0;
  for (let tick = 0; tick < DATA_SECONDS * DATA_PPS; tick++) {
    const nanosTotal = Math.round((tick * 1e9) / DATA_PPS);
    const seconds = start + Math.floor(nanosTotal / 1e9);
    const nanos = nanosTotal % 1e9;
    const control = tick % (10 * DATA_PPS) === 0 ? [query, report] : [];
    for (const data of [...control, packets[tick % packets.length]!]) {
      written++;
      if (!writer.write({ seconds, nanos, data })) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await writer.end();
  return written;
}

const dir = await mkdtemp(join(tmpdir(), 'mcast-bench-'));
try {
  const file = join(dir, 'big.pcapng');
  const frames = await replicateCapture(SAMPLE, file, TARGET_FRAMES);
  const size = (await stat(file)).size;
  console.log(`capture: ${frames} frames, ${(size / 2 ** 20).toFixed(1)} MiB (${SAMPLE} replicated; best of ${RUNS} runs each)\n`);
  const cli = 'dist/cli/main.js';
  const results = await bestOfRounds(RUNS, [
    { name: 'mcast stats', command: process.execPath, args: () => [cli, 'stats', file, '--json'] },
    { name: 'mcast analyze', command: process.execPath, args: () => [cli, 'analyze', file, '--json'] },
    { name: 'mcast analyze --db', command: process.execPath, args: (run) => [cli, 'analyze', file, '--db', join(dir, `bench-${run}.sqlite`)] },
    { name: 'tcpdump -nr (decode + print)', command: 'tcpdump', args: () => ['-nr', file] },
    { name: 'tshark -z io,phs (dissect all)', command: 'tshark', args: () => ['-r', file, '-q', '-z', 'io,phs'] },
    { name: 'tcpdump -r -w /dev/null (copy)', command: 'tcpdump', args: () => ['-r', file, '-w', '/dev/null'] },
    { name: 'tshark -T fields (4 fields)', command: 'tshark', args: () => ['-r', file, '-T', 'fields', '-e', 'frame.number', '-e', 'ip.dst', '-e', 'igmp.type', '-e', 'pim.type'] },
  ]);
  const base = results[0]!;
  console.log(`${'tool'.padEnd(32)} ${'seconds'.padStart(8)} ${'frames/s'.padStart(10)} ${'max RSS MiB'.padStart(12)} ${'time vs mcast stats'.padStart(20)}`);
  for (const result of results) {
    console.log(`${result.name.padEnd(32)} ${result.seconds.toFixed(2).padStart(8)} ${Math.round(frames / result.seconds).toLocaleString('en').padStart(10)} ${result.maxRssMiB.toFixed(0).padStart(12)} ${(result.seconds / base.seconds).toFixed(2).padStart(19)}x`);
  }
  const [, analyze, stored, tcpdump, tshark, tcpdumpCopy, tsharkFields] = results as [Measure, Measure, Measure, Measure, Measure, Measure, Measure];
  console.log(`\nratios: mcast stats / tcpdump = ${(base.seconds / tcpdump.seconds).toFixed(2)}, mcast stats / tshark = ${(base.seconds / tshark.seconds).toFixed(2)}, `
    + `mcast analyze / tshark = ${(analyze.seconds / tshark.seconds).toFixed(2)}`);
  // The targets of issue 14, as speeds relative to the reference tools (higher is better).
  const target = (label: string, value: number, goal: number) => console.log(`  ${label.padEnd(46)} ${value.toFixed(2).padStart(6)}  (target ${goal.toFixed(2)}: ${value >= goal ? 'met' : 'not yet'})`);
  console.log('targets (control-heavy):');
  target('mcast stats speed / tcpdump -w /dev/null', tcpdumpCopy.seconds / base.seconds, 0.33);
  target('mcast stats speed / tshark -T fields', tsharkFields.seconds / base.seconds, 10);
  target('mcast stats time / mcast analyze time', base.seconds / analyze.seconds, 1 / 1.5);
  target('mcast analyze time / mcast analyze --db time', analyze.seconds / stored.seconds, 1 / 1.3);
  const database = await stat(join(dir, 'bench-0.sqlite'));
  console.log(`database overhead: mcast analyze --db / mcast analyze = ${(stored.seconds / analyze.seconds).toFixed(2)} `
    + `(${(database.size / 2 ** 20).toFixed(1)} MiB of SQLite, ${(stored.maxRssMiB - analyze.maxRssMiB).toFixed(0)} MiB more peak RSS)`);

  // Memory on a file five times the size: what the model keeps grows with the network, not the file.
  const largeFile = join(dir, 'large.pcapng');
  const largeFrames = await replicateCapture(SAMPLE, largeFile, LARGE_FRAMES);
  await rm(file, { force: true });
  const largeStats = await measure('mcast stats', process.execPath, [cli, 'stats', largeFile, '--json']);
  const largeAnalyze = await measure('mcast analyze', process.execPath, [cli, 'analyze', largeFile, '--json']);
  await rm(largeFile, { force: true });
  console.log(`\nmemory by file size (peak RSS, MiB): ${frames.toLocaleString('en')} frames -> ${largeFrames.toLocaleString('en')} frames`);
  for (const [small, large] of [[base, largeStats], [analyze, largeAnalyze]] as const) {
    console.log(`  ${small.name.padEnd(30)} ${small.maxRssMiB.toFixed(0).padStart(6)} -> ${large.maxRssMiB.toFixed(0).padStart(6)}  (${(large.maxRssMiB / small.maxRssMiB).toFixed(2)}x; `
      + `${Math.round(largeFrames / large.seconds).toLocaleString('en')} frames/s)`);
  }

  const dataFile = join(dir, 'iptv.pcapng');
  const dataFrames = await buildDataCapture(dataFile);
  console.log(`\ndata-heavy capture: ${dataFrames} frames, ${((await stat(dataFile)).size / 2 ** 20).toFixed(1)} MiB (${DATA_PPS} pps of 4 groups for ${DATA_SECONDS} s, IGMPv3 every 10 s; best of ${DATA_RUNS} runs each)`);
  const [dataStats, dataAnalyze, dataStored, dataTshark] = await bestOfRounds(DATA_RUNS, [
    { name: 'mcast stats', command: process.execPath, args: () => [cli, 'stats', dataFile, '--json'] },
    { name: 'mcast analyze', command: process.execPath, args: () => [cli, 'analyze', dataFile, '--json'] },
    { name: 'mcast analyze --db', command: process.execPath, args: (run) => [cli, 'analyze', dataFile, '--db', join(dir, `iptv-${run}.sqlite`)] },
    { name: 'tshark -z io,phs', command: 'tshark', args: () => ['-r', dataFile, '-q', '-z', 'io,phs'] },
  ]) as [Measure, Measure, Measure, Measure];
  for (const result of [dataStats, dataAnalyze, dataStored, dataTshark]) {
    console.log(`${result.name.padEnd(32)} ${result.seconds.toFixed(2).padStart(8)} ${Math.round(dataFrames / result.seconds).toLocaleString('en').padStart(10)} ${result.maxRssMiB.toFixed(0).padStart(12)}`);
  }
  console.log(`database overhead: mcast analyze --db / mcast analyze = ${(dataStored.seconds / dataAnalyze.seconds).toFixed(2)}, mcast analyze / tshark = ${(dataAnalyze.seconds / dataTshark.seconds).toFixed(2)}`);
  console.log('targets (data-heavy):');
  target('mcast stats time / mcast analyze time', dataStats.seconds / dataAnalyze.seconds, 1 / 1.5);
  target('mcast analyze time / mcast analyze --db time', dataAnalyze.seconds / dataStored.seconds, 1 / 1.3);
} finally {
  await rm(dir, { recursive: true, force: true });
}
