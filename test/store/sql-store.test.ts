import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { decodeFrame } from '../../capture/decode.js';
import { frameTime } from '../../capture/frame.js';
import { DEFAULT_FLOW_OPTIONS } from '../../capture/model/flows.js';
import { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';
import type { TimelineEntry } from '../../capture/model/timeline.js';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { StatsCounter, type CaptureStats } from '../../capture/stats.js';
import { inputsOf } from '../../pipeline/file-source.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import { ingestFiles } from '../../pipeline/ingest.js';
import { SqlStore } from '../../store/sql-store.js';
import type { CaptureRecord, StoredSnapshot } from '../../store/store-api.js';
import { PIM_FIXTURE, SAMPLE, storedContent, withTempDir } from './store-sample.js';
import { openTestStore, STORE_ENGINES, stopPostgres } from '../helpers/test-stores.js';

after(stopPostgres);

// Every test on both engines: the same writer, migrations and queries on SQLite and PostgreSQL.
for (const engine of STORE_ENGINES) describe(`the store on ${engine}`, () => {

/** A second capture, different from any sample. */
const KERNEL_FIXTURE = join(process.cwd(), 'test', 'fixtures', 'decoders', 'igmpv3-mldv2.pcap');

const { rateWindow: RATE_WINDOW } = DEFAULT_FLOW_OPTIONS;

/** How many moments the stored state is checked at. */
const MOMENTS = 12;

let dir = '';
let picked = '';
let sample = '';
let store: SqlStore;
let capture: CaptureRecord;
let stats: CaptureStats;
/** Data packets and bytes per `link|source|group|second`, whatever the frame order. */
const perSecond = new Map<string, { packets: number; bytes: number }>();
let timeline: TimelineEntry[] = [];
/** The analyzer's own snapshots at the chosen moments, from one pass over the sample. */
let snapshots: NetworkSnapshot[] = [];

/** Seconds without a change before a moment the state is compared at. */
const QUIET = 1.5;

function latestEvent(events: readonly number[], at: number): number | null {
  let latest: number | null = null;
  for (const time of events) if (time <= at && time > at - QUIET) latest = Math.max(latest ?? time, time);
  return latest;
}

/**
 * Moments spread over the capture, each QUIET seconds after the latest event before it (facts are
 * synced once per second): a change, or a forwarder going quiet or sending again.
 */
function chooseMoments(start: number, end: number, events: readonly number[]): number[] {
  const moments: number[] = [];
  for (let i = 1; i <= MOMENTS; i++) {
    let at = start + ((end - start) * i) / (MOMENTS + 1);
    for (let recent = latestEvent(events, at); recent !== null; recent = latestEvent(events, at)) at = recent + QUIET;
    if (at < end) moments.push(at);
  }
  return [...new Set(moments)];
}

async function analyzeDirectly(path: string, moments: readonly number[]): Promise<NetworkSnapshot[]> {
  const analyzer = new NetworkAnalyzer();
  const taken: NetworkSnapshot[] = [];
  const { frames } = openCaptureFiles([path]);
  for await (const frame of frames) {
    while (taken.length < moments.length && frameTime(frame) > moments[taken.length]!) taken.push(analyzer.snapshot(moments[taken.length]));
    analyzer.onFrame(decodeFrame(frame));
  }
  return taken;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcast-store-'));
  // A copy: the lab scripts may be rewriting samples/ while the tests run.
  picked = SAMPLE;
  sample = join(dir, basename(picked));
  await copyFile(picked, sample);
  store = await openTestStore(engine, dir, 'store');
  perSecond.clear();
  timeline = [];
  const counter = new StatsCounter();
  const { frames } = openCaptureFiles([sample]);
  for await (const frame of frames) {
    const result = decodeFrame(frame);
    counter.add(result);
    const message = result.ok ? result.packet.message : null;
    if (!result.ok || (message?.kind !== 'data.ipv4' && message?.kind !== 'data.ipv6')) continue;
    const key = `${frame.link}|${message.source}|${message.group}|${Math.floor(frameTime(frame))}`;
    const count = perSecond.get(key) ?? { packets: 0, bytes: 0 };
    count.packets++;
    count.bytes += message.length;
    perSecond.set(key, count);
  }
  stats = counter.result();
  capture = await ingestFiles(inputsOf([sample]), store, { sinks: [{ change: (entry) => timeline.push(entry) }] });
  snapshots = await analyzeDirectly(sample, chooseMoments(capture.startTime!, capture.endTime!, timeline.map((entry) => entry.time)));
});

after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

test('the stored findings are the findings engine\'s, each one row under its number in the run', async () => {
  const sink = new FindingsSink();
  const run = new AnalysisRun({ sinks: [sink] });
  for await (const frame of openCaptureFiles([sample]).frames) run.frame(frame);
  await run.finish();
  const expected = sink.engine.all();
  assert.ok(expected.some((finding) => finding.until !== null && finding.until > finding.at), 'the sample has findings that held a while and closed');
  const stored = (await store.findings({ captureId: capture.id, limit: 10_000, offset: 0 })).items;
  const rows = await store.db.all<{ serial: number }>('SELECT serial FROM findings WHERE capture_id = ? ORDER BY serial', [capture.id]);
  assert.deepEqual(rows.map((row) => Number(row.serial)), expected.map((_, index) => index), 'serials 0..n-1, one row each');
  const order = (a: { at: number; kind: string; link: string | null; group: string | null; source: string | null }, b: typeof a) =>
    a.at - b.at || a.kind.localeCompare(b.kind) || `${a.link}|${a.group}|${a.source}`.localeCompare(`${b.link}|${b.group}|${b.source}`);
  assert.deepEqual(stored.map(({ id: _id, captureId: _capture, ...finding }) => finding).sort(order), [...expected].sort(order));
});

test('a finding written again (refreshed, then closed) replaces its row and keeps its id', async () => {
  const writer = store.writer();
  await writer.begin('findings-rewrite', 'findings-rewrite');
  const finding = { kind: 'querier.missing' as const, severity: 'warning' as const, link: 'lan', group: null, source: null, router: null,
    detail: { seen: 1 }, explanation: 'x', rule: 'RFC 3376 §6.6.2', at: 10, until: null };
  writer.syncFindings([{ serial: 0, finding }]);
  await writer.flush();
  const first = (await store.findings({ captureId: writer.captureId, limit: 10, offset: 0 })).items;
  writer.syncFindings([{ serial: 0, finding: { ...finding, detail: { seen: 2 } } }, { serial: 1, finding: { ...finding, link: 'wan', at: 12 } }]);
  writer.syncFindings([{ serial: 0, finding: { ...finding, detail: { seen: 3 }, until: 20 } }]);
  await writer.flush();
  const second = (await store.findings({ captureId: writer.captureId, limit: 10, offset: 0 })).items;
  await writer.discard();
  assert.equal(first.length, 1);
  assert.equal(second.length, 2);
  assert.equal(second[0]!.id, first[0]!.id, 'the same finding keeps its row');
  assert.deepEqual(second.map((row) => [row.link, row.until, row.detail]), [['lan', 20, { seen: 3 }], ['wan', null, { seen: 1 }]]);
});

test('the capture record: source, span, frames and links of the sample', async () => {
  assert.equal(capture.status, 'complete');
  assert.equal(capture.frames, stats.frames);
  assert.equal(capture.decodeErrors, stats.decodeErrors);
  assert.deepEqual(capture.links, Object.keys(stats.links).sort());
  assert.ok(capture.startTime !== null && capture.endTime !== null && capture.endTime > capture.startTime);
  assert.deepEqual(await store.captures(), [capture]);
  assert.deepEqual(await store.capture(capture.id), capture);
  assert.equal(await store.capture(capture.id + 1000), null);
  assert.deepEqual(await store.timeRange(), { start: capture.startTime, end: capture.endTime });
});

test('the state at T rebuilt from the facts equals the analyzer\'s own snapshot at T', async () => {
  assert.ok(snapshots.length > 0, 'no quiet moment in the capture');
  let compared = 0;
  for (const expected of snapshots) {
    const stored = await store.stateAt(expected.at, capture.id);
    assert.equal(stored.at, expected.at);
    assert.deepEqual(storedContent(stored), storedContent(expected), `state at ${expected.at}`);
    compared += Object.values(storedContent(expected)).flat().length;
    // Timers are not stored.
    for (const membership of stored.memberships) assert.equal(membership.expiresAt, null);
    for (const join of stored.joins) assert.equal(join.expiresAt, null);
  }
  assert.ok(compared > 0, 'no facts compared');
  // Without a capture id: the capture covering T.
  const last = snapshots.at(-1)!;
  assert.deepEqual(storedContent(await store.stateAt(last.at)), storedContent(last));
});

test('counters in the stored state: link frames and flow packets up to T\'s second, rates over the window before it', async () => {
  const end = await store.stateAt(capture.endTime!, capture.id);
  for (const link of end.links) assert.equal(link.frames, stats.links[link.name]!.frames, link.name);
  assert.ok(stats.flows.length > 0, 'the sample has multicast data');
  const byFlow = new Map(stats.flows.map((flow) => [`${flow.link}|${flow.source}|${flow.group}`, flow]));
  assert.ok(end.flows.length > 0);
  for (const flow of end.flows) {
    const counted = byFlow.get(`${flow.link}|${flow.source}|${flow.group}`)!;
    assert.equal(flow.packets, counted.packets);
    assert.equal(flow.bytes, counted.bytes);
  }
  // As the analyzer: the rate over the RATE_WINDOW complete seconds before T's second.
  for (const { at } of snapshots) {
    const stored = await store.stateAt(at, capture.id);
    for (const flow of stored.flows) {
      let packets = 0;
      let bytes = 0;
      let upToT = 0;
      for (const [key, count] of perSecond) {
        const separator = key.lastIndexOf('|');
        if (key.slice(0, separator) !== `${flow.link}|${flow.source}|${flow.group}`) continue;
        const second = Number(key.slice(separator + 1));
        if (second <= Math.floor(at)) upToT += count.packets;
        if (second >= Math.floor(at) - RATE_WINDOW && second < Math.floor(at)) {
          packets += count.packets;
          bytes += count.bytes;
        }
      }
      assert.equal(flow.pps, Math.round((packets / RATE_WINDOW) * 1000) / 1000, `pps of ${flow.source},${flow.group} on ${flow.link} at ${at}`);
      assert.equal(flow.bps, Math.round(((bytes * 8) / RATE_WINDOW) * 1000) / 1000);
      assert.equal(flow.packets, upToT, 'the stored count takes in the whole second of T');
    }
  }
});

test('flow series: per-second points sum to the packets and bytes mcast stats counts', async () => {
  assert.ok(stats.flows.length > 0, 'the sample has multicast data');
  for (const flow of stats.flows) {
    const series = await store.flowSeries({ source: flow.source, group: flow.group, link: flow.link, from: capture.startTime!, to: capture.endTime! });
    assert.equal(series.reduce((sum, point) => sum + point.packets, 0), flow.packets, `${flow.source},${flow.group} on ${flow.link}`);
    assert.equal(series.reduce((sum, point) => sum + point.bytes, 0), flow.bytes);
    assert.ok(series.every((point, i) => Number.isInteger(point.time) && (i === 0 || point.time > series[i - 1]!.time)));
  }
  const busiest = [...stats.flows].sort((a, b) => b.packets - a.packets)[0]!;
  const overLinks = await store.flowSeries({ source: busiest.source, group: busiest.group, from: capture.startTime!, to: capture.endTime!, captureId: capture.id });
  const total = stats.flows.filter((flow) => flow.source === busiest.source && flow.group === busiest.group).reduce((sum, flow) => sum + flow.packets, 0);
  assert.equal(overLinks.reduce((sum, point) => sum + point.packets, 0), total, 'summed over links');
  const firstSecond = overLinks[0]!.time;
  const clipped = await store.flowSeries({ source: busiest.source, group: busiest.group, from: firstSecond + 10, to: firstSecond + 19 });
  assert.ok(clipped.every((point) => point.time >= firstSecond + 10 && point.time <= firstSecond + 19));
});

test('changes between T1 and T2 are the timeline entries of that span, in time order, paged', async () => {
  const t1 = capture.startTime! + (capture.endTime! - capture.startTime!) / 4;
  const t2 = capture.startTime! + (capture.endTime! - capture.startTime!) * 3 / 4;
  const expected = timeline.filter((entry) => entry.time >= t1 && entry.time <= t2);
  const all = await store.changes({ captureId: capture.id, from: t1, to: t2, limit: 100_000, offset: 0 });
  assert.equal(all.total, expected.length);
  assert.deepEqual(all.items.map((change) => `${change.time} ${change.area}.${change.kind} ${JSON.stringify(change.detail)}`).sort(),
    expected.map((entry) => `${entry.time} ${entry.area}.${entry.kind} ${JSON.stringify(entry.detail)}`).sort());
  assert.ok(all.items.every((change, i) => i === 0 || change.time >= all.items[i - 1]!.time));
  const pages = [];
  for (let offset = 0; offset < all.total; offset += 7) pages.push(...(await store.changes({ captureId: capture.id, from: t1, to: t2, limit: 7, offset })).items);
  assert.deepEqual(pages, all.items);

  const kinds = new Set(timeline.map((entry) => `${entry.area}.${entry.kind}`));
  const [area, kind] = [...kinds][0]!.split('.') as [string, string];
  const ofKind = await store.changes({ area, kind, limit: 5, offset: 0 });
  assert.equal(ofKind.total, timeline.filter((entry) => entry.area === area && entry.kind === kind).length);
  assert.ok(ofKind.items.length <= 5 && ofKind.items.every((change) => change.area === area && change.kind === kind));

  const group = all.items.find((change) => change.group !== null)?.group ?? (await store.changes({ limit: 100_000, offset: 0 })).items.find((change) => change.group !== null)!.group!;
  const ofGroup = await store.changes({ group, limit: 1000, offset: 0 });
  assert.ok(ofGroup.total >= 1 && ofGroup.items.every((change) => change.group === group));
});

test('routable changes leave out exactly the link-local groups\' ones', async () => {
  const linkLocal = (group: string | null) => group !== null && (group.startsWith('224.0.0.') || group.startsWith('ff02:'));
  const routable = await store.changes({ captureId: capture.id, routable: true, limit: 100_000, offset: 0 });
  assert.ok(timeline.some((entry) => linkLocal(entry.group)), 'the sample has link-local changes');
  assert.equal(routable.total, timeline.filter((entry) => !linkLocal(entry.group)).length);
  assert.ok(routable.items.every((change) => !linkLocal(change.group)));
});

test('the busiest moment: the longest stretch with the most routable memberships, forwarded flows and joins', async () => {
  const { at, running } = await store.busiestMoment(capture.id);
  assert.equal(running, false);
  assert.ok(at !== null && at > capture.startTime! && at < capture.endTime!, String(at));
  const weight = (state: Awaited<ReturnType<typeof store.stateAt>>) => {
    const routable = (group: string) => !group.startsWith('224.0.0.') && !group.startsWith('ff02:');
    return state.memberships.filter((entry) => routable(entry.group)).length + state.joins.filter((entry) => routable(entry.group)).length
      + state.flows.filter((entry) => entry.forwarders.length > 0 && routable(entry.group)).length;
  };
  const best = weight(await store.stateAt(at, capture.id));
  for (let step = 0; step <= 40; step++) {
    const moment = capture.startTime! + ((capture.endTime! - capture.startTime!) * step) / 40;
    assert.ok(weight(await store.stateAt(moment, capture.id)) <= best, `more state at ${moment} than at ${at}`);
  }
  assert.ok(best > weight(await store.stateAt(capture.endTime!, capture.id)), 'the end is emptier');
});

test('messages: one per control message, filtered by kind, link, group and time, paged', async () => {
  const controlCounts = new Map<string, number>();
  for (const [link, counts] of Object.entries(stats.links)) {
    for (const [kind, count] of Object.entries(counts.messages)) {
      if (kind === 'other' || kind.startsWith('data.')) continue;
      controlCounts.set(kind, (controlCounts.get(kind) ?? 0) + count);
      const ofLink = await store.messages({ captureId: capture.id, link, kind, limit: 1, offset: 0 });
      assert.equal(ofLink.total, count, `${kind} on ${link}`);
    }
  }
  const all = await store.messages({ limit: 100_000, offset: 0 });
  assert.equal(all.total, [...controlCounts.values()].reduce((sum, count) => sum + count, 0));
  assert.ok(all.items.every((message) => message.summary.length > 0 && controlCounts.has(message.kind)));
  assert.ok(all.items.every((message, i) => i === 0 || message.time >= all.items[i - 1]!.time));

  const withGroup = all.items.find((message) => message.groups !== null && !message.groups.includes(','))!;
  const group = withGroup.groups!;
  const ofGroup = await store.messages({ group, limit: 100_000, offset: 0 });
  const expected = all.items.filter((message) => message.groups?.split(',').includes(group));
  assert.deepEqual(ofGroup.items, expected);

  const middle = all.items[Math.floor(all.items.length / 2)]!;
  const later = await store.messages({ from: middle.time, limit: 10, offset: 5 });
  assert.equal(later.total, all.items.filter((message) => message.time >= middle.time).length);
  assert.deepEqual(later.items, all.items.filter((message) => message.time >= middle.time).slice(5, 15));
  assert.deepEqual({ limit: later.limit, offset: later.offset }, { limit: 10, offset: 5 });
});

/** What each kind's one-line summary starts with. */
const SUMMARY_PATTERNS: [kind: RegExp, summary: RegExp][] = [
  [/^igmp\.v1\.report$/, /^v1 Report \d+\.\d+\.\d+\.\d+$/],
  [/^igmp\.v2\.(report|leave)$/, /^v2 (Report|Leave) \d+\.\d+\.\d+\.\d+$/],
  [/^igmp\.v3\.report$/, /^v3 Report: (IS_IN|IS_EX|TO_IN|TO_EX|ALLOW|BLOCK) \S+ \{[^}]*\}/],
  [/^igmp\.v[123]\.query/, /^v[123] (General|Group|Group-and-Source) Query/],
  [/^mld\.v1\.(report|done)$/, /^MLDv1 (Report|Done) [0-9a-f:]+$/],
  [/^mld\.v2\.report$/, /^MLDv2 Report: (IS_IN|IS_EX|TO_IN|TO_EX|ALLOW|BLOCK) [0-9a-f:]+ \{[^}]*\}/],
  [/^mld\.v[12]\.query/, /^MLDv[12] (General|Group|Group-and-Source) Query.*, max resp [\d.]+ s/],
  [/^pim\.hello$/, /^Hello, holdtime (\d+ s|0 \(goodbye\)|default s)/],
  [/^pim\.join-prune$/, /^Join\/Prune → \S+, holdtime \d+ s: (Join|Prune) \(/],
  [/^pim\.(null-)?register$/, /^(Null-)?Register( \(border\))? \(\S+,\S+\) → RP \S+$/],
  [/^pim\.register-stop$/, /^Register-Stop \(\S+,\S+\) → DR \S+$/],
  [/^pim\.assert$/, /^Assert (Cancel )?\(/],
  [/^pim\.bootstrap$/, /^Bootstrap BSR \S+ priority \d+/],
  [/^pim\.c-rp-adv$/, /^C-RP-Adv RP \S+ priority \d+/],
];

test('message summaries read like the protocol, one pattern per kind', async () => {
  const all = (await store.messages({ limit: 100_000, offset: 0 })).items;
  assert.ok(all.length > 0);
  for (const message of all) {
    const pattern = SUMMARY_PATTERNS.find(([kind]) => kind.test(message.kind));
    if (pattern) assert.match(message.summary, pattern[1], `${message.kind} frame ${message.frame}`);
    // Messages about groups name them; general queries and hellos do not.
    if (/report|leave|done|join-prune|register/.test(message.kind)) assert.ok(message.groups !== null, `${message.kind} frame ${message.frame} has groups`);
  }
});

test('member series: reporters per link of a group, matching the stored state', async () => {
  const membership = snapshots.flatMap((snapshot) => snapshot.memberships).find((entry) => entry.reporters.length > 0);
  assert.ok(membership, 'the sample has group members');
  const series = await store.memberSeries({ group: membership.group, from: capture.startTime!, to: capture.endTime!, captureId: capture.id });
  assert.ok(series.length > 0 && series.every((point, i) => i === 0 || point.time >= series[i - 1]!.time));
  for (const point of series.slice(0, 20)) {
    const state = await store.stateAt(point.time, capture.id);
    const held: { reporters: string[] } | undefined = state.memberships.find((entry) => entry.link === point.link && entry.group === membership.group);
    assert.equal(point.members, held?.reporters.length ?? 0, `${membership.group} on ${point.link} at ${point.time}`);
  }
});

test('re-analyzing the same file replaces its capture; another file is another capture', async () => {
  const counts = await store.captureCounts(capture.id);
  const again = await ingestFiles(inputsOf([sample]), store);
  assert.equal(again.fingerprint, capture.fingerprint);
  const captures = await store.captures();
  assert.equal(captures.length, 1);
  assert.deepEqual(await store.captureCounts(again.id), counts);
  for (const table of ['messages', 'changes', 'facts', 'counters', 'link_counters', 'links']) {
    const row = await store.db.get<{ rows: number }>(`SELECT COUNT(*) AS rows FROM ${table}`);
    const owned = await store.db.get<{ rows: number }>(`SELECT COUNT(*) AS rows FROM ${table} WHERE capture_id = ?`, [again.id]);
    assert.equal(row!.rows, owned!.rows, `${table} holds only the new capture's rows`);
  }
  capture = again;

  const other = await ingestFiles(inputsOf([resolve(picked) === PIM_FIXTURE ? KERNEL_FIXTURE : PIM_FIXTURE]), store);
  assert.notEqual(other.id, capture.id);
  assert.notEqual(other.fingerprint, capture.fingerprint);
  assert.deepEqual((await store.captures()).map((entry) => entry.id).sort(), [capture.id, other.id].sort());
  const otherMessages = await store.messages({ captureId: other.id, limit: 1, offset: 0 });
  assert.ok(otherMessages.total > 0);
  const mine = await store.messages({ captureId: capture.id, limit: 1, offset: 0 });
  assert.equal(mine.total, counts.messages);
});

test('a file that is not a capture leaves no capture behind', async () => {
  const before = await store.captures();
  await assert.rejects(ingestFiles(inputsOf([join(process.cwd(), 'package.json')]), store), /package\.json/);
  assert.deepEqual(await store.captures(), before);
});

/** Per-link files of the sample: two links a receiver sits on. */
const PER_LINK = ['lan-rcv1.pcap.gz', 'lan-rcv2.pcap.gz'].map((name) => join(process.cwd(), 'samples', 'pim-sm', 'pcap', name));

test('per-link captures ingested one by one add up, at T, to the per-link state of analyzing them together; capture=ID narrows to one', async () => {
  await withTempDir(async (tempDir) => {
    const together = await openTestStore(engine, tempDir, 'together');
    const apart = await openTestStore(engine, tempDir, 'apart');
    try {
      const changes: TimelineEntry[] = [];
      const joint = await ingestFiles(inputsOf(PER_LINK), together, { sinks: [{ change: (entry) => changes.push(entry) }] });
      const [first, second] = [await ingestFiles(inputsOf([PER_LINK[0]!]), apart), await ingestFiles(inputsOf([PER_LINK[1]!]), apart)];
      assert.deepEqual([first.links, second.links], [['lan-rcv1'], ['lan-rcv2']]);
      const start = Math.max(first.startTime!, second.startTime!);
      const end = Math.min(first.endTime!, second.endTime!);
      const perLink = ['link', 'membership', 'join', 'assert', 'flow'] as const;
      const ofKinds = (state: StoredSnapshot) => Object.fromEntries(perLink.map((kind) => [kind, storedContent(state)[kind]]));
      const counts = (state: StoredSnapshot) => [...state.links.map((link) => `${link.name} ${link.frames}`), ...state.flows.map((flow) => `${flow.link} ${flow.source} ${flow.group} ${flow.packets}`)].sort();
      let compared = 0;
      for (const at of chooseMoments(start, end, changes.map((entry) => entry.time))) {
        const expected = await together.stateAt(at, joint.id);
        const merged = await apart.stateAt(at);
        assert.deepEqual(ofKinds(merged), ofKinds(expected), `state at ${at}`);
        assert.deepEqual(counts(merged), counts(expected), `counters at ${at}`);
        compared += merged.memberships.length + merged.flows.length;
        const narrowed = await apart.stateAt(at, second.id);
        assert.deepEqual(narrowed.links.map((link) => link.name), ['lan-rcv2']);
        assert.deepEqual(narrowed.memberships, merged.memberships.filter((membership) => membership.link === 'lan-rcv2'));
        assert.deepEqual(narrowed.flows, merged.flows.filter((flow) => flow.link === 'lan-rcv2'));
      }
      assert.ok(compared > 0, 'no memberships or flows compared');
    } finally {
      await together.close();
      await apart.close();
    }
  });
});
});
