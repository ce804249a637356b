/**
 * Each family of findings on the small network of test/helpers/small-network.ts, run through the
 * same pipeline as `mcast findings`: the fault makes its finding (with interval, place and rule),
 * and the same network without the fault (or with what the protocol allows) makes none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisRun } from '../../../pipeline/run.js';
import { FindingsSink } from '../../../pipeline/sinks/findings-sink.js';
import type { Finding, FindingKind } from '../../../shapes/findings.js';
import { G, HOST, R1, R2, R3, S, SECOND_QUERIER, smallNetworkFrames, T0, type Plan } from '../../helpers/small-network.js';

const CLEAN: Plan = { sourceTtl: 64, duplicate: false, sideLeaks: [], end: 60 };

async function findingsOf(plan: Partial<Plan>): Promise<Finding[]> {
  const sink = new FindingsSink();
  const run = new AnalysisRun({ sinks: [sink] });
  for (const frame of smallNetworkFrames({ ...CLEAN, ...plan })) run.frame(frame);
  await run.finish();
  return sink.engine.all();
}

const ofKind = (findings: Finding[], kind: FindingKind) => findings.filter((finding) => finding.kind === kind);

test('the network without faults has no warnings or errors', async () => {
  const findings = await findingsOf({ end: 120 });
  assert.deepEqual(findings.filter((finding) => finding.severity !== 'info').map((finding) => `${finding.kind} ${finding.link}`), []);
});

test('an Assert loser that keeps forwarding is pim.assert-not-converged; before the Assert, duplicates are tree.duplicate-forwarders', async () => {
  const findings = await findingsOf({ duplicate: true, loserKeepsForwarding: true });
  const [notConverged] = ofKind(findings, 'pim.assert-not-converged');
  assert.ok(notConverged, JSON.stringify(findings.map((finding) => finding.kind)));
  assert.equal(notConverged.severity, 'error');
  assert.equal(notConverged.link, 'lan');
  assert.deepEqual([notConverged.source, notConverged.group], [S, G]);
  assert.equal(notConverged.detail.winner, R1.lan);
  assert.ok(notConverged.at >= T0 + 20 && notConverged.at <= T0 + 25, `begins after the Assert's grace: ${notConverged.at - T0}`);
  assert.match(notConverged.rule, /RFC 7761 §4\.6/);
  const [duplicates] = ofKind(findings, 'tree.duplicate-forwarders');
  assert.ok(duplicates && duplicates.at < T0 + 20, 'two forwarders before the Assert');
});

test('an Assert the loser obeys leaves only the duplicates before it', async () => {
  const findings = await findingsOf({ duplicate: true });
  assert.equal(ofKind(findings, 'pim.assert-not-converged').length, 0);
  const [duplicates] = ofKind(findings, 'tree.duplicate-forwarders');
  assert.ok(duplicates, 'duplicates before the Assert');
  assert.ok(duplicates.until !== null && duplicates.until <= T0 + 23, `ended by the Assert: ${duplicates.until! - T0}`);
});

test('a member link that stops getting the data it wants, while it flows upstream, is a black hole; a short gap is not', async () => {
  const long = ofKind(await findingsOf({ r3Silent: [20, 45] }), 'tree.black-hole');
  assert.equal(long.length, 1, JSON.stringify(long));
  assert.equal(long[0]!.link, 'rcv');
  assert.equal(long[0]!.severity, 'error');
  assert.ok(long[0]!.until !== null && long[0]!.until >= T0 + 45 && long[0]!.until <= T0 + 47, 'ends when the data is back');
  assert.equal(ofKind(await findingsOf({ r3Silent: [20, 26] }), 'tree.black-hole').length, 0, 'shorter than a Join and a Register take: no finding');
});

test('isolated packets from a router onto a link nobody wants are data.leak, told as the router', async () => {
  const leaks = ofKind(await findingsOf({ sideLeaks: [10, 10.05] }), 'data.leak');
  assert.equal(leaks.length, 1);
  assert.equal(leaks[0]!.link, 'side');
  assert.equal(leaks[0]!.detail.mac, R2.mac);
  assert.equal(leaks[0]!.until, leaks[0]!.at, 'a moment');
});

test('a second querier that goes on querying past the election is querier.conflict, closed one of its own query intervals after it stops', async () => {
  const findings = await findingsOf({ secondQuerier: { from: 30, to: 150 }, end: 240 });
  const conflicts = ofKind(findings, 'querier.conflict');
  assert.equal(conflicts.length, 1, JSON.stringify(conflicts));
  const [conflict] = conflicts;
  assert.deepEqual([conflict!.link, conflict!.router, conflict!.detail.elected], ['rcv', SECOND_QUERIER, R3.rcv]);
  assert.equal(conflict!.at, T0 + 50, 'its first query may come before it heard R3; its next one (20 s later) is the conflict');
  // Its IGMPv2 queries carry no interval: the 20 s between them is its interval, not the default 125 s.
  assert.ok(conflict!.until !== null && conflict!.until > T0 + 150 && conflict!.until <= T0 + 150 + 30, `closed after its last query: ${conflict!.until! - T0}`);
  assert.deepEqual(ofKind(await findingsOf({ end: 240 }), 'querier.conflict'), []);
});

test('a TTL that runs out before the member link is tree.ttl-limited, an error told instead of the black hole it makes', async () => {
  const findings = await findingsOf({ sourceTtl: 2 });
  const limited = ofKind(findings, 'tree.ttl-limited');
  assert.equal(limited.length, 1, JSON.stringify(limited));
  assert.deepEqual([limited[0]!.link, limited[0]!.severity], ['rcv', 'error']);
  assert.deepEqual(ofKind(findings, 'tree.black-hole'), []);
});

test('a host that goes away without leaving: its membership expires while data still arrives', async () => {
  const findings = await findingsOf({ hostSilentAt: 20, end: 300 });
  const [expired] = ofKind(findings, 'membership.expired-while-receiving');
  assert.ok(expired, JSON.stringify(findings.map((finding) => finding.kind)));
  assert.equal(expired.link, 'rcv');
  assert.equal(expired.group, G);
  // The last report was at T0 + 10.3; the Group Membership Interval is 2 × 125 + 10 = 260 s (RFC 3376 §8.4).
  assert.ok(Math.abs(expired.at - (T0 + 10.3 + 260)) < 1.5, `${expired.at - T0}`);
});

test('a host that leaves is not an expiry while receiving, and the querier that asks is not missing a query', async () => {
  const findings = await findingsOf({ hostLeavesAt: { time: 30.5, how: 'v3' }, specificQueries: true });
  assert.equal(ofKind(findings, 'membership.expired-while-receiving').length, 0, JSON.stringify(findings));
  assert.equal(ofKind(findings, 'querier.missing-specific-query').length, 0);
});

for (const how of ['v2', 'v3'] as const) {
  test(`a ${how === 'v2' ? 'v2 Leave' : 'TO_IN({})'} with no group-specific query after it is querier.missing-specific-query`, async () => {
    const [missing, ...more] = ofKind(await findingsOf({ hostLeavesAt: { time: 30.5, how } }), 'querier.missing-specific-query');
    assert.ok(missing);
    assert.equal(more.length, 0);
    assert.deepEqual([missing.link, missing.group, missing.router, missing.detail.host], ['rcv', G, R3.rcv, HOST]);
    assert.match(missing.rule, how === 'v2' ? /RFC 2236/ : /RFC 3376 §6\.4\.2/);
  });
}

test('a querier that stops with members on the link is querier.missing, from its Other Querier Present Interval on', async () => {
  const findings = await findingsOf({ querierSilentAt: 30, end: 320 });
  const [missing] = ofKind(findings, 'querier.missing');
  assert.ok(missing, JSON.stringify(findings.map((finding) => finding.kind)));
  assert.equal(missing.link, 'rcv');
  assert.equal(missing.severity, 'error');
  // Last query at T0 + 20.2; OQPI = 2 × 125 + 10 / 2 = 255 s (RFC 3376 §8.5).
  assert.ok(Math.abs(missing.at - (T0 + 20.2 + 255)) <= 2, `${missing.at - T0}`);
});

test('a PIM neighbor that stops without a goodbye is pim.neighbor-lost once its holdtime ran out; a goodbye is not', async () => {
  const lost = ofKind(await findingsOf({ r1StopsAt: { time: 40, goodbye: false }, end: 200 }), 'pim.neighbor-lost');
  assert.equal(lost.length, 1);
  assert.deepEqual([lost[0]!.link, lost[0]!.router], ['lan', R1.lan]);
  // Its last Hello at T0 + 30 with holdtime 105 s.
  assert.ok(Math.abs(lost[0]!.at - (T0 + 135)) < 1.5, `${lost[0]!.at - T0}`);
  assert.equal(ofKind(await findingsOf({ r1StopsAt: { time: 40, goodbye: true }, end: 200 }), 'pim.neighbor-lost').length, 0);
});

test('queries with a bad checksum are packet.bad-checksum from the first one, naming the sender', async () => {
  const [bad] = ofKind(await findingsOf({ badQueries: [10.2] }), 'packet.bad-checksum');
  assert.ok(bad);
  assert.deepEqual([bad.link, bad.router], ['rcv', R3.rcv]);
  assert.ok(Math.abs(bad.at - (T0 + 10.2)) < 0.01);
  assert.equal(bad.severity, 'warning', 'one bad message');
});

test('RTP loss on rcv while lan, where R3 takes the flow from, is clean: stream.loss on rcv naming lan and R3, closed once the loss stops', async () => {
  const findings = await findingsOf({ ...CLEAN, end: 90, rtp: { lossOn: 'rcv', from: 30, to: 50, every: 10 } });
  const losses = ofKind(findings, 'stream.loss');
  assert.equal(losses.length, 1, JSON.stringify(losses));
  const [loss] = losses;
  assert.deepEqual([loss!.link, loss!.source, loss!.group, loss!.detail.upstream, loss!.severity], ['rcv', S, G, 'lan', 'error']);
  assert.ok(loss!.router !== null && loss!.explanation.includes('lan'), 'names R3, the router between the two links');
  assert.ok(loss!.at >= T0 + 29 && loss!.at <= T0 + 31, `begins with the first loss: ${loss!.at - T0}`);
  assert.ok(loss!.until !== null && loss!.until >= T0 + 50 && loss!.until <= T0 + 50 + 12, `ends a loss window after the last: ${loss!.until! - T0}`);
});

test('loss already on lan is told there, not again on rcv downstream of it; clean RTP is no finding', async () => {
  const upstream = ofKind(await findingsOf({ ...CLEAN, end: 90, rtp: { lossOn: 'lan', from: 30, to: 50, every: 10 } }), 'stream.loss');
  assert.deepEqual(upstream.map((finding) => `${finding.link} ${finding.detail.upstream}`), ['lan src']);
  assert.deepEqual(ofKind(await findingsOf({ ...CLEAN, end: 90, rtp: { lossOn: null, from: 0, to: 0, every: 1 } }), 'stream.loss'), []);
});
