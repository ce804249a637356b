/**
 * Files analyzed into the store with a live publisher: every finding the store ends up with was
 * pushed as it opened, and every one that closed was pushed closing, with the capture's id.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputsOf } from '../../pipeline/file-source.js';
import { ingestFiles } from '../../pipeline/ingest.js';
import type { FindingEvent } from '../../shapes/findings.js';
import { SqlStore } from '../../store/sql-store.js';

const PIM_LAN = join(process.cwd(), 'samples', 'pim-lan', 'pim-lan.pcapng.gz');

test('ingest pushes each finding as it opens and as it closes, the same findings the store keeps', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mcast-ingest-'));
  const store = await SqlStore.open(join(dir, 'lan.sqlite'));
  try {
    const events: FindingEvent[] = [];
    const capture = await ingestFiles(inputsOf([PIM_LAN]), store, {
      publisher: { publishChange: () => undefined, publishCounters: () => undefined, publishFinding: (event) => events.push(event) },
    });
    const stored = (await store.findings({ captureId: capture.id, limit: 10_000, offset: 0 })).items;
    assert.ok(stored.length >= 5, `pim-lan has findings: ${stored.length}`);
    assert.ok(events.every((event) => event.captureId === capture.id));
    const key = (finding: { kind: string; link: string | null; group: string | null; source: string | null; router: string | null; at: number }) =>
      `${finding.kind} ${finding.link} ${finding.group} ${finding.source} ${finding.router} ${finding.at.toFixed(6)}`;
    const opened = events.filter((event) => event.change === 'opened');
    assert.deepEqual(opened.map((event) => key(event.finding)).sort(), stored.map(key).sort());
    const closed = new Map(events.filter((event) => event.change === 'closed').map((event) => [key(event.finding), event]));
    for (const finding of stored) {
      const close = closed.get(key(finding));
      if (finding.until === null) assert.equal(close, undefined, `${key(finding)} still holds at the end`);
      else assert.equal(close?.finding.until, finding.until, `${key(finding)} closed at ${finding.until}`);
    }
    for (const event of opened) assert.ok(event.time >= event.finding.at, 'a finding is noticed when (or after) it began');
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
