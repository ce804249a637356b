/**
 * The snapshot's caches (membership groups, latencies, ...: rebuilt only where the state changed)
 * change nothing: on every lab, at moments spread over the run, the analyzer's snapshot equals one
 * built from scratch by an analyzer holding the same state and no caches (a checkpoint leaves them
 * out, pipeline/checkpoint.ts), and snapshots handed out earlier are never changed afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeFrame } from '../../../capture/decode.js';
import { frameTime } from '../../../capture/frame.js';
import { NetworkAnalyzer } from '../../../capture/model/network-analyzer.js';
import { openCaptureFiles } from '../../../capture/sources/capture-file.js';
import { restoreCheckpoint, takeCheckpoint } from '../../../pipeline/checkpoint.js';
import type { NetworkSnapshot } from '../../../shapes/snapshot.js';

const samples = join(process.cwd(), 'samples');
const labs = readdirSync(samples).filter((lab) => { try { return readdirSync(join(samples, lab, 'pcap')).length > 0; } catch { return false; } }).sort();
const MOMENTS = 40;

for (const lab of labs) {
  test(`${lab}: cached snapshots equal snapshots built from scratch, and stay as they were handed out`, async () => {
    const files = readdirSync(join(samples, lab, 'pcap')).sort().map((file) => join(samples, lab, 'pcap', file));
    const frames = [];
    for await (const frame of openCaptureFiles(files).frames) frames.push({ ...frame, data: frame.data.slice() });
    const analyzer = new NetworkAnalyzer();
    const handedOut: { snapshot: NetworkSnapshot; text: string }[] = [];
    const every = Math.max(1, Math.floor(frames.length / MOMENTS));
    for (const [index, frame] of frames.entries()) {
      analyzer.onFrame(decodeFrame(frame));
      // A snapshot every frame near the moments warms the caches; the moment itself is compared.
      if (index % every > 3) continue;
      const at = frameTime(frame);
      const snapshot = analyzer.snapshot(at);
      handedOut.push({ snapshot, text: JSON.stringify(snapshot) });
      if (index % every !== 3) continue;
      const fresh = restoreCheckpoint(new NetworkAnalyzer(), takeCheckpoint(analyzer));
      assert.deepEqual(snapshot, fresh.snapshot(at), `${lab} at frame ${index}`);
    }
    assert.ok(handedOut.length >= MOMENTS);
    for (const { snapshot, text } of handedOut) assert.equal(JSON.stringify(snapshot), text, `the snapshot at ${snapshot.at} was changed after it was handed out`);
  });
}
