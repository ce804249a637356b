/**
 * Live capture for real: frames injected (pcap_inject through cap) into one end of a veth pair are
 * captured on the other end with the default filter. Needs root (CI runs the suite as root).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { decodeFrame } from '../../../capture/decode.js';
import type { Frame } from '../../../capture/frame.js';
import {
  DEFAULT_FILTER, EpochClock, LiveCapture, LiveCaptureError, describeOpenError, linkTypeFromCap, parseInterfaceSpec,
} from '../../../capture/sources/live-capture.js';
import { counterDelta, kernelDrops, readInterfaceCounters } from '../../../capture/sources/interface-counters.js';
import { ethernetFrame } from '../../helpers/encode-frame.js';
import { encodeIPv4, encodeIPv6, encodeUdp, hopByHopRouterAlert, NEXT_HEADER_ICMPV6, PROTOCOL_PIM, PROTOCOL_UDP } from '../../helpers/encode-ip.js';
import { encodeIgmpMessage, encodeIgmpV3Report, IGMP_QUERY, igmpPacket } from '../../helpers/encode-igmp.js';
import { encodeMldV1, encodeMldV2Report, mldPacket, MLD_QUERY } from '../../helpers/encode-mld.js';

const NAIVE_MLD_FILTER = 'icmp6 and (icmp6[0] >= 130 and icmp6[0] <= 132 or icmp6[0] == 143)';
const isRoot = process.getuid?.() === 0;
const TAG = `mcl${process.pid % 100_000}`;
const SEND_SIDE = `${TAG}a`;
const CAPTURE_SIDE = `${TAG}b`;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_ARP = 0x0806;
const HOST = '02:00:00:00:00:01';

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

/** Each frame's source MAC ends in its index, so what was captured is known by index. */
function macOf(index: number): string {
  return `02:00:00:00:01:${index.toString(16).padStart(2, '0')}`;
}

interface Case {
  name: string;
  kept: boolean;
  frame: (mac: string) => Uint8Array;
}

const ICMPV6_ECHO = 128;
const icmpv6Echo = () => new Uint8Array([ICMPV6_ECHO, 0, 0, 0, 0, 1, 0, 1]);
const udpData = new Uint8Array(40).fill(0x55);

const CASES: Case[] = [
  { name: 'IGMPv3 report to 224.0.0.22', kept: true, frame: (mac) => ethernetFrame('01:00:5e:00:00:16', mac, ETHERTYPE_IPV4, igmpPacket('10.0.0.9', '224.0.0.22', encodeIgmpV3Report([{ type: 4, group: '239.1.1.1' }]))) },
  { name: 'unicast IGMP query', kept: true, frame: (mac) => ethernetFrame(HOST, mac, ETHERTYPE_IPV4, igmpPacket('10.0.0.1', '10.0.0.9', encodeIgmpMessage(IGMP_QUERY, 100, '0.0.0.0'))) },
  {
    name: 'MLDv2 report to ff02::16 behind Hop-by-Hop', kept: true,
    frame: (mac) => {
      const addresses = { src: 'fe80::9', dst: 'ff02::16' };
      return ethernetFrame('33:33:00:00:00:16', mac, ETHERTYPE_IPV6, mldPacket(addresses, encodeMldV2Report([{ type: 4, address: 'ff05::1' }], addresses)));
    },
  },
  {
    name: 'MLDv1 query to a unicast address behind Hop-by-Hop', kept: true,
    frame: (mac) => {
      const addresses = { src: 'fe80::1', dst: 'fe80::9' };
      return ethernetFrame(HOST, mac, ETHERTYPE_IPV6, mldPacket(addresses, encodeMldV1(MLD_QUERY, 1000, '::', addresses)));
    },
  },
  {
    name: 'MLDv1 query to a unicast address without extension header', kept: true,
    frame: (mac) => {
      const addresses = { src: 'fe80::1', dst: 'fe80::9' };
      return ethernetFrame(HOST, mac, ETHERTYPE_IPV6, encodeIPv6({ ...addresses, nextHeader: NEXT_HEADER_ICMPV6, payload: encodeMldV1(MLD_QUERY, 1000, '::', addresses) }));
    },
  },
  { name: 'PIM Register to the RP (unicast)', kept: true, frame: (mac) => ethernetFrame(HOST, mac, ETHERTYPE_IPV4, encodeIPv4({ src: '10.0.0.1', dst: '10.0.0.2', protocol: PROTOCOL_PIM, payload: new Uint8Array([0x21, 0, 0, 0, 0, 0, 0, 0]) })) },
  { name: 'IPv4 multicast UDP', kept: true, frame: (mac) => ethernetFrame('01:00:5e:01:01:01', mac, ETHERTYPE_IPV4, encodeIPv4({ src: '10.0.0.5', dst: '239.1.1.1', protocol: PROTOCOL_UDP, payload: encodeUdp('10.0.0.5', '239.1.1.1', 4000, 5000, udpData) })) },
  { name: 'IPv6 multicast UDP', kept: true, frame: (mac) => ethernetFrame('33:33:00:00:00:01', mac, ETHERTYPE_IPV6, encodeIPv6({ src: 'fd00::5', dst: 'ff3e::1', nextHeader: PROTOCOL_UDP, payload: encodeUdp('fd00::5', 'ff3e::1', 4000, 5000, udpData) })) },
  { name: '802.1Q-tagged IPv4 multicast UDP', kept: true, frame: (mac) => ethernetFrame('01:00:5e:01:01:02', mac, ETHERTYPE_IPV4, encodeIPv4({ src: '10.0.0.5', dst: '239.1.1.2', protocol: PROTOCOL_UDP, payload: encodeUdp('10.0.0.5', '239.1.1.2', 4000, 5000, udpData) }), [100]) },
  { name: 'unicast UDP', kept: false, frame: (mac) => ethernetFrame(HOST, mac, ETHERTYPE_IPV4, encodeIPv4({ src: '10.0.0.5', dst: '10.0.0.9', protocol: PROTOCOL_UDP, payload: encodeUdp('10.0.0.5', '10.0.0.9', 4000, 5000, udpData) })) },
  { name: 'ARP', kept: false, frame: (mac) => ethernetFrame('ff:ff:ff:ff:ff:ff', mac, ETHERTYPE_ARP, new Uint8Array(28)) },
  { name: 'unicast ICMPv6 echo', kept: false, frame: (mac) => ethernetFrame(HOST, mac, ETHERTYPE_IPV6, encodeIPv6({ src: 'fd00::5', dst: 'fd00::9', nextHeader: NEXT_HEADER_ICMPV6, payload: icmpv6Echo() })) },
  {
    name: 'unicast ICMPv6 echo behind Hop-by-Hop', kept: false,
    frame: (mac) => ethernetFrame(HOST, mac, ETHERTYPE_IPV6, encodeIPv6({ src: 'fd00::5', dst: 'fd00::9', nextHeader: NEXT_HEADER_ICMPV6, extensionHeaders: [hopByHopRouterAlert(0)], payload: icmpv6Echo() })),
  },
];

