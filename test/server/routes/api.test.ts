/**
 * The REST API through `app.inject`, against a real SQLite store made from a real sample capture:
 * each route's happy path against the analyzer's own results, and the errors (400 with the
 * reason, 404, 413) a client can cause.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';
import { isRoutable } from '../../../capture/model/trees.js';
import { LiveHub } from '../../../server/live/hub.js';
import { buildApp } from '../../../server/app.js';
import { storeIngest } from '../../../cli/commands/serve.js';
import { SqlStore } from '../../../store/sql-store.js';
import { makeSampleStore, type SampleStore } from './sample-store.js';
import { AnalysisRun } from '../../../pipeline/run.js';
import { analyzeFiles, inputsOf, runFiles } from '../../../pipeline/file-source.js';
import { FindingsSink } from '../../../pipeline/sinks/findings-sink.js';
import { SEVERITY_ORDER, type Finding, type FindingRecord } from '../../../shapes/findings.js';
import type { Page } from '../../../shapes/records.js';

let sample: SampleStore;
let app: FastifyInstance;
let end: NetworkSnapshot;
/** A moment when a routable group has a tree (or members): the group tests look there. */
let moment: Awaited<ReturnType<SampleStore['groupMoment']>>;

before(async () => {
  sample = await makeSampleStore();
  app = await buildApp({ store: sample.store });
  end = await sample.analyzerSnapshot();
  moment = await sample.groupMoment();
});

after(async () => {
  await app?.close();
  await sample?.close();
});

async function get<T>(url: string, status = 200): Promise<T> {
  const response = await app.inject({ method: 'GET', url });
  assert.equal(response.statusCode, status, `${url}: ${response.body}`);
  assert.match(String(response.headers['content-type']), /application\/json/);
  return response.json<T>();
}

const keys = <T>(rows: T[], key: (row: T) => string) => rows.map(key).sort();
const membershipKey = (row: { link: string; group: string }) => `${row.link}|${row.group}`;
const flowKey = (row: { link: string; source: string; group: string }) => `${row.link}|${row.source}|${row.group}`;
const treeKey = (row: { source: string; group: string; kind: string }) => `${row.source}|${row.group}|${row.kind}`;
const edgeKeys = (tree: NetworkSnapshot['trees'][number]) => keys(tree.edges, (edge) => `${edge.router}>${edge.out} in ${edge.in} data=${edge.carriesData} wanted=${edge.wanted}`);

function assertSameState(ours: NetworkSnapshot, theirs: NetworkSnapshot): void {
  assert.deepEqual(keys(ours.links, (link) => `${link.name} q=${link.querier} dr=${link.dr} n=${link.pimNeighbors.join(',')}`),
    keys(theirs.links, (link) => `${link.name} q=${link.querier} dr=${link.dr} n=${link.pimNeighbors.join(',')}`), 'links');
  assert.deepEqual(keys(ours.routers, (router) => router.id), keys(theirs.routers, (router) => router.id), 'routers');
  assert.deepEqual(keys(ours.memberships, membershipKey), keys(theirs.memberships, membershipKey), 'memberships');
  assert.deepEqual(keys(ours.flows, flowKey), keys(theirs.flows, flowKey), 'flows');
  assert.deepEqual(keys(ours.trees, treeKey), keys(theirs.trees, treeKey), 'trees');
  assert.deepEqual(keys(ours.joins, (join) => `${join.link}|${join.from}|${join.type}|${join.source}|${join.group}|${join.state}`),
    keys(theirs.joins, (join) => `${join.link}|${join.from}|${join.type}|${join.source}|${join.group}|${join.state}`), 'joins');
}


