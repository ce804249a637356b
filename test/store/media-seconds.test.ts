/**
 * Stream quality history: each complete second of an RTP / MPEG-TS flow per link is stored
 * (media_seconds) and read back by time, on the faults lab's real ffmpeg streams, whose loss tc
 * netem adds on lan-rcv only.
 */
import { test, after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputsOf } from '../../pipeline/file-source.js';
import { ingestFiles } from '../../pipeline/ingest.js';
import type { SqlStore } from '../../store/sql-store.js';
import type { CaptureRecord } from '../../store/store-api.js';
import { buildApp } from '../../server/app.js';
import { snapshotsAt } from '../accuracy/scenarios.js';
import { openTestStore, STORE_ENGINES, stopPostgres } from '../helpers/test-stores.js';

const PCAPS = join(process.cwd(), 'samples', 'faults', 'pcap');
after(stopPostgres);

// On both engines: the same rows written and read back.
for (const engine of STORE_ENGINES) describe(`media seconds on ${engine}`, () => {
let dir = '';
let store: SqlStore;
let capture: CaptureRecord;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcast-media-'));
  store = await openTestStore(engine, dir, 'faults');
  capture = await ingestFiles(inputsOf((await readdir(PCAPS)).map((file) => join(PCAPS, file))), store);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const S1 = '10.1.0.10';
const everything = { from: 0, to: 4e9 };

test('the MPEG-TS and RTP streams have a quality point per second and link: losses on lan-rcv, none upstream', async () => {
  for (const [group, format] of [['239.5.5.5', 'mpeg-ts'], ['239.5.5.6', 'rtp']] as const) {
    const points = await store.mediaSeries({ source: S1, group, ...everything });
    const links = [...new Set(points.map((point) => point.link))].sort();
    assert.deepEqual(links, ['lan-rcv', 'lan-src', 'r1-r2'], group);
    assert.ok(points.every((point) => point.format === format), group);
    const lost = (link: string) => points.filter((point) => point.link === link).reduce((sum, point) => sum + point.mediaLossRate, 0);
    assert.equal(lost('lan-src'), 0, `${group}: the sender's own link is clean`);
    assert.equal(lost('r1-r2'), 0, `${group}: upstream of netem`);
    assert.ok(lost('lan-rcv') > 0, `${group}: netem's 4 % on lan-rcv`);
    const rcv = points.filter((point) => point.link === 'lan-rcv');
    // About 35 s of video, one point per complete second, in time order.
    assert.ok(rcv.length >= 30 && rcv.length <= 40, `${group}: ${rcv.length} seconds`);
    assert.ok(rcv.every((point, index) => index === 0 || point.time > rcv[index - 1]!.time));
    assert.ok(rcv.at(-1)!.lostPackets > 0 && rcv.every((point, index) => index === 0 || point.lostPackets >= rcv[index - 1]!.lostPackets), 'loss so far never decreases');
    assert.ok(rcv.some((point) => point.delayFactorMs !== null && point.delayFactorMs > 0), 'RFC 4445 DF from the second second on');
    if (format === 'rtp') assert.ok(rcv.every((point) => point.jitterMs !== null), 'RTP payload type 33 has a 90 kHz clock: jitter');
  }
});

test('one link and a time range narrow the series; a flow that is not numbered has none', async () => {
  const all = await store.mediaSeries({ source: S1, group: '239.5.5.6', link: 'lan-rcv', ...everything });
  const middle = all[Math.floor(all.length / 2)]!.time;
  const window = await store.mediaSeries({ source: S1, group: '239.5.5.6', link: 'lan-rcv', from: middle, to: middle + 4, captureId: capture.id });
  assert.deepEqual(window.map((point) => point.time), all.filter((point) => point.time >= middle && point.time <= middle + 4).map((point) => point.time));
  assert.equal(window.length, 5);
  assert.deepEqual(await store.mediaSeries({ source: S1, group: '239.1.1.1', ...everything }), [], 'the lab sender\'s text payload has no RTP or TS numbering');
});

test('GET /api/flows/quality serves the series per link with its schema; a bad address is a 400 naming the parameter', async () => {
  const app = await buildApp({ store });
  try {
    const reply = await app.inject({ url: '/api/flows/quality?source=10.1.0.10&group=239.5.5.5&link=lan-rcv', headers: { host: 'localhost' } });
    assert.equal(reply.statusCode, 200, reply.body);
    const body = reply.json() as { link: string; items: { link: string; mediaLossRate: number; format: string }[] };
    assert.equal(body.link, 'lan-rcv');
    assert.ok(body.items.length >= 30 && body.items.every((point) => point.link === 'lan-rcv' && point.format === 'mpeg-ts'));
    assert.ok(body.items.some((point) => point.mediaLossRate > 0));
    const bad = await app.inject({ url: '/api/flows/quality?source=10.1.0.10&group=nope', headers: { host: 'localhost' } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /group/);
  } finally {
    await app.close();
  }
});

test('trees the model derives from packets (an edge once its forwarder is more than a leak) are stored though no change followed them', async () => {
  const lanRcv = await mkdtemp(join(tmpdir(), 'mcast-media-one-'));
  const one = await openTestStore(engine, lanRcv, 'lan-rcv');
  try {
    await ingestFiles(inputsOf([join(PCAPS, 'lan-rcv.pcap.gz')]), one);
    const points = await one.mediaSeries({ source: S1, group: '239.5.5.6', ...everything });
    const middle = points[Math.floor(points.length / 2)]!.time;
    const [analyzed] = await snapshotsAt([join(PCAPS, 'lan-rcv.pcap.gz')], [middle], null);
    const stored = await one.stateAt(middle);
    const trees = (state: { trees: { source: string; group: string; kind: string }[] }) => state.trees.map((tree) => `${tree.kind} (${tree.source}, ${tree.group})`).sort();
    assert.ok(trees(analyzed!).includes('SPT (10.1.0.10, 239.5.5.6)'));
    assert.deepEqual(trees(stored), trees(analyzed!));
  } finally {
    await one.close();
    await rm(lanRcv, { recursive: true, force: true });
  }
});
});
