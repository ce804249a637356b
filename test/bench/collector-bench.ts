/**
 * `npm run bench`, the network-wide part: a synthetic network of COLLECTOR_LINKS links and
 * COLLECTOR_GROUPS groups spread over COLLECTOR_PROBES probes (one capture file per probe, one
 * pcapng interface per link: on each link an IGMPv3 querier, a member per group reporting every
 * 10 s, a source per group at 1 pps), published through a real nats-server.
 *
 *   throughput  the probes publish as fast as they read; then `mcast collect` reads the whole
 *               stream: records per second, and peak memory per group (over a collector of one
 *               small probe)
 *   delay       the probes replay at SPEED times the capture's pace with the collector running:
 *               from a probe's tick to its second reaching the store and dashboard (median, p99)
 */
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PcapngWriter } from '../../capture/sources/pcapng-writer.js';
import { ethernetFrame } from '../helpers/encode-frame.js';
import { encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket } from '../helpers/encode-igmp.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../helpers/encode-ip.js';
import { startNatsServer } from '../helpers/nats-server.js';

const LINKS = Number(process.env.COLLECTOR_LINKS ?? 1000);
const GROUPS = Number(process.env.COLLECTOR_GROUPS ?? 10_000);
const PROBES = Number(process.env.COLLECTOR_PROBES ?? 10);
const SECONDS = Number(process.env.COLLECTOR_SECONDS ?? 40);
const SPEED = 1;
const START = 1_800_000_000;
const CLI = 'dist/cli/main.js';
const MODE_IS_EXCLUDE = 2;

interface Run {
  stdout: string;
  seconds: number;
}

/** COLLECTOR_PROFILE=DIR: the storing collector runs under `node --cpu-prof` into DIR. */
const PROFILE = process.env.COLLECTOR_PROFILE ?? null;