describe('captures and range', () => {
  test('GET /api/captures lists the analyzed capture; GET /api/captures/:id returns it', async () => {
    const captures = await get<{ id: number; frames: number; startTime: number }[]>('/api/captures');
    assert.equal(captures.length, 1);
    assert.equal(captures[0]!.id, sample.capture.id);
    assert.ok(captures[0]!.frames > 0);
    const one = await get<{ id: number; source: string }>(`/api/captures/${sample.capture.id}`);
    assert.equal(one.source, sample.capture.source);
  });

  test('GET /api/captures/:id: unknown id is 404, a non-number 400 with the reason', async () => {
    const missing = await get<{ message: string }>('/api/captures/99999', 404);
    assert.match(missing.message, /no capture 99999/);
    const bad = await get<{ message: string }>('/api/captures/first', 400);
    assert.equal(bad.message, "path parameter id: 'first' is not a whole number");
  });

  test('GET /api/range spans the capture', async () => {
    const range = await get<{ start: number; end: number }>('/api/range');
    assert.equal(range.start, sample.capture.startTime);
    assert.equal(range.end, sample.capture.endTime);
  });

  test('GET /api/range: busiest, where the dashboard opens, is a moment with more routable state than any other sampled, not the empty end', async () => {
    const range = await get<{ start: number; end: number; busiest: number | null; running: boolean }>('/api/range');
    assert.equal(range.running, false);
    assert.ok(range.busiest !== null && range.busiest > range.start && range.busiest < range.end, JSON.stringify(range));
    const activity = async (at: number) => {
      const state = await get<NetworkSnapshot>(`/api/snapshot?at=${at}`);
      const forwarded = state.flows.filter((flow) => flow.forwarders.length > 0);
      return [...state.memberships, ...forwarded, ...state.joins].filter((row) => isRoutable(row.group)).length;
    };
    const busiest = await activity(range.busiest);
    assert.ok(busiest > await activity(range.end), 'more than at the end, after the routers stopped');
    for (let step = 0; step <= 20; step++) {
      const at = range.start + ((range.end - range.start) * step) / 20;
      assert.ok(await activity(at) <= busiest, `at ${at}: more than at the busiest moment`);
    }
  });
});

describe('state at T', () => {
  test('GET /api/snapshot (end of data) equals the analyzer\'s own state', async () => {
    const snapshot = await get<NetworkSnapshot>('/api/snapshot');
    assert.equal(snapshot.at, sample.capture.endTime);
    assertSameState(snapshot, await sample.analyzerSnapshot(snapshot.at));
  });

  test('GET /api/snapshot?at= in the middle equals the analyzer stopped there', async () => {
    const at = (sample.capture.startTime! + sample.capture.endTime!) / 2;
    const snapshot = await get<NetworkSnapshot>(`/api/snapshot?at=${at}`);
    assert.equal(snapshot.at, at);
    assertSameState(snapshot, await sample.analyzerSnapshot(at));
  });

  test('a bad query is 400 naming the parameter, the value given and the reason in words', async () => {
    const reply = await get<{ statusCode: number; message: string }>('/api/snapshot?at=yesterday', 400);
    assert.equal(reply.statusCode, 400);
    const messages: [string, string][] = [
      ['/api/snapshot?at=yesterday', "query parameter at: 'yesterday' is not a number"],
      ['/api/snapshot?at=-5', "query parameter at: '-5' is less than 0"],
      ['/api/snapshot?when=5', "unknown query parameter 'when'"],
      ['/api/groups?routable=maybe', "query parameter routable: 'maybe' is not true or false"],
      ['/api/groups/not-a-group', "path parameter group: 'not-a-group' is not an IPv4 address or an IPv6 address"],
      ['/api/changes?group=x', "query parameter group: 'x' is not an IPv4 address, an IPv6 address or a group range (address/length, such as 239.0.0.0/8)"],
      ['/api/findings?severity=loud', "query parameter severity: 'loud' is not 'error', 'warning' or 'info'"],
      ['/api/changes?kind=', "query parameter kind: '' is empty"],
    ];
    for (const [url, message] of messages) assert.equal((await get<{ message: string }>(url, 400)).message, message, url);
  });

  test('GET /api/links and /api/routers are the snapshot\'s', async () => {
    const links = await get<{ items: NetworkSnapshot['links'] }>('/api/links');
    assert.deepEqual(keys(links.items, (link) => link.name), keys(end.links, (link) => link.name));
    const routers = await get<{ items: NetworkSnapshot['routers'] }>('/api/routers');
    assert.deepEqual(routers.items.map((router) => ({ id: router.id, links: router.interfaces.map((entry) => entry.link) })),
      end.routers.map((router) => ({ id: router.id, links: router.interfaces.map((entry) => entry.link) })));
  });
});

