/** `mcast capture` without a network: the summary of a live run fed synthetic frames, and the command's one-line errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseInterfaces } from '../../../cli/commands/capture.js';
import { buildSummary, formatSummary } from '../../../cli/output/capture-summary.js';
import { AnalysisRun } from '../../../pipeline/run.js';
import { LINKS, replayLive, T0 } from '../../helpers/live-session.js';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'dist/cli/main.js');

describe('capture summary', () => {
  it('counts frames and messages, and shows the membership, the flows and the file written', () => {
    const analysis = new AnalysisRun();
    const end = T0 + 25.5;
    replayLive(analysis, end);
    const summary = buildSummary(analysis, { started: T0, ended: end }, LINKS.map((link) => ({
      link: link.link, device: link.device, frames: 0, kernel: null, kernelDrops: null,
    })), { maxLagMs: 3, maxBurstFrames: 1 }, '/tmp/live.pcapng');
    assert.equal(summary.frames, 207);
    assert.equal(summary.messages, 7);
    assert.equal(summary.flows, 1);
    assert.deepEqual(summary.snapshot, analysis.analyzer.snapshot(end));
    const text = formatSummary(summary);
    assert.match(text, /captured 25\.5 s: 207 frames, 7 IGMP\/MLD\/PIM messages, 0 decode errors, 1 flows/);
    assert.match(text, /lan1\s+239\.9\.9\.9\s+EXCLUDE/);
    assert.match(text, /written to \/tmp\/live\.pcapng/);
  });
});

describe('mcast capture options', () => {
  it('parses interfaces and refuses repeated link names', () => {
    assert.deepEqual(parseInterfaces(['eth0', 'lan2=eth1']), [{ link: 'eth0', device: 'eth0' }, { link: 'lan2', device: 'eth1' }]);
    assert.throws(() => parseInterfaces([]), /at least one --iface/);
    assert.throws(() => parseInterfaces(['eth0', 'eth0']), /used twice/);
    assert.throws(() => parseInterfaces(['a=b=c']), /expected IF or LINK=IF/);
  });

  it('gives one line, not a stack trace, for a missing interface, a bad option or a bad duration', async () => {
    const failure = async (args: string[]) => {
      const result = await run('node', [CLI, ...args]).then(() => null, (error: { code: number; stderr: string }) => error);
      assert.ok(result, `${args.join(' ')} should fail`);
      return result;
    };
    const missing = await failure(['capture', '--iface', 'mcastnosuch0', '--duration', '1']);
    if (process.getuid?.() === 0) {
      assert.equal(missing.stderr, 'mcast: cannot capture: mcastnosuch0: no such interface\n');
      assert.equal(missing.code, 1);
    }
    assert.equal((await failure(['capture'])).code, 2);
    assert.match((await failure(['capture', '--iface', 'lo', '--duration', 'soon'])).stderr, /^mcast: --duration: 'soon' is not a positive number of seconds\n$/);
    assert.match((await failure(['capture', '--iface', 'lo', '--bogus'])).stderr, /^mcast: Unknown option '--bogus'/);
  });
});
