/**
 * The analysis run on its own: frames in, sinks out, and the packet-time clock — timers that
 * expire as a live source's ticks move time on while no packet arrives, silences stepped through
 * second by second, the pcapng sink's file giving the same state offline.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCaptureFiles } from '../../capture/sources/capture-file.js';
import { analyzeFiles } from '../../pipeline/file-source.js';
import { AnalysisRun, MAX_SILENCE_STEPS } from '../../pipeline/run.js';
import { PcapngSink } from '../../pipeline/sinks/pcapng-sink.js';
import { CHANGE_TO_EXCLUDE, data, LINKS, query, replayLive, report, T0 } from '../helpers/live-session.js';

describe('analysis run', () => {
  it('expires membership as ticks move time on while no packet arrives, and counts what it saw', () => {
    const run = new AnalysisRun();
    run.frame(query(T0, 'lan1'), 0);
    run.frame(report(T0 + 0.5, 'lan1', CHANGE_TO_EXCLUDE, '239.9.9.9'), 0);
    assert.deepEqual(run.analyzer.snapshot(T0 + 1).memberships.map((m) => m.group), ['239.9.9.9']);
    // Group Membership Interval = 2 × 5 s + 1 s (the querier's QRV, QQIC and Max Resp Code): gone by T0 + 12.
    for (let second = 1; second <= 12; second++) run.advance(T0 + second);
    assert.equal(run.analyzer.time, T0 + 12);
    assert.deepEqual(run.analyzer.snapshot(T0 + 12).memberships, []);
    assert.deepEqual([run.frames, run.messages, run.decodeErrors], [2, 2, 0]);
  });

  it('tells its sinks of every second a silence steps through, up to MAX_SILENCE_STEPS, while the analyzer still holds the earlier state', () => {
    const told: { time: number; analyzerTime: number }[] = [];
    const run = new AnalysisRun({ sinks: [{ beforeTime: (time, analyzer) => told.push({ time, analyzerTime: analyzer.time }) }] });
    run.frame(data(T0 + 0.5, 'lan1'));
    run.frame(data(T0 + 4.25, 'lan1'));
    assert.deepEqual(told.slice(1).map((entry) => [entry.time - T0, entry.analyzerTime - T0]), [[1, 0.5], [2, 1], [3, 2], [4, 3], [4.25, 4]]);
    told.length = 0;
    run.advance(T0 + 4 + MAX_SILENCE_STEPS + 100);
    assert.equal(told.length, MAX_SILENCE_STEPS, 'the rest of a long silence is one step');
    assert.equal(told.at(-1)!.time, T0 + 4 + MAX_SILENCE_STEPS + 100);
  });

  it('decodes without analyzing when asked (counting needs no state)', () => {
    const kinds: string[] = [];
    const run = new AnalysisRun({ analyze: false, sinks: [{ decoded: (result) => kinds.push(result.ok ? result.packet.message.kind : 'error') }] });
    run.frame(query(T0, 'lan1'));
    run.frame(data(T0 + 1, 'lan1'));
    assert.deepEqual(kinds, ['igmp.v3.query.general', 'data.ipv4']);
    assert.equal(run.analyzer.snapshot(T0 + 2).flows.length, 0);
  });

  it('the pcapng sink writes one interface per link, and the file analyzed offline gives the live state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcast-run-'));
    try {
      const path = join(dir, 'live.pcapng');
      const pcapng = new PcapngSink(path, LINKS);
      const run = new AnalysisRun({ sinks: [pcapng] });
      const end = T0 + 25.5;
      replayLive(run, end);
      await run.finish('complete');
      const live = run.analyzer.snapshot(end);

      const reader = openCaptureFiles([path]);
      for await (const frame of reader.frames) void frame;
      assert.deepEqual(reader.readers[0]!.info.interfaces.map((entry) => entry.name), ['lan1', 'lan2']);

      const offline = (await analyzeFiles([path], { until: end })).analyzer.snapshot(end);
      assert.deepEqual(offline, live);
      assert.deepEqual(live.memberships.map((m) => `${m.link} ${m.group}`), ['lan1 239.9.9.9']);
      assert.equal(live.flows.length, 1);
      assert.equal(live.flows[0]!.packets, 200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
