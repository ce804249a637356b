/**
 * `mcast capture` without a network: the live analysis fed synthetic frames on two links, timers
 * that expire with the live clock while no packet arrives, the --write file giving the same state
 * offline, the summary, and the command's one-line errors.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Frame } from '../../../capture/frame.js';
import { openCaptureFiles } from '../../../capture/sources/capture-file.js';
import { PcapngWriter } from '../../../capture/sources/pcapng-writer.js';
import { analyzerFeed, buildSummary, formatSummary, LiveAnalysis, parseInterfaces, type LinkInfo } from '../../../cli/commands/capture.js';
import { analyzeFiles } from '../../../cli/commands/analyze.js';
import { ethernetFrame, frameOf } from '../../helpers/encode-frame.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../../helpers/encode-ip.js';
import { encodeIgmpV3Query, encodeIgmpV3Report, igmpPacket } from '../../helpers/encode-igmp.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/cli/main.js');
const T0 = 1_764_057_600;
const ROUTER_MAC = '02:00:00:00:00:01';
const HOST_MAC = '02:00:00:00:00:0a';
const SENDER_MAC = '02:00:00:00:00:14';
const CHANGE_TO_EXCLUDE = 4;
const CHANGE_TO_INCLUDE = 3;

const LINKS: LinkInfo[] = [{ link: 'lan1', device: 'veth1', linkType: 1 }, { link: 'lan2', device: 'veth2', linkType: 1 }];

const query = (time: number, link: string, qqic = 5) =>
  frameOf(ethernetFrame('01:00:5e:00:00:01', ROUTER_MAC, 0x0800, igmpPacket('10.0.0.1', '224.0.0.1', encodeIgmpV3Query({ maxRespCode: 10, qqic }))), { time, link });
const report = (time: number, link: string, type: number, group: string) =>
  frameOf(ethernetFrame('01:00:5e:00:00:16', HOST_MAC, 0x0800, igmpPacket('10.0.0.10', '224.0.0.22', encodeIgmpV3Report([{ type, group }]))), { time, link });
const data = (time: number, link: string) =>
  frameOf(ethernetFrame('01:00:5e:09:09:09', SENDER_MAC, 0x0800, encodeIPv4({
    src: '10.0.0.20', dst: '239.9.9.9', protocol: PROTOCOL_UDP, ttl: 4, payload: encodeUdp('10.0.0.20', '239.9.9.9', 4000, 5000, new Uint8Array(64)),
  })), { time, link });

/** A short session on two links: a querier, a join, 10 pps of data for 20 s on lan1, a leave on lan2. */
function session(): { frame: Frame; index: number }[] {
  const frames: { frame: Frame; index: number }[] = [];
  const add = (frame: Frame) => frames.push({ frame, index: LINKS.findIndex((link) => link.link === frame.link) });
  add(query(T0, 'lan1', 125));
  add(query(T0 + 0.01, 'lan2', 125));
  add(report(T0 + 0.5, 'lan1', CHANGE_TO_EXCLUDE, '239.9.9.9'));
  add(report(T0 + 0.6, 'lan2', CHANGE_TO_EXCLUDE, '239.8.8.8'));
  for (let packet = 0; packet < 200; packet++) add(data(T0 + 1 + packet / 10, 'lan1'));
  add(report(T0 + 15, 'lan2', CHANGE_TO_INCLUDE, '239.8.8.8'));
  frames.sort((a, b) => a.frame.seconds + a.frame.nanos / 1e9 - (b.frame.seconds + b.frame.nanos / 1e9));
  frames.forEach((entry, index) => (entry.frame.number = index + 1));
  return frames;
}