describe('groups', () => {
  test('GET /api/groups: every group with members per link, flow counts and tree kinds', async () => {
    const groups = await get<{ items: { group: string; links: { link: string; members: number }[]; flows: number; treeKinds: string[] }[] }>('/api/groups');
    const expected = new Set([...end.memberships, ...end.flows, ...end.trees, ...end.joins].map((row) => row.group));
    assert.deepEqual(groups.items.map((entry) => entry.group).sort(), [...expected].sort());
    for (const entry of groups.items) {
      const members = end.memberships.filter((row) => row.group === entry.group);
      assert.deepEqual(entry.links.map((link) => `${link.link}:${link.members}`).sort(), members.map((row) => `${row.link}:${row.reporters.length}`).sort(), entry.group);
      assert.equal(entry.flows, end.flows.filter((flow) => flow.group === entry.group).length);
      assert.deepEqual(entry.treeKinds.sort(), [...new Set(end.trees.filter((tree) => tree.group === entry.group).map((tree) => tree.kind))].sort());
    }
    const routable = await get<{ items: { group: string }[] }>('/api/groups?routable=true');
    assert.deepEqual(routable.items.map((entry) => entry.group), groups.items.map((entry) => entry.group).filter(isRoutable));
  });

  test('GET /api/groups?within=: the groups a range covers (an RP mapping\'s 239.0.0.0/8); a range that is none is 400 naming it', async () => {
    const all = await get<{ items: { group: string }[] }>(`/api/groups?at=${moment.at}`);
    const covered = async (range: string) => (await get<{ items: { group: string }[] }>(`/api/groups?at=${moment.at}&within=${encodeURIComponent(range)}`)).items.map((entry) => entry.group);
    const names = all.items.map((entry) => entry.group);
    assert.ok(names.some((group) => group.startsWith('239.')) && names.some((group) => !group.startsWith('239.')));
    assert.deepEqual(await covered('239.0.0.0/8'), names.filter((group) => group.startsWith('239.')));
    assert.deepEqual(await covered(`${moment.group}/32`), [moment.group]);
    assert.deepEqual(await covered('FF00::/8'), names.filter((group) => group.includes(':')));
    assert.deepEqual(await covered('224.0.0.0/4'), names.filter((group) => !group.includes(':')));
    for (const range of ['10.0.0.0/8', '239.0.0.0/40']) {
      assert.equal((await get<{ message: string }>(`/api/groups?within=${encodeURIComponent(range)}`, 400)).message,
        `query parameter within: '${range}' is not a multicast group range (address/length, such as 239.0.0.0/8)`);
    }
  });

  test('GET /api/groups/:group?at=: memberships, flows and trees of that group then', async () => {
    const { at, group, snapshot } = moment;
    const detail = await get<NetworkSnapshot & { group: string }>(`/api/groups/${encodeURIComponent(group)}?at=${at}`);
    assert.equal(detail.group, group);
    assert.deepEqual(keys(detail.memberships, membershipKey), keys(snapshot.memberships.filter((row) => row.group === group), membershipKey));
    assert.deepEqual(keys(detail.flows, flowKey), keys(snapshot.flows.filter((row) => row.group === group), flowKey));
    const trees = snapshot.trees.filter((tree) => tree.group === group);
    assert.deepEqual(keys(detail.trees, treeKey), keys(trees, treeKey));
    for (const tree of detail.trees) assert.deepEqual(edgeKeys(tree), edgeKeys(trees.find((entry) => treeKey(entry) === treeKey(tree))!));
  });

  test('GET /api/groups/:group: a group never seen is 404, a non-group 400', async () => {
    assert.match((await get<{ message: string }>('/api/groups/239.254.254.254', 404)).message, /never seen/);
    assert.match((await get<{ message: string }>('/api/groups/not-a-group', 400)).message, /path parameter group: 'not-a-group'/);
    assert.equal((await get<{ message: string }>('/api/groups/10.0.0.1', 400)).message, "path parameter group: '10.0.0.1' is not a multicast group address");
  });

  test('GET /api/groups/:group/members: members per link over time, as the snapshot has them', async () => {
    const { at, group, snapshot } = moment;
    const series = await get<{ items: { time: number; link: string; members: number }[]; from: number; to: number }>(`/api/groups/${group}/members`);
    assert.equal(series.from, sample.capture.startTime);
    assert.equal(series.to, sample.capture.endTime);
    const then = new Map<string, number>();
    for (const point of series.items) {
      assert.ok(point.time >= series.from && point.time <= series.to);
      if (point.time <= at) then.set(point.link, point.members);
    }
    for (const membership of snapshot.memberships.filter((row) => row.group === group)) {
      assert.equal(then.get(membership.link), membership.reporters.length, `${membership.link} at ${at}`);
    }
    assert.match((await get<{ message: string }>(`/api/groups/${group}/members?from=20&to=10`, 400)).message, /after/);
  });
});

