/**
 * Findings on the real lab captures, checked against what each lab did (events.jsonl) and what
 * the wire shows. Each lab has faults of its own making (a host unplugged, a querier stopped, a
 * router killed, an RP withdrawn) and faults of the routers' making (pimd's bad first checksum,
 * FRR's loser going on after an Assert); each must be found, at the time it happened, and the
 * errors found must be exactly those.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import { FINDING_KINDS, type Finding } from '../../shapes/findings.js';
import { loadScenario, SAMPLES_DIR } from '../accuracy/scenarios.js';

interface LabEvent { time: number; node: string; action: string; group?: string }

async function labOf(name: string): Promise<{ findings: Finding[]; events: LabEvent[] }> {
  const { captures } = await loadScenario(name);
  const sink = new FindingsSink();
  const run = new AnalysisRun({ sinks: [sink] });
  for await (const frame of openCaptureFiles(captures).frames) run.frame(frame);
  await run.finish();
  const text = await readFile(join(SAMPLES_DIR, name, 'events.jsonl'), 'utf8');
  return { findings: sink.engine.all(), events: text.trim().split('\n').map((line) => JSON.parse(line) as LabEvent) };
}

const eventTime = (events: LabEvent[], node: string, action: string, nth = 0) => {
  const found = events.filter((event) => event.node === node && event.action === action)[nth];
  assert.ok(found, `no ${node} ${action} in events.jsonl`);
  return found.time;
};
const errorKinds = (findings: Finding[]) => [...new Set(findings.filter((finding) => finding.severity === 'error').map((finding) => finding.kind))].sort();
const near = (actual: number, expected: number, slack: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= slack, `${what}: ${actual.toFixed(3)} is ${(actual - expected).toFixed(1)} s from ${expected.toFixed(3)}`);

test('pimd-ring: pimd sends its first IGMP query with a bad checksum; the route change leaves two member links without data for a minute', async () => {
  const { findings, events } = await labOf('pimd-ring');
  const bad = findings.find((finding) => finding.kind === 'packet.bad-checksum' && finding.link === 'lan-src');
  assert.ok(bad, 'the bad checksum of R1 on lan-src');
  assert.equal(bad.router, '10.1.0.1');
  near(bad.at, eventTime(events, 'R1', 'start-router'), 2, 'right after pimd starts');
  const holes = findings.filter((finding) => finding.kind === 'tree.black-hole');
  const routeChange = eventTime(events, 'R4', 'set-config');
  assert.ok(holes.length > 0 && holes.every((hole) => hole.at > routeChange && hole.at < routeChange + 30), `black holes follow R4's route change: ${JSON.stringify(holes.map((hole) => hole.at - routeChange))}`);
  // pimd forwards the SSM flow on after the downstream router's (S,G) Prune, on r2-r3 and later on r1-r2 (its own table still lists the link joined).
  const ignored = findings.filter((finding) => finding.kind === 'tree.prune-ignored');
  assert.deepEqual(ignored.map((finding) => `${finding.link} (${finding.source}, ${finding.group}) pruned by ${finding.detail.prunedBy}`),
    ['r2-r3 (10.1.0.10, 232.1.1.1) pruned by 10.0.23.3', 'r1-r2 (10.1.0.10, 232.1.1.1) pruned by 10.0.12.2']);
  const senders = findings.find((finding) => finding.kind === 'group.multiple-senders');
  assert.deepEqual([senders?.group, senders?.severity, senders?.detail.sources], ['239.1.1.1', 'warning', ['10.1.0.10', '10.2.0.20']], 'the two senders of 239.1.1.1 share UDP port 5001');
  assert.deepEqual(errorKinds(findings), ['tree.black-hole', 'tree.prune-ignored']);
});

test('pim-lan: R1 killed without a goodbye is lost on both its links after its 35 s holdtime, R3 stopped with one is not; the loser of the Assert goes on forwarding; FRR drops the group the IGMPv1 host keeps', async () => {
  const { findings, events } = await labOf('pim-lan');
  const killed = eventTime(events, 'R1', 'stop-router');
  const lost = findings.filter((finding) => finding.kind === 'pim.neighbor-lost');
  assert.deepEqual(lost.map((finding) => `${finding.link} ${finding.router}`).sort(), ['lan-mid 10.0.1.1', 'lan-up 10.0.4.1']);
  for (const finding of lost) assert.ok(finding.at > killed + 5 && finding.at <= killed + 36, `${finding.at - killed}`);
  const notConverged = findings.find((finding) => finding.kind === 'pim.assert-not-converged');
  assert.ok(notConverged, 'R1 lost the Assert on lan-mid at 08:46:05 and forwarded until 08:46:17');
  assert.deepEqual([notConverged.link, notConverged.detail.winner], ['lan-mid', '10.0.1.2']);
  const hole = findings.find((finding) => finding.kind === 'tree.black-hole');
  assert.ok(hole && hole.link === 'lan-r3' && hole.group === '239.1.1.1', 'H5 (IGMPv1) keeps 239.1.1.1 on lan-r3, FRR drops it (samples/pim-lan/known-differences.json)');
  assert.deepEqual(errorKinds(findings), ['pim.assert-not-converged', 'tree.black-hole']);
});

test('pim-sm: H3 unplugged without leaving: its membership expires while the data still arrives; H2\'s Leaves are no such thing', async () => {
  const { findings, events } = await labOf('pim-sm');
  const expired = findings.filter((finding) => finding.kind === 'membership.expired-while-receiving');
  assert.deepEqual(expired.map((finding) => `${finding.link} ${finding.group}`), ['lan-rcv2 239.1.1.1']);
  const unplugged = eventTime(events, 'H3', 'unplug');
  assert.ok(expired[0]!.at > unplugged && expired[0]!.at < unplugged + 260, 'within a Group Membership Interval of its last report');
  // R4 prunes S1 from the shared and the source tree; FRR's RP goes on forwarding it onto r2-r4 while R4's (*,G) lasts.
  const ignored = findings.filter((finding) => finding.kind === 'tree.prune-ignored');
  assert.deepEqual(ignored.map((finding) => [finding.link, finding.source, finding.group, finding.router, finding.detail.type, finding.detail.prunedBy]),
    [['r2-r4', '10.0.1.10', '239.1.1.1', '10.255.0.2', 'S,G,rpt', '10.0.24.4']]);
  assert.ok(ignored[0]!.at > unplugged && ignored[0]!.until !== null, 'after H3 went, closed when the join state ages out');
  // After H3 left the SSM channel, R2 refreshes its (S2, 232.1.1.1) Join towards R1 with nobody downstream, until it prunes.
  const deadEnd = findings.filter((finding) => finding.kind === 'tree.dead-end');
  assert.deepEqual(deadEnd.map((finding) => `${finding.link} (${finding.source}, ${finding.group}) ${finding.router}`), ['r1-r2 (10.0.1.20, 232.1.1.1) 10.255.0.2']);
  const leftSsm = events.find((event) => event.node === 'H3' && event.action === 'leave' && event.group === '232.1.1.1')!.time;
  assert.ok(deadEnd[0]!.at > leftSsm && deadEnd[0]!.at < leftSsm + 10, `${deadEnd[0]!.at - leftSsm}`);
  assert.deepEqual(errorKinds(findings), ['tree.prune-ignored']);
});

test('ipv6-mld: with Q1 stopped, nobody queries past the Other Querier Present Interval and a membership runs out; the MLDv1-mode host asks for any source of an SSM group', async () => {
  const { findings, events } = await labOf('ipv6-mld');
  const stopped = eventTime(events, 'Q1', 'stop-router');
  const missing = findings.filter((finding) => finding.kind === 'querier.missing');
  assert.equal(missing.length, 1);
  assert.ok(missing[0]!.at > stopped + 20 && missing[0]!.until !== null && missing[0]!.until < stopped + 60, `${missing[0]!.at - stopped} → ${missing[0]!.until! - stopped}`);
  assert.ok(findings.some((finding) => finding.kind === 'membership.expired-while-receiving' && finding.group === 'ff15::101' && finding.at > stopped));
  const ssm = findings.find((finding) => finding.kind === 'ssm.asm-request');
  assert.ok(ssm && ssm.group === 'ff3e::8000:1' && ssm.at > eventTime(events, 'Q1', 'start-router', 1), 'after Q1 came back with MLDv1 queries');
  assert.deepEqual(errorKinds(findings), ['querier.missing']);
});

test('pim-bsr: once the last C-RP stopped advertising and its holdtime ran out, the first-hop router registers for a group the RP-Set maps to no RP', async () => {
  const { findings, events } = await labOf('pim-bsr');
  const lastCandidate = eventTime(events, 'R3', 'stop-crp');
  const noRp = findings.filter((finding) => finding.kind === 'pim.no-rp');
  assert.equal(noRp.length, 1, JSON.stringify(noRp));
  assert.equal(noRp[0]!.group, '239.1.1.1');
  assert.ok(noRp[0]!.at > lastCandidate + 25, `after the C-RP holdtime of 25 s: ${noRp[0]!.at - lastCandidate}`);
  assert.deepEqual(errorKinds(findings), ['pim.no-rp']);
});

test('faults: a clean first minute, then each fault the lab made is found where and when it was made, and nothing else is an error', async () => {
  const { findings, events } = await labOf('faults');
  const firstFault = eventTime(events, 'H2', 'join');
  // pimd's own fault: its first IGMP query on each interface has a bad checksum (as in pimd-ring); nothing else before the faults.
  const clean = findings.filter((finding) => finding.severity !== 'info' && finding.at < firstFault);
  assert.deepEqual([...new Set(clean.map((finding) => finding.kind))], ['packet.bad-checksum'], JSON.stringify(clean.map((finding) => finding.explanation)));
  for (const finding of clean) near(finding.at, eventTime(events, 'R1', 'start-router'), 5, 'pimd\'s first query');

  const one = (kind: string, where: (finding: Finding) => boolean = () => true) => {
    const found = findings.filter((finding) => finding.kind === kind && where(finding));
    assert.equal(found.length, 1, `${kind}: ${JSON.stringify(found.map((finding) => finding.explanation))}`);
    return found[0]!;
  };
  const join = (node: string, group: string) => events.find((event) => event.node === node && event.action === 'join' && event.group === group)!.time;
  const started = (group: string) => events.find((event) => event.action === 'start-sender' && event.group === group)!.time;

  // H2, an IGMPv2-only host, asks for any source of the SSM group: pimd ignores it (RFC 4604 §2.2.1).
  const asm = one('ssm.asm-request');
  assert.deepEqual([asm.link, asm.group, asm.detail.routersObeyed], ['lan-rcv', '232.2.2.2', true]);
  near(asm.at, join('H2', '232.2.2.2'), 2, 'with its first report');

  // S1's TTL 2 reaches r1-r2 with TTL 1: R2 cannot forward it to H1 — told as that, not as a black hole.
  const ttl = one('tree.ttl-limited');
  assert.deepEqual([ttl.link, ttl.source, ttl.group, ttl.router, ttl.severity, ttl.detail.in], ['lan-rcv', '10.1.0.10', '239.3.3.3', '10.0.12.2', 'error', 'r1-r2']);
  assert.ok(ttl.at > join('H1', '239.3.3.3') && ttl.at < join('H1', '239.3.3.3') + 10, `${ttl.at - join('H1', '239.3.3.3')}`);
  assert.ok(!findings.some((finding) => finding.kind === 'tree.black-hole' && finding.group === '239.3.3.3'));

  // H4 behind R4, which has no route to the RP: the RP tree cannot reach lan-rcv2.
  const hole = one('tree.black-hole');
  assert.deepEqual([hole.link, hole.group, hole.router], ['lan-rcv2', '239.1.1.1', '10.0.24.4']);
  assert.match(String(hole.detail.cause), /no \(\*,G\) Join towards the RP 10\.0\.12\.2/, 'it never joins the RP tree');
  assert.ok(hole.at > join('H4', '239.1.1.1') && hole.at <= join('H4', '239.1.1.1') + 12, `after the Join's grace: ${hole.at - join('H4', '239.1.1.1')}`);

  // Two senders on one group and UDP port.
  const senders = one('group.multiple-senders');
  assert.deepEqual([senders.group, senders.severity, senders.detail.sources], ['239.4.4.4', 'warning', ['10.1.0.10', '10.1.0.20']]);

  // netem drops 4 % of the video leaving R2 onto lan-rcv: the loss is on lan-rcv, r1-r2 upstream is clean, R2 between.
  const losses = findings.filter((finding) => finding.kind === 'stream.loss');
  assert.deepEqual(losses.map((loss) => [loss.link, loss.group, loss.detail.format, loss.detail.upstream, loss.router]).sort(),
    [['lan-rcv', '239.5.5.5', 'mpeg-ts', 'r1-r2', '10.0.12.2'], ['lan-rcv', '239.5.5.6', 'rtp', 'r1-r2', '10.0.12.2']]);
  for (const loss of losses) assert.ok(loss.at > started(loss.group!) && loss.at < started(loss.group!) + 15 && loss.until !== null, `${loss.group} ${loss.at - started(loss.group!)}`);

  // R3 (another subnet, IGMPv2) queries lan-rcv next to R2 until it stops; its IGMPv2 queries push the IGMPv3 hosts back to IGMPv2.
  const r3Start = eventTime(events, 'R3', 'start-router');
  const r3Stop = eventTime(events, 'R3', 'stop-router');
  const conflict = one('querier.conflict');
  assert.deepEqual([conflict.link, conflict.router, conflict.detail.elected], ['lan-rcv', '10.3.9.3', '10.3.0.1']);
  assert.ok(conflict.at > r3Start && conflict.at < r3Start + 30, `${conflict.at - r3Start}`);
  assert.ok(conflict.until !== null && conflict.until > r3Stop && conflict.until < r3Stop + 35, `closed after R3 stopped: ${conflict.until! - r3Stop}`);
  const mismatch = one('querier.version-mismatch', (finding) => finding.link === 'lan-rcv');
  const hosts = new Map((mismatch.detail.hosts as { host: string; version: number; fellBackAt: number | null }[]).map((host) => [host.host, host]));
  assert.equal(hosts.get('10.3.0.12')?.version, 2, 'H2 reports with IGMPv2');
  for (const host of ['10.3.0.11', '10.3.0.13']) {
    const fellBackAt = hosts.get(host)?.fellBackAt;
    assert.ok(fellBackAt !== null && fellBackAt !== undefined && fellBackAt > r3Start && fellBackAt < r3Start + 30, `${host} fell back after R3's first IGMPv2 query`);
  }
  assert.equal(mismatch.severity, 'warning');
  assert.deepEqual(errorKinds(findings), ['stream.loss', 'tree.black-hole', 'tree.ttl-limited']);
});

test('samples/README.md\'s table of finding kinds: every scenario raises exactly the kinds it names for it', async () => {
  const readme = await readFile(join(SAMPLES_DIR, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([a-z.-]+)` \| ([^|]*) \| ([^|]*) \|$/gm)];
  const listed = (cell: string) => (cell.startsWith('—') ? [] : cell.split(',').map((name) => name.trim()).filter((name) => name !== ''));
  assert.deepEqual(rows.map((row) => row[1]).sort(), [...FINDING_KINDS].sort(), 'one row per finding kind');
  const scenarios = [...new Set(rows.flatMap((row) => [...listed(row[2]!), ...listed(row[3]!)]))].sort();
  for (const row of rows) assert.deepEqual([...listed(row[2]!), ...listed(row[3]!)].sort(), scenarios, `${row[1]}: every scenario in one of the two columns`);
  const labs = (await readdir(SAMPLES_DIR, { withFileTypes: true })).filter((entry) => entry.isDirectory() && existsSync(join(SAMPLES_DIR, entry.name, 'pcap'))).map((entry) => entry.name);
  assert.deepEqual(scenarios, labs.sort(), 'every lab in the table');
  for (const scenario of scenarios) {
    const { findings } = await labOf(scenario);
    const expected = rows.filter((row) => listed(row[2]!).includes(scenario)).map((row) => row[1]!).sort();
    assert.deepEqual([...new Set(findings.map((finding) => finding.kind))].sort(), expected, scenario);
  }
});
