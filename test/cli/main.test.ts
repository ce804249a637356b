import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PcapWriter } from '../../capture/sources/pcap-writer.js';
import { encodeIgmpMessage, encodeIgmpV3Report, igmpPacket, IGMP_V2_LEAVE, IGMP_V2_REPORT } from '../helpers/encode-igmp.js';
import { encodeIPv4, encodeUdp, PROTOCOL_UDP } from '../helpers/encode-ip.js';
import { ethernetFrame } from '../helpers/encode-frame.js';

const run = promisify(execFile);
const CLI = 'dist/cli/main.js';
const HOST = '02:00:00:00:00:05';
let dir = '';
let capture = '';

async function mcast(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** lan1.pcap: a v2 report, a v3 report with two records, 3 data packets, a leave, and one bad-checksum report. */
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mcast-cli-'));
  capture = join(dir, 'lan1.pcap');
  const frames: Uint8Array[] = [
    ethernetFrame('01:00:5e:01:01:01', HOST, 0x0800, igmpPacket('10.0.0.5', '239.1.1.1', encodeIgmpMessage(IGMP_V2_REPORT, 0, '239.1.1.1'))),
    ethernetFrame('01:00:5e:00:00:16', HOST, 0x0800, igmpPacket('10.0.0.6', '224.0.0.22', encodeIgmpV3Report([{ type: 4, group: '239.1.1.1' }, { type: 5, group: '232.1.1.1', sources: ['10.9.9.9'] }]))),
    ...[0, 1, 2].map(() => ethernetFrame('01:00:5e:01:01:01', HOST, 0x0800,
      encodeIPv4({ src: '10.9.9.9', dst: '239.1.1.1', protocol: PROTOCOL_UDP, ttl: 8, payload: encodeUdp('10.9.9.9', '239.1.1.1', 1000, 5000, new Uint8Array(72)) }))),
    ethernetFrame('01:00:5e:00:00:02', HOST, 0x0800, igmpPacket('10.0.0.5', '224.0.0.2', encodeIgmpMessage(IGMP_V2_LEAVE, 0, '239.1.1.1'))),
  ];
  const corrupt = encodeIgmpMessage(IGMP_V2_REPORT, 0, '239.2.2.2');
  corrupt[3] ^= 0x55;
  frames.push(ethernetFrame('01:00:5e:02:02:02', HOST, 0x0800, igmpPacket('10.0.0.7', '239.2.2.2', corrupt)));
  const writer = new PcapWriter(createWriteStream(capture), 1);
  frames.forEach((data, index) => writer.write({ seconds: 1_700_000_000 + index, nanos: 0, originalLength: data.length, data }));
  await writer.end();
});

test('stats --json prints the stable schema: kinds, records, flows, decode errors', async () => {
  const { code, stdout } = await mcast('stats', capture, '--json');
  assert.equal(code, 0);
  const stats = JSON.parse(stdout);
  assert.deepEqual(Object.keys(stats).slice(0, 4), ['frames', 'decodeErrors', 'links', 'flows']);
  assert.equal(stats.frames, 7);
  assert.equal(stats.decodeErrors, 1);
  assert.deepEqual(stats.links.lan1.messages, { 'igmp.v2.report': 1, 'igmp.v3.report': 1, 'data.ipv4': 3, 'igmp.v2.leave': 1 });
  assert.deepEqual(stats.links.lan1.records, { 'igmp.v3.TO_EX': 1, 'igmp.v3.ALLOW': 1 });
  assert.deepEqual(stats.flows, [{ link: 'lan1', source: '10.9.9.9', group: '239.1.1.1', packets: 3, bytes: 3 * 100 }]);
  assert.deepEqual(stats.errors, [{ reason: 'igmp.bad-checksum', count: 1, firstFrames: [7] }]);
});

test('stats without --json prints tables', async () => {
  const { code, stdout } = await mcast('stats', capture);
  assert.equal(code, 0);
  assert.match(stdout, /^7 frames, 1 decode errors, 1 links/);
  assert.match(stdout, /igmp\.v3\.report\s+1/);
  assert.match(stdout, /lan1\s+10\.9\.9\.9\s+239\.1\.1\.1\s+3\s+300/);
});

test('a truncated file reports where it stopped and keeps the frames before', async () => {
  const whole = await readFile(capture);
  const cut = join(dir, 'cut.pcap');
  await writeFile(cut, whole.subarray(0, whole.length - 10));
  const { code, stdout } = await mcast('stats', cut, '--json');
  assert.equal(code, 0);
  const stats = JSON.parse(stdout);
  assert.equal(stats.frames, 6);
  assert.equal(stats.problems.length, 1);
  assert.equal(stats.problems[0].fatal, true);
  // Classic pcap: a 24-byte file header, then records of a 16-byte header (captured length at +8) and the frame.
  let lastRecordStart = 24;
  for (let record = 0; record < 6; record++) lastRecordStart += 16 + whole.readUInt32LE(lastRecordStart + 8);
  assert.equal(stats.problems[0].offset, lastRecordStart);
});

