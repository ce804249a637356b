/**
 * A live probe for real: `mcast capture --publish` on one end of a veth pair while frames are
 * injected into the other (an IGMPv3 join, then 100 data packets at 50 pps), a real nats-server,
 * and `mcast collect --db`: the collector ends when the probe does and holds what the probe saw —
 * its frames, the join, the flow and its per-second counters. Also with the server down for a
 * while in the middle: the probe queues, sends again when it is back, and nothing is lost or doubled.
 * Needs root (network interfaces); skipped otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SqliteDatabase } from '../../store/sqlite.js';
import { ethernetFrame } from '../helpers/encode-frame.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../helpers/encode-ip.js';
import { encodeIgmpV3Report, igmpPacket } from '../helpers/encode-igmp.js';
import { startNatsServer } from '../helpers/nats-server.js';
import { CLI, mcast } from '../helpers/run-cli.js';

const isRoot = process.getuid?.() === 0;
const TAG = `mcp${process.pid % 100_000}`;
const SEND_SIDE = `${TAG}a`;
const CAPTURE_SIDE = `${TAG}b`;
const GROUP = '239.7.7.7';
const PACKETS = 100;
const CHANGE_TO_EXCLUDE = 4;

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

interface CapSender {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  send(buffer: Buffer, length: number): void;
  close(): void;
}

describe('a live probe publishing to a collector', { skip: !isRoot && 'needs root (network interfaces)' }, () => {
  let dir: string;

  before(async () => {
    ip('link', 'add', SEND_SIDE, 'type', 'veth', 'peer', 'name', CAPTURE_SIDE);
    for (const side of [SEND_SIDE, CAPTURE_SIDE]) {
      execFileSync('sysctl', ['-qw', `net.ipv6.conf.${side}.disable_ipv6=1`]);
      ip('link', 'set', side, 'up');
    }
    dir = await mkdtemp(join(tmpdir(), 'mcast-probe-live-'));
  });

  after(async () => {
    try {
      ip('link', 'del', SEND_SIDE);
    } catch {
      // already gone
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const outage of [false, true]) it(`the collector holds the frames, the join and the flow the live probe captured${outage ? ', the server down in the middle' : ''}`, async () => {
    const probe = outage ? 'edge2' : 'edge1';
    const db = join(dir, `${probe}.sqlite`);
    const server = await startNatsServer();
    after(() => server.stop());
    // With an outage the collector starts once the probe is done: it reads the stream from its start.
    let collector = outage ? null : mcast(['collect', '--nats', server.url, '--probes', probe, '--db', db, '--json']);
    const capture = spawn(process.execPath, [CLI, 'capture', '--iface', `lan1=${CAPTURE_SIDE}`, '--publish', server.url, '--probe', probe, '--duration', '6', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    capture.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const lines: string[] = [];
    const started = new Promise<void>((resolve) => createInterface({ input: capture.stdout! }).on('line', (line) => {
      lines.push(line);
      if ((JSON.parse(line) as { type: string }).type === 'started') resolve();
    }));
    const exited = new Promise<number | null>((resolve) => capture.once('exit', resolve));
    await started;

    const Cap = (createRequire(import.meta.url)('cap') as { Cap: new () => CapSender }).Cap;
    const sender = new Cap();
    const buffer = Buffer.alloc(65_536);
    sender.open(SEND_SIDE, '', 1 << 20, buffer);
    const send = (bytes: Uint8Array) => {
      buffer.set(bytes);
      sender.send(buffer, Math.max(bytes.length, 60));
    };
    try {
      send(ethernetFrame('01:00:5e:00:00:16', '02:00:00:00:00:0a', 0x0800, igmpPacket('10.7.0.10', '224.0.0.22', encodeIgmpV3Report([{ type: CHANGE_TO_EXCLUDE, group: GROUP }]))));
      let restarted: Promise<void> | null = null;
      for (let packet = 0; packet < PACKETS; packet++) {
        if (outage && packet === PACKETS / 4) {
          const { up } = await server.down();
          restarted = new Promise((resolve) => setTimeout(resolve, 1500)).then(up);
        }
        send(ethernetFrame('01:00:5e:07:07:07', '02:00:00:00:00:14', 0x0800, encodeIPv4({
          src: '10.7.0.20', dst: GROUP, protocol: PROTOCOL_UDP, ttl: 8, id: packet, payload: encodeUdp('10.7.0.20', GROUP, 4000, 5000, new Uint8Array(100)),
        })));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await restarted;
    } finally {
      sender.close();
    }
    assert.equal(await exited, 0, stderr);
    const summary = JSON.parse(lines.at(-1)!) as { type: string; frames: number; published: { published: number; dropped: number; retries: number } };
    assert.equal(summary.type, 'summary');
    assert.ok(summary.frames >= PACKETS + 1, `the probe captured ${summary.frames} frames`);
    assert.equal(summary.published.dropped, 0);
    if (outage) assert.ok(summary.published.retries > 0, 'sends failed while the server was down, and were tried again');

    collector ??= mcast(['collect', '--nats', server.url, '--probes', probe, '--db', db, '--json', '--name', probe]);
    const collected = await collector;
    assert.equal(collected.code, 0, collected.stderr);
    const result = JSON.parse(collected.stdout) as { frames: number; late: number; probes: { name: string; ended: boolean }[] };
    assert.equal(result.frames, summary.frames, 'the collector counts every frame the probe captured');
    assert.deepEqual(result.probes.map((entry) => [entry.name, entry.ended]), [[probe, true]]);

    const store = await SqliteDatabase.open(db, { readonly: true });
    try {
      const data = await store.get<{ packets: number }>('SELECT sum(packets) AS packets FROM counters WHERE link = ? AND grp = ?', ['lan1', GROUP]);
      assert.equal(data?.packets, PACKETS);
      const joins = await store.all<{ kind: string }>("SELECT kind FROM messages WHERE link = 'lan1' AND kind = 'igmp.v3.report'");
      assert.equal(joins.length, 1);
      const flowFacts = await store.all<{ grp: string }>("SELECT grp FROM facts WHERE kind = 'flow' AND grp = ?", [GROUP]);
      assert.ok(flowFacts.length >= 1, 'the flow is among the stored facts');
    } finally {
      await store.close();
    }
  });
});