describe('flows, trees, changes, messages', () => {
  test('GET /api/flows is the snapshot\'s flows', async () => {
    const flows = await get<{ items: NetworkSnapshot['flows'] }>('/api/flows');
    assert.deepEqual(keys(flows.items, flowKey), keys(end.flows, flowKey));
  });

  test('GET /api/flows/series: per-second counters add up to the flow\'s packets', async () => {
    const flow = end.flows[0];
    assert.ok(flow, 'the sample has a data flow');
    const series = await get<{ items: { time: number; packets: number; bytes: number }[] }>(
      `/api/flows/series?source=${flow.source}&group=${flow.group}&link=${encodeURIComponent(flow.link)}`);
    assert.equal(series.items.reduce((sum, point) => sum + point.packets, 0), flow.packets);
    assert.equal(series.items.reduce((sum, point) => sum + point.bytes, 0), flow.bytes);
    assert.match((await get<{ message: string }>(`/api/flows/series?group=${flow.group}`, 400)).message, /^query parameter source is missing$/);
  });

  test('GET /api/trees?at=&group= is that group\'s trees then', async () => {
    const all = await get<{ items: NetworkSnapshot['trees'] }>('/api/trees');
    assert.deepEqual(keys(all.items, treeKey), keys(end.trees, treeKey));
    const { at, group, snapshot } = moment;
    const trees = await get<{ items: NetworkSnapshot['trees'] }>(`/api/trees?at=${at}&group=${group}`);
    assert.deepEqual(keys(trees.items, treeKey), keys(snapshot.trees.filter((tree) => tree.group === group), treeKey));
  });

  test('GET /api/changes: filtered and paged', async () => {
    const page = await get<{ items: { time: number; area: string; group: string | null }[]; total: number; limit: number; offset: number }>('/api/changes?limit=5');
    assert.ok(page.total > 0);
    assert.equal(page.items.length, Math.min(5, page.total));
    assert.equal(page.limit, 5);
    const membership = await get<typeof page>('/api/changes?area=membership&limit=1000');
    assert.ok(membership.items.every((item) => item.area === 'membership'));
    const group = moment?.group ?? null;
    if (group !== null) {
      const ofGroup = await get<typeof page>(`/api/changes?group=${group}&limit=1000`);
      assert.ok(ofGroup.total > 0 && ofGroup.items.every((item) => item.group === group));
    }
    // Addresses as a user may type them: IPv6 in any valid form finds the group as stored (RFC 5952).
    const canonical = await get<typeof page>('/api/changes?group=ff02::1:ff00:0&limit=1000');
    const typed = await get<typeof page>(`/api/changes?group=${encodeURIComponent('FF02:0:0::1:FF00:0')}&limit=1000`);
    assert.ok(canonical.total > 0);
    assert.deepEqual(typed, canonical);
    // A range finds the changes of that range, the RP mappings among them (domain-wide: it is in their detail).
    const range = await get<{ items: { area: string; kind: string; group: string | null; detail: { groupPrefix?: string } }[] }>(`/api/changes?group=${encodeURIComponent('239.1.1.1/32')}&limit=1000`);
    assert.ok(range.items.some((item) => item.kind === 'rp-learned'), 'the RP learned for 239.1.1.1/32');
    assert.ok(range.items.every((item) => item.group === '239.1.1.1/32' || item.detail.groupPrefix === '239.1.1.1/32'));
    const second = await get<typeof page>('/api/changes?limit=2&offset=2');
    const first = await get<typeof page>('/api/changes?limit=4');
    assert.deepEqual(second.items, first.items.slice(2, 4));
    assert.match((await get<{ message: string }>('/api/changes?area=dns', 400)).message, /^query parameter area: 'dns' is not one of membership, pim, flow, tree, router$/);
    assert.match((await get<{ message: string }>('/api/changes?limit=0', 400)).message, /^query parameter limit: '0' is less than 1$/);
  });

  test('GET /api/messages: filtered by link and paged', async () => {
    const link = end.links[0]!.name;
    const page = await get<{ items: { link: string; summary: string }[]; total: number }>(`/api/messages?link=${encodeURIComponent(link)}&limit=20`);
    assert.ok(page.items.every((item) => item.link === link && item.summary.length > 0));
    assert.match((await get<{ message: string }>('/api/messages?limit=5000', 400)).message, /^query parameter limit: '5000' is more than 1000$/);
  });

  test('GET /api/findings: what the findings engine says of the capture, errors first, filtered by severity, time and group', async () => {
    const sink = new FindingsSink();
    const run = new AnalysisRun({ sinks: [sink] });
    await runFiles(inputsOf([sample.sample]), run);
    await run.finish();
    const expected = sink.engine.all();
    const page = await get<Page<FindingRecord>>('/api/findings?limit=1000');
    assert.ok(expected.length > 0);
    assert.equal(page.total, expected.length);
    const key = (finding: Finding) => `${finding.kind} ${finding.link} ${finding.group} ${finding.source} ${finding.router} ${finding.at.toFixed(3)} ${finding.until?.toFixed(3)}`;
    assert.deepEqual(page.items.map(key).sort(), expected.map(key).sort());
    const order = page.items.map((finding) => SEVERITY_ORDER[finding.severity]);
    assert.deepEqual(order, [...order].sort((a, b) => a - b), 'errors, then warnings, then notes');
    const warnings = await get<Page<FindingRecord>>('/api/findings?severity=warning');
    assert.equal(warnings.total, expected.filter((finding) => finding.severity !== 'info').length);
    const expiry = expected.find((finding) => finding.kind === 'membership.expired-while-receiving')!;
    const atExpiry = await get<Page<FindingRecord>>(`/api/findings?from=${expiry.at}&to=${expiry.at}&group=${expiry.group}`);
    assert.ok(atExpiry.items.some((finding) => finding.kind === expiry.kind && finding.detail.sources !== undefined));
    assert.ok(atExpiry.items.every((finding) => finding.group === expiry.group && finding.at <= expiry.at && (finding.until === null || finding.until >= expiry.at)));
    assert.match((await get<{ message: string }>('/api/findings?severity=loud', 400)).message, /severity/);
    assert.match((await get<{ message: string }>('/api/findings?kind=tree.wrong', 400)).message, /^query parameter kind: 'tree.wrong' is not /);
  });

  test('the icon: /favicon.ico and /favicon.svg are the dashboard\'s SVG, named by the page', async () => {
    for (const url of ['/favicon.ico', '/favicon.svg']) {
      const reply = await app.inject({ method: 'GET', url });
      assert.equal(reply.statusCode, 200, url);
      assert.match(String(reply.headers['content-type']), /^image\/svg\+xml/, url);
      assert.match(reply.body, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, url);
    }
    assert.match((await app.inject({ method: 'GET', url: '/' })).body, /<link rel="icon" type="image\/svg\+xml" href="\/favicon\.svg">/);
  });

  test('unknown routes are 404 JSON', async () => {
    const reply = await get<{ statusCode: number; message: string }>('/api/nothing-here', 404);
    assert.equal(reply.statusCode, 404);
    assert.match(reply.message, /no route GET \/api\/nothing-here/);
  });
});

