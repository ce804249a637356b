/**
 * One probe per link of a real lab, their records through the collector: at every whole second of
 * the capture (a checkpoint), the collector's state equals `mcast analyze` of all the files together
 * (membership, PIM, flows, routers, trees), whatever order the probes' records arrive in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NetworkAnalyzer } from '../../capture/model/network-analyzer.js';
import { Collector } from '../../pipeline/collector.js';
import { inputsOf, runFiles } from '../../pipeline/file-source.js';
import { decodeRecord, encodeRecord, type ProbeRecord } from '../../pipeline/probe/records.js';
import { AnalysisRun, type Sink } from '../../pipeline/run.js';
import { ProbeSink } from '../../pipeline/sinks/probe-sink.js';
import type { NetworkSnapshot } from '../../shapes/snapshot.js';

const samples = join(process.cwd(), 'samples');
const linkFiles = (lab: string) => readdirSync(join(samples, lab, 'pcap')).sort().map((file) => join(samples, lab, 'pcap', file));

/** The snapshot at each whole second `every` seconds apart, taken when time first passes it. */
class Checkpoints implements Sink {
  readonly taken = new Map<number, NetworkSnapshot>();
  private next = -Infinity;

  constructor(private readonly every: number) {}

  beforeTime(time: number, analyzer: NetworkAnalyzer): void {
    if (!Number.isFinite(analyzer.time)) return;
    if (this.next === -Infinity) this.next = Math.ceil(analyzer.time / this.every) * this.every;
    while (time > this.next) {
      if (this.next >= analyzer.time) this.taken.set(this.next, comparable(analyzer.snapshot(this.next)));
      this.next += this.every;
    }
  }
}

/** How long a switchover took is measured from every data packet; a collector sees only the probes' sample of them, and leaves it unmeasured. */
function comparable(snapshot: NetworkSnapshot): NetworkSnapshot {
  const unmeasured = { firstSptPacketAt: null, lastRptPacketAt: null, seconds: null };
  return { ...snapshot, trees: snapshot.trees.map((tree) => ({ ...tree, switchover: tree.switchover && { ...tree.switchover, ...unmeasured } })) } as NetworkSnapshot;
}

async function probeRecords(name: string, files: string[]): Promise<Uint8Array[]> {
  const records: Uint8Array[] = [];
  const publisher = { publish: (record: ProbeRecord) => { records.push(encodeRecord(record)); }, drain: async () => undefined, close: async () => undefined };
  const run = new AnalysisRun({ sinks: [new ProbeSink(name, publisher)] });
  await runFiles(inputsOf(files), run);
  await run.finish();
  return records;
}

/** The probes' records interleaved as a collector might get them: chunks of `chunk` records per probe in turn. */
function interleave(perProbe: Uint8Array[][], chunk: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const cursors = perProbe.map(() => 0);
  while (cursors.some((cursor, index) => cursor < perProbe[index]!.length)) {
    perProbe.forEach((records, index) => {
      out.push(...records.slice(cursors[index], cursors[index]! + chunk));
      cursors[index] = cursors[index]! + chunk;
    });
  }
  return out;
}

/** One probe per link, or two probes with several links each. */
const splits: Record<string, (files: string[]) => Map<string, string[]>> = {
  'one probe per link': (files) => new Map(files.map((file) => [basename(file).replace(/\W+/g, '_'), [file]])),
  'two probes of several links': (files) => new Map([['east', files.slice(0, 3)], ['west', files.slice(3)]]),
};

for (const [lab, split] of ['pim-sm', 'pim-lan'].flatMap((lab) => Object.keys(splits).map((split) => [lab, split] as const))) {
  test(`${lab}, ${split}: the collector holds, at every checkpoint, the state analyze has of all the files`, async () => {
    const files = linkFiles(lab);
    const reference = new Checkpoints(5);
    await runFiles(inputsOf(files), new AnalysisRun({ sinks: [reference] }));
    const probes = splits[split]!(files);
    const perProbe = await Promise.all([...probes].map(([name, probeFiles]) => probeRecords(name, probeFiles)));
    // After a probe's last frame its links' flows stay as it last saw them; the analysis of all files lets them age.
    const endOf = (record: ProbeRecord) => (record.type === 'end' ? record.time : Infinity);
    const firstEnd = Math.min(...perProbe.map((records) => endOf(decodeRecord(records.at(-1)!))));

    for (const chunk of [1, 500]) {
      const collected = new Checkpoints(5);
      const collector = new Collector(new AnalysisRun({ flowsFrom: 'probes', sinks: [collected] }), {
        expectedProbes: [...probes.keys()], lateness: 1e9,
      });
      for (const data of interleave(perProbe, chunk)) collector.take(decodeRecord(data));
      assert.equal(collector.allEnded, true);
      await collector.finish('complete');
      assert.equal(collector.late, 0);

      const times = [...reference.taken.keys()].filter((time) => collected.taken.has(time) && time <= firstEnd);
      assert.ok(times.length >= 10, `${lab}: ${times.length} checkpoints in common`);
      let flows = 0;
      for (const time of times) {
        const expected = reference.taken.get(time)!;
        const actual = collected.taken.get(time)!;
        flows += expected.flows.length;
        for (const part of Object.keys(expected) as (keyof NetworkSnapshot)[]) {
          assert.deepEqual(actual[part], expected[part], `${lab} chunk ${chunk} at ${new Date(time * 1000).toISOString()}: ${part}`);
        }
      }
      assert.ok(flows > 0, 'the checkpoints hold flows');
    }
  });
}