test('analyze --json gives the membership the capture leaves', async () => {
  const { code, stdout } = await mcast('analyze', capture, '--json');
  assert.equal(code, 0);
  const snapshot = JSON.parse(stdout);
  assert.deepEqual(Object.keys(snapshot).slice(0, 8), ['at', 'routers', 'links', 'memberships', 'joins', 'asserts', 'flows', 'trees']);
  const groups = snapshot.memberships.map((m: { group: string; mode: string; reporters: string[] }) => [m.group, m.mode, m.reporters]);
  assert.deepEqual(groups, [['232.1.1.1', 'INCLUDE', ['10.0.0.6']], ['239.1.1.1', 'EXCLUDE', ['10.0.0.6']]]);
});

test('bad input is a one-line error, not a stack trace', async () => {
  const text = join(dir, 'notes.txt');
  await writeFile(text, 'hello, this is not a capture\n');
  const bad = await mcast('stats', text);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^mcast: .*notes\.txt: .*not a pcap or pcapng file/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /);
  const missing = await mcast('stats', join(dir, 'nope.pcap'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  assert.match((await mcast('frobnicate')).stderr, /unknown command/);
  assert.match((await mcast('analyze', capture, '--at', 'yesterday')).stderr, /^mcast: --at: 'yesterday' is not a time: give epoch seconds/);
  assert.match((await mcast('stats', capture, '--bogus')).stderr, /^mcast: Unknown option '--bogus'/);
});

test('findings prints what is wrong, errors first, each with its place and rule; --json and --severity filter it', async () => {
  const sample = 'samples/pim-lan/pim-lan.pcapng.gz';
  const text = await mcast('findings', sample);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.trim().split('\n');
  assert.match(lines[0]!, /^\d+ findings \(2 error, \d+ warning, \d+ info\)$/);
  assert.match(lines[3]!, /^error\s+pim\.assert-not-converged .* lan-mid .*\[RFC 7761 §4\.6\.1\]$/);
  const json = await mcast('findings', sample, '--json', '--severity', 'warning');
  const findings = JSON.parse(json.stdout) as { kind: string; severity: string; rule: string }[];
  assert.ok(findings.length > 2 && findings.every((finding) => finding.severity !== 'info' && finding.rule.startsWith('RFC')));
  assert.ok(findings.some((finding) => finding.kind === 'pim.neighbor-lost'));
  const bad = await mcast('findings', sample, '--severity', 'loud');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^mcast: --severity takes error, warning or info, not 'loud'\n$/);
});

test('analyze gives the findings holding at T (JSON and a text section) and, with --timeline, each finding opening and closing among the changes', async () => {
  const sample = 'samples/pim-lan/pim-lan.pcapng.gz';
  const every = JSON.parse((await mcast('findings', sample, '--json')).stdout) as { kind: string; link: string | null; at: number; until: number | null }[];
  const lost = every.find((finding) => finding.kind === 'pim.neighbor-lost');
  assert.ok(lost, 'pim-lan loses a neighbor');
  const at = lost.at + 1;
  const holding = every.filter((finding) => finding.at <= at && (finding.until === null || finding.until > at));
  const state = await mcast('analyze', sample, '--json', '--at', String(at));
  assert.equal(state.code, 0, state.stderr);
  const snapshot = JSON.parse(state.stdout) as { at: number; findings: typeof every };
  const key = (finding: (typeof every)[number]) => `${finding.kind} ${finding.link} ${finding.at}`;
  assert.deepEqual(snapshot.findings.map(key).sort(), holding.map(key).sort());
  assert.ok(snapshot.findings.every((finding) => finding.until === null || finding.until >= at), 'closed findings are not in the state at T');

  const text = await mcast('analyze', sample, '--at', String(at));
  const section = text.stdout.slice(text.stdout.indexOf('\nfindings holding at '));
  assert.match(section, new RegExp(`^\\nfindings holding at \\S+\\n${holding.length} findings \\(`));
  assert.match(section, /pim\.neighbor-lost .* \[RFC 7761 §4\.3\.2\]/);

  const timeline = JSON.parse((await mcast('analyze', sample, '--json', '--timeline')).stdout) as { time: number; area: string; kind: string; detail: (typeof every)[number] }[];
  const findingEntries = timeline.filter((entry) => entry.area === 'finding');
  assert.equal(findingEntries.filter((entry) => entry.kind === 'opened').length, every.length);
  assert.equal(findingEntries.filter((entry) => entry.kind === 'closed').length, every.filter((finding) => finding.until !== null).length);
  assert.ok(timeline.every((entry, index) => index === 0 || entry.time >= timeline[index - 1]!.time - 1e-6 || entry.area !== 'finding'), 'findings take their place in time');
  const opened = findingEntries.find((entry) => entry.kind === 'opened' && key(entry.detail) === key(lost));
  assert.equal(opened?.time, lost.at);
});