interface CapSender {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  send(buffer: Buffer, length: number): void;
  close(): boolean;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('parts of live capture that need no interface', () => {
  it('parses --iface IF and LINK=IF', () => {
    assert.deepEqual(parseInterfaceSpec('eth0'), { link: 'eth0', device: 'eth0' });
    assert.deepEqual(parseInterfaceSpec('lan1=eth0'), { link: 'lan1', device: 'eth0' });
    assert.equal(parseInterfaceSpec('lan1='), null);
    assert.equal(parseInterfaceSpec('=eth0'), null);
    assert.equal(parseInterfaceSpec('a=b=c'), null);
  });

  it("maps cap's link type names to LINKTYPE values", () => {
    assert.equal(linkTypeFromCap('ETHERNET'), 1);
    assert.equal(linkTypeFromCap('LINKTYPE_LINUX_SLL'), 113);
    assert.equal(linkTypeFromCap('RAW'), 101);
    assert.equal(linkTypeFromCap('Unknown linktype 276'), 276);
    assert.equal(linkTypeFromCap('something else'), null);
  });

  it("turns libpcap's errors into one-line reasons", () => {
    assert.equal(describeOpenError('eth9', 'eth9: No such device exists (SIOCGIFHWADDR: No such device)').reason, 'no-such-device');
    const denied = describeOpenError('eth0', "eth0: You don't have permission to capture on that device (socket: Operation not permitted)");
    assert.equal(denied.reason, 'permission');
    assert.match(denied.message, /root|CAP_NET_RAW/);
    assert.equal(describeOpenError('eth0', "can't parse filter expression: syntax error").reason, 'bad-filter');
  });

  it('stamps from a monotonic clock anchored to the epoch', () => {
    const clock = new EpochClock(1_700_000_000_000);
    const first = clock.nowNanos();
    const second = clock.nowNanos();
    assert.ok(second >= first);
    assert.ok(Math.abs(clock.now() - 1_700_000_000) < 1);
    assert.ok(Math.abs(new EpochClock().now() - Date.now() / 1000) < 0.05);
  });

  it('refuses an interface that does not exist, with a clear reason', { skip: !isRoot && 'needs root' }, () => {
    assert.throws(
      () => new LiveCapture([{ link: 'x', device: `${TAG}none` }], { filter: DEFAULT_FILTER, bufferSize: 1 << 20, clock: new EpochClock() }, () => {}),
      (error: unknown) => error instanceof LiveCaptureError && error.reason === 'no-such-device' && error.message === `${TAG}none: no such interface`,
    );
  });
});

describe('live capture on a veth pair', { skip: !isRoot && 'needs root (network interfaces)' }, () => {
  let sender: CapSender | null = null;

  before(() => {
    ip('link', 'add', SEND_SIDE, 'type', 'veth', 'peer', 'name', CAPTURE_SIDE);
    for (const side of [SEND_SIDE, CAPTURE_SIDE]) {
      // No IPv6 on either end: the interfaces send nothing of their own (no MLD, no DAD).
      execFileSync('sysctl', ['-qw', `net.ipv6.conf.${side}.disable_ipv6=1`]);
      ip('link', 'set', side, 'up');
    }
  });

  after(() => {
    sender?.close();
    try {
      ip('link', 'del', SEND_SIDE);
    } catch {
      // already gone
    }
  });

  it('keeps IGMP, MLD (also behind Hop-by-Hop, also unicast), PIM and multicast data, drops the rest, copies and stamps every frame', async () => {
    const frames: Frame[] = [];
    const clock = new EpochClock();
    const countersBefore = await readInterfaceCounters(CAPTURE_SIDE);
    const capture = new LiveCapture([{ link: 'lan1', device: CAPTURE_SIDE }], { filter: DEFAULT_FILTER, bufferSize: 1 << 20, clock }, (frame) => frames.push(frame));
    // A filter that reads the ICMPv6 type right after the fixed IPv6 header, for comparison.
    const naiveMld: Frame[] = [];
    const naive = new LiveCapture([{ link: 'naive', device: CAPTURE_SIDE }], { filter: NAIVE_MLD_FILTER, bufferSize: 1 << 20, clock }, (frame) => naiveMld.push(frame));
    assert.deepEqual(capture.interfaces.map(({ link, device, linkType }) => ({ link, device, linkType })), [{ link: 'lan1', device: CAPTURE_SIDE, linkType: 1 }]);
    const startedAt = clock.now();
    try {
      const Cap = (createRequire(import.meta.url)('cap') as { Cap: new () => CapSender }).Cap;
      sender = new Cap();
      const buffer = Buffer.alloc(65_536);
      sender.open(SEND_SIDE, '', 1 << 20, buffer);
      CASES.forEach((entry, index) => {
        const bytes = entry.frame(macOf(index));
        buffer.set(bytes);
        sender!.send(buffer, Math.max(bytes.length, 60));
      });
      const expected = CASES.filter((entry) => entry.kept).length;
      await until(() => frames.length >= expected, 3000);
      await new Promise((resolve) => setTimeout(resolve, 200)); // anything the filter should have dropped has had time to arrive
    } finally {
      capture.close();
      naive.close();
    }
    const endedAt = clock.now();

    const seen = frames.map((frame) => {
      const mac = [...frame.data.subarray(6, 12)].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
      return CASES[parseInt(mac.slice(-2), 16)]?.name ?? mac;
    });
    assert.deepEqual(seen, CASES.filter((entry) => entry.kept).map((entry) => entry.name));

    frames.forEach((frame, index) => {
      assert.equal(frame.number, index + 1);
      assert.equal(frame.link, 'lan1');
      const time = frame.seconds + frame.nanos / 1e9;
      assert.ok(time >= startedAt && time <= endedAt, `frame ${frame.number} stamped inside the capture`);
      if (index > 0) assert.ok(time >= frames[index - 1]!.seconds + frames[index - 1]!.nanos / 1e9, 'stamps never go back');
      assert.equal(frame.originalLength, frame.data.length);
    });
    // Each frame kept its own bytes although cap wrote every frame into the same buffer.
    assert.equal(frames[0]!.data[12], 0x08);
    assert.equal(frames[0]!.data[23], 2, 'the first frame is still the IGMP report');

    const kinds = frames.map((frame) => {
      const result = decodeFrame(frame);
      return result.ok ? result.packet.message.kind : `error:${result.error.error.layer}`;
    });
    assert.deepEqual(kinds.slice(0, 5), ['igmp.v3.report', 'igmp.v2.query.general', 'mld.v2.report', 'mld.v1.query.general', 'mld.v1.query.general']);
    assert.deepEqual(kinds.slice(6), ['data.ipv4', 'data.ipv6', 'data.ipv4']);

    // MLD behind Hop-by-Hop (every MLD message hosts and routers send) escapes the naive filter.
    assert.deepEqual(naiveMld.map((frame) => decodeFrame(frame)).map((result) => result.ok && result.packet.message.kind), ['mld.v1.query.general']);

    const countersAfter = await readInterfaceCounters(CAPTURE_SIDE);
    assert.ok(countersBefore && countersAfter);
    const delta = counterDelta(countersAfter, countersBefore);
    assert.ok(delta.rxPackets >= CASES.length, 'the kernel counted every frame given to the interface, kept or not');
    assert.equal(kernelDrops(delta), 0);
  });
});