describe('uploads', () => {
  let uploadStore: SqlStore;
  let uploads: FastifyInstance;

  before(async () => {
    uploadStore = await SqlStore.open(join(sample.dir, 'uploads.sqlite'));
    const hub = new LiveHub();
    uploads = await buildApp({ store: uploadStore, hub, ingest: storeIngest(uploadStore, hub), uploadLimit: 64 * 1024 * 1024 });
  });
  after(async () => {
    await uploads?.close();
    await uploadStore?.close();
  });

  const upload = (payload: Buffer, name: string) => uploads.inject({
    method: 'POST', url: `/api/captures?name=${encodeURIComponent(name)}`, headers: { 'content-type': 'application/octet-stream' }, payload,
  });

  test('a real capture is analyzed into the store and listed', async () => {
    const bytes = await readFile(sample.sample);
    const name = sample.sample.split('/').pop()!;
    const progress: { phase: string; frames: number }[] = [];
    const stop = uploads.hub.on('upload:progress', (entry) => progress.push(entry));
    const response = await upload(bytes, name);
    stop();
    assert.equal(response.statusCode, 200, response.body);
    const record = response.json<{ id: number; frames: number; source: string; problems: string[] }>();
    assert.equal(record.frames, sample.capture.frames);
    assert.deepEqual(record.problems, []);
    assert.match(record.source, new RegExp(name.replace(/\./g, '\\.')));
    assert.ok(progress.some((entry) => entry.phase === 'receiving'));
    const listed = (await uploads.inject({ method: 'GET', url: '/api/captures' })).json<{ id: number }[]>();
    assert.deepEqual(listed.map((entry) => entry.id), [record.id]);
  });

  test('a truncated capture is analyzed as far as it goes, and the reply says where it stopped', async () => {
    const bytes = await readFile(join(process.cwd(), 'test', 'fixtures', 'decoders', 'igmpv3-mldv2.pcap'));
    const response = await upload(bytes.subarray(0, Math.floor(bytes.length * 0.7)), 'cut.pcap');
    assert.equal(response.statusCode, 200, response.body);
    const record = response.json<{ frames: number; problems: string[] }>();
    assert.ok(record.frames > 0);
    assert.equal(record.problems.length, 1);
    assert.match(record.problems[0]!, /^cut\.pcap: stopped at byte \d+: /);
  });

  test('a file that is not a capture is 400 with the reader\'s reason', async () => {
    const response = await upload(Buffer.from('this is not a capture file, just text\n'.repeat(10)), 'notes.pcap');
    assert.equal(response.statusCode, 400, response.body);
    assert.match(response.json<{ message: string }>().message, /notes\.pcap/);
  });

  test('an upload over the limit is 413 with the limit in the reason', async () => {
    const hub = new LiveHub();
    const small = await buildApp({ store: uploadStore, hub, ingest: storeIngest(uploadStore, hub), uploadLimit: 1000 });
    try {
      const response = await small.inject({ method: 'POST', url: '/api/captures?name=big.pcap', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(5000) });
      assert.equal(response.statusCode, 413, response.body);
      assert.match(response.json<{ message: string }>().message, /limit of 1000 bytes/);
      // Without a Content-Length (chunked), the limit stops the body as it streams in.
      const chunked = await small.inject({
        method: 'POST', url: '/api/captures?name=big.pcap', headers: { 'content-type': 'application/octet-stream' },
        payload: Readable.from([Buffer.alloc(600), Buffer.alloc(600)]),
      });
      assert.equal(chunked.statusCode, 413, chunked.body);
      assert.match(chunked.json<{ message: string }>().message, /upload of 1200 bytes is over the limit of 1000 bytes/);
    } finally {
      await small.close();
    }
  });

  test('a server without a writable store refuses uploads with 501 and says why', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/captures?name=x.pcap', headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.alloc(100) });
    assert.equal(response.statusCode, 501);
    assert.match(response.json<{ message: string }>().message, /uploads are off/);
  });

  test('an empty body or another content type is refused', async () => {
    assert.equal((await upload(Buffer.alloc(0), 'empty.pcap')).statusCode, 400);
    const json = await uploads.inject({ method: 'POST', url: '/api/captures', payload: { file: 'x' } });
    assert.equal(json.statusCode, 415);
  });
});

