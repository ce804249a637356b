/**
 * Checkpoints (pipeline/checkpoint.ts): a run stopped half-way, checkpointed and restored into a
 * freshly built run, ends in the same state as the run that never stopped — on every real lab, for
 * an analysis of frames and for a collector fed by probes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import type { Frame } from '../../capture/frame.js';
import { CheckpointError, restoreCheckpoint, takeCheckpoint } from '../../pipeline/checkpoint.js';
import { Collector } from '../../pipeline/collector.js';
import { inputsOf, runFiles } from '../../pipeline/file-source.js';
import { decodeRecord, encodeRecord, type ProbeRecord } from '../../pipeline/probe/records.js';
import { AnalysisRun } from '../../pipeline/run.js';
import { FindingsSink } from '../../pipeline/sinks/findings-sink.js';
import { ProbeSink } from '../../pipeline/sinks/probe-sink.js';

const samples = join(process.cwd(), 'samples');
const labs = readdirSync(samples).filter((lab) => { try { return readdirSync(join(samples, lab, 'pcap')).length > 0; } catch { return false; } }).sort();
const linkFiles = (lab: string) => readdirSync(join(samples, lab, 'pcap')).sort().map((file) => join(samples, lab, 'pcap', file));

async function framesOf(files: string[]): Promise<Frame[]> {
  const frames: Frame[] = [];
  await runFiles(inputsOf(files), new AnalysisRun({ analyze: false, sinks: [{ frame: (frame) => { frames.push({ ...frame, data: frame.data.slice() }); } }] }));
  return frames;
}

const analysisRun = () => {
  const findings = new FindingsSink();
  return { run: new AnalysisRun({ sinks: [findings] }), findings };
};

test('every lab has captures to check on', () => assert.ok(labs.length >= 6, labs.join(', ')));

for (const lab of labs) {
  test(`${lab}: an analysis checkpointed half-way and restored ends as the one that never stopped`, async () => {
    const frames = await framesOf(linkFiles(lab));
    const whole = analysisRun();
    for (const frame of frames) whole.run.frame(frame);
    await whole.run.finish();

    const half = Math.floor(frames.length / 2);
    const first = analysisRun();
    for (const frame of frames.slice(0, half)) first.run.frame(frame);
    const bytes = takeCheckpoint(first);
    const resumed = restoreCheckpoint(analysisRun(), bytes);
    for (const frame of frames.slice(half)) resumed.run.frame(frame);
    await resumed.run.finish();

    assert.equal(resumed.run.frames, frames.length);
    assert.deepEqual(resumed.run.analyzer.snapshot(), whole.run.analyzer.snapshot());
    assert.deepEqual(resumed.findings.engine.all(), whole.findings.engine.all());
  });
}

async function probeRecords(name: string, files: string[]): Promise<ProbeRecord[]> {
  const records: ProbeRecord[] = [];
  const publisher = { publish: (record: ProbeRecord) => { records.push(decodeRecord(encodeRecord(record))); }, drain: async () => undefined, close: async () => undefined };
  const run = new AnalysisRun({ sinks: [new ProbeSink(name, publisher)] });
  await runFiles(inputsOf(files), run);
  await run.finish();
  return records;
}

test('pim-sm: a collector checkpointed with records held for ordering, and restored, ends as the one that never stopped', async () => {
  const files = linkFiles('pim-sm');
  const probes = [['east', files.slice(0, 3)], ['west', files.slice(3)]] as const;
  const perProbe = await Promise.all(probes.map(([name, probeFiles]) => probeRecords(name, probeFiles)));
  // East's records first, then west's: at the half, east's wait in the collector for west's watermark.
  const records = perProbe.flat();
  const collecting = () => {
    const findings = new FindingsSink();
    const run = new AnalysisRun({ flowsFrom: 'probes', sinks: [findings] });
    return { run, findings, collector: new Collector(run, { expectedProbes: probes.map(([name]) => name), lateness: 1e9 }) };
  };
  const whole = collecting();
  for (const record of records) whole.collector.take(record);
  await whole.collector.finish('complete');

  const half = perProbe[0]!.length + 10;
  const first = collecting();
  for (const record of records.slice(0, half)) first.collector.take(record);
  assert.ok(first.run.messages < whole.run.messages / 2, 'records are held at the checkpoint');
  const resumed = restoreCheckpoint(collecting(), takeCheckpoint(first));
  for (const record of records.slice(half)) resumed.collector.take(record);
  await resumed.collector.finish('complete');

  assert.equal(resumed.collector.records, records.length);
  assert.equal(resumed.run.messages, whole.run.messages);
  assert.deepEqual(resumed.run.analyzer.snapshot(), whole.run.analyzer.snapshot());
  assert.deepEqual(resumed.findings.engine.all(), whole.findings.engine.all());
});

test('a checkpoint keeps numbers of every kind, Maps, Sets, bytes, shared objects and cycles; wiring comes from the fresh root', () => {
  const shared = { n: -0 };
  const root = {
    numbers: [Infinity, -Infinity, NaN, 1.5, 2n], missing: undefined, bytes: new Uint8Array([1, 2, 3]),
    byKey: new Map<unknown, unknown>([['a', shared], [shared, 'object key']]), seen: new Set([shared]), self: null as unknown,
    listener: (x: number) => x + 1, analyzer: new AnalysisRun({}),
  };
  root.self = root;
  root.analyzer.frames = 7;
  const fresh = { ...root, listener: (x: number) => x + 2, analyzer: new AnalysisRun({}), byKey: new Map(), seen: new Set(), numbers: [] };
  const freshAnalyzer = fresh.analyzer;
  const back = restoreCheckpoint(fresh, takeCheckpoint(root));
  assert.equal(back, fresh);
  assert.deepEqual(back.numbers, [Infinity, -Infinity, NaN, 1.5, 2n]);
  assert.ok('missing' in back && back.missing === undefined);
  assert.deepEqual([...back.bytes], [1, 2, 3]);
  const restoredShared = back.byKey.get('a') as { n: number };
  assert.ok(Object.is(restoredShared.n, -0));
  assert.equal(back.byKey.get(restoredShared), 'object key');
  assert.ok(back.seen.has(restoredShared));
  assert.equal(back.self, back);
  assert.equal(back.listener(1), 3, 'a function is wiring: the fresh one stays');
  assert.equal(back.analyzer, freshAnalyzer, 'a state class instance is laid over the fresh one');
  assert.equal(back.analyzer.frames, 7);
});

test('wiring with nothing fresh to take it from, unreadable bytes and unknown classes are refused with a reason', () => {
  const root = { handlers: new Map([['x', { call: () => 1 }]]) };
  assert.throws(() => restoreCheckpoint({ handlers: new Map() }, takeCheckpoint(root)), (error: unknown) =>
    error instanceof CheckpointError && /nothing fresh .* at root\.handlers\.get\(\)\.call/.test(error.message));
  assert.throws(() => restoreCheckpoint({}, new Uint8Array([1, 2, 3])), CheckpointError);
  class Unlisted { value = 1; }
  assert.throws(() => takeCheckpoint({ items: [new Unlisted()] }), /Unlisted at root\.items\[0\] is neither state nor wiring/);
  assert.throws(() => takeCheckpoint({ item: { '@instance': 'Nope', fields: {} } }), /a field is named @instance/);
  assert.throws(() => restoreCheckpoint({}, serialize({ item: { '@instance': 'Nope', fields: {} } })), /unknown class Nope at root\.item/);
});