describe('live analysis', () => {
  it('expires membership with the live clock while no packet arrives', () => {
    const analysis = new LiveAnalysis(LINKS, null, analyzerFeed(null));
    analysis.onFrame(query(T0, 'lan1'), 0);
    analysis.onFrame(report(T0 + 0.5, 'lan1', CHANGE_TO_EXCLUDE, '239.9.9.9'), 0);
    assert.deepEqual(analysis.snapshot(T0 + 1).memberships.map((m) => m.group), ['239.9.9.9']);
    // Group Membership Interval = 2 × 5 s + 1 s (the querier's QRV, QQIC and Max Resp Code): gone by T0 + 12.
    for (let second = 1; second <= 12; second++) analysis.advance(T0 + second);
    assert.equal(analysis.analyzer.time, T0 + 12);
    assert.deepEqual(analysis.snapshot(T0 + 12).memberships, []);
    assert.equal(analysis.frames, 2);
    assert.equal(analysis.messages, 2);
    assert.deepEqual(analysis.framesPerLink, [2, 0]);
  });

  it('writes one pcapng interface per link, and the file analyzed offline gives the live state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcast-capture-'));
    try {
      const path = join(dir, 'live.pcapng');
      const writer = new PcapngWriter(createWriteStream(path), LINKS.map((link) => ({ name: link.link, linkType: link.linkType, snaplen: 65535 })));
      const analysis = new LiveAnalysis(LINKS, writer, analyzerFeed(null));
      let nextSecond = T0 + 1;
      for (const { frame, index } of session()) {
        const time = frame.seconds + frame.nanos / 1e9;
        while (nextSecond <= time) analysis.advance(nextSecond++);
        analysis.onFrame(frame, index);
      }
      const end = T0 + 25.5;
      while (nextSecond <= end) analysis.advance(nextSecond++);
      await writer.end();
      const live = analysis.snapshot(end);

      const reader = openCaptureFiles([path]);
      for await (const frame of reader.frames) void frame;
      assert.deepEqual(reader.readers[0]!.info.interfaces.map((entry) => entry.name), ['lan1', 'lan2']);

      const offline = (await analyzeFiles([path], { at: end, topology: null })).analyzer.snapshot(end);
      assert.deepEqual(offline, live);
      assert.deepEqual(live.memberships.map((m) => `${m.link} ${m.group}`), ['lan1 239.9.9.9']);
      assert.equal(live.flows.length, 1);
      assert.equal(live.flows[0]!.packets, 200);

      const summary = buildSummary(analysis, { started: T0, ended: end }, LINKS.map((link, index) => ({
        link: link.link, device: link.device, frames: analysis.framesPerLink[index]!, kernel: null, kernelDrops: null,
      })), { maxLagMs: 3, maxBurstFrames: 1 }, path);
      assert.equal(summary.frames, 205);
      assert.equal(summary.messages, 5);
      assert.equal(summary.flows, 1);
      assert.deepEqual(summary.snapshot, live);
      const text = formatSummary(summary);
      assert.match(text, /captured 25\.5 s: 205 frames, 5 IGMP\/MLD\/PIM messages, 0 decode errors, 1 flows/);
      assert.match(text, /lan1\s+239\.9\.9\.9\s+EXCLUDE/);
      assert.match(text, /written to .*live\.pcapng/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mcast capture options', () => {
  it('parses interfaces and refuses repeated link names', () => {
    assert.deepEqual(parseInterfaces(['eth0', 'lan2=eth1']), [{ link: 'eth0', device: 'eth0' }, { link: 'lan2', device: 'eth1' }]);
    assert.throws(() => parseInterfaces([]), /at least one --iface/);
    assert.throws(() => parseInterfaces(['eth0', 'eth0']), /used twice/);
    assert.throws(() => parseInterfaces(['a=b=c']), /expected IF or LINK=IF/);
  });

  it('gives one line, not a stack trace, for a missing interface, a bad option or a bad duration', async () => {
    const failure = async (args: string[]) => {
      const result = await run('node', [CLI, ...args]).then(() => null, (error: { code: number; stderr: string }) => error);
      assert.ok(result, `${args.join(' ')} should fail`);
      return result;
    };
    const missing = await failure(['capture', '--iface', 'mcastnosuch0', '--duration', '1']);
    if (process.getuid?.() === 0) {
      assert.equal(missing.stderr, 'mcast: cannot capture: mcastnosuch0: no such interface\n');
      assert.equal(missing.code, 1);
    }
    assert.equal((await failure(['capture'])).code, 2);
    assert.match((await failure(['capture', '--iface', 'lo', '--duration', 'soon'])).stderr, /^mcast: --duration takes a positive number of seconds\n$/);
    assert.match((await failure(['capture', '--iface', 'lo', '--bogus'])).stderr, /^mcast: Unknown option '--bogus'/);
  });
});