function mcast(args: string[], nodeFlags: string[] = []): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...nodeFlags, CLI, ...args], { maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`mcast ${args[0]} failed: ${stderr}`));
      else resolve({ stdout, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Probe `probe`'s file: its share of the links, GROUPS / LINKS groups on each. */
async function buildProbeFile(path: string, probe: number): Promise<number> {
  const links = Array.from({ length: LINKS / PROBES }, (_, index) => probe * (LINKS / PROBES) + index);
  const writer = new PcapngWriter(createWriteStream(path), links.map((link) => ({ name: `lan${link}`, linkType: 1 })));
  const groupsPerLink = GROUPS / LINKS;
  let frames = 0;
  const packets = links.map((link) => {
    const net = `10.${link >> 8}.${link & 0xff}`;
    const groups = Array.from({ length: groupsPerLink }, (_, index) => {
      const number = link * groupsPerLink + index;
      return `239.${(number >> 16) & 0xff}.${(number >> 8) & 0xff}.${number & 0xff}`;
    });
    return {
      query: ethernetFrame('01:00:5e:00:00:01', '02:00:00:00:00:01', 0x0800, igmpPacket(`${net}.1`, '224.0.0.1', encodeIgmpV3Query({ qqic: 10 }))),
      reports: groups.map((group) => ethernetFrame('01:00:5e:00:00:16', '02:00:00:00:00:0a', 0x0800,
        igmpPacket(`${net}.10`, '224.0.0.22', encodeIgmpV3Report([{ type: MODE_IS_EXCLUDE, group }])))),
      data: groups.map((group) => ethernetFrame('01:00:5e:00:00:02', '02:00:00:00:00:14', 0x0800,
        encodeIPv4({ src: `${net}.20`, dst: group, protocol: PROTOCOL_UDP, ttl: 8, payload: encodeUdp(`${net}.20`, group, 4000, 5000, new Uint8Array(200)) }))),
    };
  });
  for (let second = 0; second < SECONDS; second++) {
    const slots = packets.length * (groupsPerLink + 1);
    let slot = 0;
    for (const [interfaceId, link] of packets.entries()) {
      const frame = (data: Uint8Array) => {
        const nanos = Math.floor((slot++ / slots) * 1e9);
        frames++;
        return writer.write({ interfaceId, seconds: START + second, nanos, data });
      };
      if (second % 10 === 0) frame(link.query);
      for (const [index, data] of link.data.entries()) {
        if (second % 10 === 1) frame(link.reports[index]!);
        if (!frame(data)) await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }
  await writer.end();
  return frames;
}

interface CollectSummary {
  records: number;
  late: number;
  groups?: number;
  maxRssMiB: number;
  delay: { p50: number; p99: number; max: number } | null;
  links: number;
  flows: number;
  checkpoints: { taken: number; lastBytes: number; maxMs: number; totalMs: number };
}

const dir = await mkdtemp(join(tmpdir(), 'mcast-collector-bench-'));
try {
  const files = Array.from({ length: PROBES }, (_, probe) => join(dir, `probe${probe}.pcapng`));
  let frames = 0;
  for (const [probe, file] of files.entries()) frames += await buildProbeFile(file, probe);
  const probes = files.map((_, probe) => `p${probe}`);
  console.log(`\nnetwork-wide: ${LINKS} links, ${GROUPS} groups, ${PROBES} probes, ${SECONDS} s of capture, ${frames.toLocaleString('en')} frames in all`);

  // Throughput: everything in the stream first, then one collector reads it.
  const server = await startNatsServer();
  try {
    const published = await Promise.all(files.map((file, probe) => mcast(['analyze', file, '--publish', server.url, '--probe', probes[probe]!, '--json'])));
    const records = published.reduce((sum, run) => sum + (JSON.parse(run.stdout) as { published: number }).published, 0);
    const publishSeconds = Math.max(...published.map((run) => run.seconds));
    const collected = await mcast(['collect', '--nats', server.url, '--probes', probes.join(','), '--lateness', '1000000', '--json'],
      PROFILE === null ? [] : ['--cpu-prof', '--cpu-prof-dir', join(PROFILE, 'no-store')]);
    const summary = JSON.parse(collected.stdout) as CollectSummary;
    const baseline = await baselineRss();
    console.log(`  probes published ${records.toLocaleString('en')} records in ${publishSeconds.toFixed(1)} s (${Math.round(records / publishSeconds).toLocaleString('en')} records/s, ${PROBES} processes on this machine)`);
    console.log(`  collector: ${summary.records.toLocaleString('en')} records in ${collected.seconds.toFixed(1)} s = ${Math.round(summary.records / collected.seconds).toLocaleString('en')} records/s `
      + `(${summary.late} late), ${summary.links} links, ${summary.flows} flows`);
    console.log(`  collector memory: peak RSS ${summary.maxRssMiB} MiB, ${(((summary.maxRssMiB - baseline) * 1024) / GROUPS).toFixed(1)} KiB per group over a collector of one small probe (${baseline} MiB)`);
    // The same stream into a store: snapshots, facts and findings once a second of packet time, and checkpoints.
    const storing = await mcast(['collect', '--nats', server.url, '--probes', probes.join(','), '--lateness', '1000000', '--json', '--name', 'stored', '--db', join(dir, 'throughput.sqlite')],
      PROFILE === null ? [] : ['--cpu-prof', '--cpu-prof-dir', PROFILE]);
    const stored = JSON.parse(storing.stdout) as CollectSummary;
    console.log(`  collector storing (--db): ${Math.round(stored.records / storing.seconds).toLocaleString('en')} records/s, ${(SECONDS / storing.seconds).toFixed(2)}x the capture's pace, `
      + `peak RSS ${stored.maxRssMiB} MiB, ${stored.checkpoints.taken} checkpoints of ${(stored.checkpoints.lastBytes / 2 ** 20).toFixed(1)} MiB (${stored.checkpoints.totalMs} ms)`);
  } finally {
    await server.stop();
  }

  // Delay: probes at SPEED times the capture's pace, the collector reading as they publish.
  const paced = await startNatsServer();
  try {
    const collector = mcast(['collect', '--nats', paced.url, '--probes', probes.join(','), '--json', '--db', join(dir, 'collector.sqlite')]);
    await Promise.all(files.map((file, probe) => mcast(['analyze', file, '--publish', paced.url, '--probe', probes[probe]!, '--speed', String(SPEED)])));
    const summary = JSON.parse((await collector).stdout) as CollectSummary;
    const delay = summary.delay;
    console.log(`  delay from a probe's second to the store and dashboard (probes at ${SPEED}x capture pace, collector storing): `
      + (delay === null ? 'none measured' : `median ${(delay.p50 * 1000).toFixed(0)} ms, 99th percentile ${(delay.p99 * 1000).toFixed(0)} ms, max ${(delay.max * 1000).toFixed(0)} ms`)
      + `; ${summary.late} late records`);
    const { checkpoints } = summary;
    console.log(`  checkpoints (state committed with the rows, to resume from): ${checkpoints.taken} taken, the last ${(checkpoints.lastBytes / 2 ** 20).toFixed(1)} MiB, `
      + `longest ${checkpoints.maxMs} ms, ${checkpoints.totalMs} ms in all (${((checkpoints.totalMs / 1000 / SECONDS) * 100).toFixed(1)} % of the capture's time)`);
  } finally {
    await paced.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

/** Peak RSS of a collector that took one small probe's records. */
async function baselineRss(): Promise<number> {
  const server = await startNatsServer();
  try {
    await mcast(['analyze', 'samples/pim-sm/pcap/r2-r3.pcap', '--publish', server.url, '--probe', 'small']);
    return (JSON.parse((await mcast(['collect', '--nats', server.url, '--probes', 'small', '--json'])).stdout) as CollectSummary).maxRssMiB;
  } finally {
    await server.stop();
  }
}