describe('several captures in one store', () => {
  const perLink = ['lan-rcv1.pcap.gz', 'lan-rcv2.pcap.gz'].map((name) => join(process.cwd(), 'samples', 'pim-sm', 'pcap', name));
  let store: SqlStore;
  let server: FastifyInstance;
  const ids: number[] = [];

  before(async () => {
    store = await SqlStore.open(join(sample.dir, 'per-link.sqlite'));
    const hub = new LiveHub();
    server = await buildApp({ store, hub, ingest: storeIngest(store, hub), uploadLimit: 64 * 1024 * 1024 });
    for (const path of perLink) {
      const response = await server.inject({
        method: 'POST', url: `/api/captures?name=${encodeURIComponent(path.split('/').pop()!)}`, headers: { 'content-type': 'application/octet-stream' }, payload: await readFile(path),
      });
      assert.equal(response.statusCode, 200, response.body);
      ids.push(response.json<{ id: number }>().id);
    }
  });
  after(async () => {
    await server?.close();
    await store?.close();
  });

  const query = async <T>(url: string) => (await server.inject({ method: 'GET', url })).json<T>();

  test('per-link uploads add up: the state at T has every link\'s memberships, flows and joins as analyzing the files together; capture=ID narrows it to one', async () => {
    const captures = await query<{ id: number; startTime: number; endTime: number }[]>('/api/captures');
    const at = (Math.max(...captures.map((entry) => entry.startTime)) + Math.min(...captures.map((entry) => entry.endTime))) / 2;
    const { analyzer } = await analyzeFiles(perLink, { until: at });
    const together = analyzer.snapshot(at);
    const merged = await query<NetworkSnapshot>(`/api/snapshot?at=${at}`);
    assert.deepEqual(keys(merged.links, (link) => `${link.name} q=${link.querier} dr=${link.dr} n=${link.pimNeighbors.join(',')}`),
      keys(together.links, (link) => `${link.name} q=${link.querier} dr=${link.dr} n=${link.pimNeighbors.join(',')}`));
    assert.deepEqual(keys(merged.memberships, membershipKey), keys(together.memberships, membershipKey));
    assert.deepEqual(keys(merged.flows, flowKey), keys(together.flows, flowKey));
    assert.ok(merged.memberships.some((row) => row.link === 'lan-rcv1') && merged.memberships.some((row) => row.link === 'lan-rcv2'), 'both links have members');
    const groups = await query<{ items: { links: { link: string }[] }[] }>(`/api/groups?at=${at}&routable=true`);
    assert.deepEqual([...new Set(groups.items.flatMap((entry) => entry.links.map((row) => row.link)))].sort(), ['lan-rcv1', 'lan-rcv2']);

    const narrowed = await query<NetworkSnapshot>(`/api/snapshot?at=${at}&capture=${ids[1]}`);
    assert.deepEqual(narrowed.links.map((link) => link.name), ['lan-rcv2']);
    assert.deepEqual(keys(narrowed.memberships, membershipKey), keys(merged.memberships.filter((row) => row.link === 'lan-rcv2'), membershipKey));
    const links = await query<{ items: { name: string }[] }>(`/api/links?at=${at}&capture=${ids[0]}`);
    assert.deepEqual(links.items.map((link) => link.name), ['lan-rcv1']);
  });
});
