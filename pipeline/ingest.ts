/**
 * Capture files analyzed into the store as one capture: `mcast analyze --db`, uploads and the
 * demo. The file source feeds a run whose sinks are the store (and, when a live hub listens,
 * the live stream of its changes). A run that cannot read any file leaves nothing behind.
 */
import { basename } from 'node:path';
import type { CaptureProblem } from '../capture/sources/capture-file.js';
import type { Topology } from '../capture/model/topology.js';
import type { CaptureRecord } from '../shapes/records.js';
import type { SqlStore } from '../store/sql-store.js';
import { captureFingerprint, checkInputs, runFiles, type CaptureInput, type FileRunOptions } from './file-source.js';
import { AnalysisRun, type Sink } from './run.js';
import { findingPublisher, liveSink, type LivePublisher } from './sinks/live-sink.js';
import { StoreSink } from './sinks/store-sink.js';

export interface IngestOptions {
  topology: Topology | null;
  until: number;
  /** The capture's name in the store (default: the files' base names). */
  source: string;
  /** Where the changes also go live. */
  publisher: LivePublisher | null;
  onProgress: FileRunOptions['onProgress'];
  /** A file cut short or skipped in part (the rest of it was analyzed), told at the end. */
  onProblem: ((problem: CaptureProblem) => void) | null;
  /** More sinks for the same run. */
  sinks: Sink[];
}

export async function ingestFiles(inputs: readonly CaptureInput[], store: SqlStore, options: Partial<IngestOptions> = {}): Promise<CaptureRecord> {
  await checkInputs(inputs);
  const storeSink = await StoreSink.begin(store, {
    source: options.source ?? inputs.map((input) => basename(input.name)).join(','),
    fingerprint: await captureFingerprint(inputs),
  }, options.publisher ? (captureId) => findingPublisher(options.publisher!, captureId) : undefined);
  const sinks: Sink[] = [storeSink, ...(options.sinks ?? [])];
  if (options.publisher) sinks.push(liveSink(options.publisher, { captureId: storeSink.captureId, counters: false }));
  const run = new AnalysisRun({ topology: options.topology ?? null, sinks });
  try {
    const { problems } = await runFiles(inputs, run, { until: options.until, onProgress: options.onProgress });
    for (const problem of problems) options.onProblem?.(problem);
  } catch (error) {
    await storeSink.discard();
    throw error;
  }
  await run.finish('complete');
  return storeSink.record!;
}