/** The rows of one section of `mcast analyze`'s text (after its title, header and rule). */
function sectionRows(text: string, title: string): string[] {
  const start = text.indexOf(`\n${title}`);
  assert.ok(start >= 0, `no section ${title}`);
  const body = text.slice(start + 1).split('\n\n')[0]!.split('\n').slice(1);
  return body[0] === '  (none)' ? [] : body.slice(2);
}

test('analyze text: link-local groups and their flows hidden unless --all; one row per RP mapping with its evidence; routers by name', async () => {
  const sample = 'samples/pim-sm/pim-sm.pcapng.gz';
  const { span } = JSON.parse((await mcast('stats', sample, '--json')).stdout) as { span: { first: number; last: number } };
  const at = String((span.first + span.last) / 2);
  const linkLocal = /\s(224\.0\.0\.\d+|ff02:\S*)\s/;

  const text = (await mcast('analyze', sample, '--at', at, '--topology', 'samples/pim-sm/topology.json')).stdout;
  const groups = sectionRows(text, 'groups (');
  const flows = sectionRows(text, 'flows');
  assert.ok(groups.length > 0 && flows.length > 0);
  assert.ok(groups.every((row) => !linkLocal.test(`${row} `)) && flows.every((row) => !linkLocal.test(`${row} `)), 'no link-local group shown');
  assert.match(text, /\(\d+ memberships and flows of link-local groups \(224\.0\.0\.0\/24, ff02::\/16\) not shown; --all shows them\)/);
  const all = (await mcast('analyze', sample, '--at', at, '--all')).stdout;
  assert.ok(sectionRows(all, 'groups (').some((row) => row.includes(' 224.0.0.13 ')), 'PIM routers\' group with --all');
  assert.ok(sectionRows(all, 'flows').some((row) => row.includes(' 224.0.0.5 ')), 'OSPF flows with --all');
  assert.doesNotMatch(all, /link-local groups .* not shown/);

  const state = JSON.parse((await mcast('analyze', sample, '--at', at, '--json')).stdout) as { rps: { rp: string; groupPrefix: string; learnedFrom: string }[] };
  const mappings = new Map<string, string[]>();
  for (const rp of state.rps) mappings.set(`${rp.rp} ${rp.groupPrefix}`, [...(mappings.get(`${rp.rp} ${rp.groupPrefix}`) ?? []), rp.learnedFrom]);
  assert.ok([...mappings.values()].some((sources) => sources.length > 1), 'some mapping is learned two ways');
  const rpRows = sectionRows(text, 'rp mappings');
  assert.equal(rpRows.length, mappings.size, 'one row per RP mapping');
  for (const [mapping, sources] of mappings) {
    const [rp, prefix] = mapping.split(' ') as [string, string];
    assert.ok(rpRows.some((row) => row.startsWith('R2 ') && row.includes(` ${rp} `) && row.includes(` ${prefix} `) && row.includes(` ${sources.join(', ')} `)), `${mapping}: ${sources.join(', ')}`);
  }

  const links = sectionRows(text, 'links (');
  assert.match(links.find((row) => row.startsWith('lan-rcv1 '))!, /^lan-rcv1\s+R3\s+3\s+-\s+-\s+R3\s+R3$/, 'querier, DR and neighbor by the topology\'s name');
  assert.ok(sectionRows(text, 'joins (').every((row) => /^\S+\s+R\d\s+R\d\s/.test(row)), 'joins from and to routers by name');
  // Without --topology: the inferred router's id (its OSPF Router ID), not the interface address.
  const inferred = sectionRows((await mcast('analyze', sample, '--at', at)).stdout, 'links (');
  assert.match(inferred.find((row) => row.startsWith('lan-rcv1 '))!, /^lan-rcv1\s+10\.255\.0\.3\s/);
});

test('analyze --timeline text leaves out link-local groups\' changes and says how many, unless --all; JSON keeps them', async () => {
  const inputs = ['samples/pim-sm/pcap/lan-rcv1.pcap.gz', 'samples/pim-sm/pcap/lan-rcv2.pcap.gz'];
  const text = await mcast('analyze', ...inputs, '--timeline');
  assert.equal(text.code, 0, text.stderr);
  assert.doesNotMatch(text.stdout, / 224\.0\.0\.\d+ /);
  assert.match(text.stdout, /\(\d+ changes of link-local groups \(224\.0\.0\.0\/24, ff02::\/16\) not shown; --all shows them\)\n$/);
  const all = await mcast('analyze', ...inputs, '--timeline', '--all');
  assert.match(all.stdout, / 224\.0\.0\.22 /);
  const json = JSON.parse((await mcast('analyze', ...inputs, '--timeline', '--json')).stdout) as { group: string | null }[];
  assert.ok(json.some((entry) => entry.group === '224.0.0.22'));
});
