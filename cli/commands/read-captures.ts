/**
 * The CLI's way into capture files: opens, merges, decodes, and reports what went wrong with a
 * file (a truncated file keeps what was read; a file that is not a capture is a clear error).
 */
import { stat } from 'node:fs/promises';
import { decodeFrame, type FrameResult } from '../../capture/decode.js';
import { frameTime } from '../../capture/frame.js';
import { openCaptureFiles, type CaptureFileReader, type CaptureProblem } from '../../capture/sources/capture-file.js';
import { CliError } from '../../capture/input-error.js';
import { ProgressBar } from './progress.js';

export interface CaptureRun {
  readers: CaptureFileReader[];
  problems: CaptureProblem[];
}

/**
 * Decodes every frame of the files, in time order, handing each result to `onFrame`; with
 * `until`, stops before the first frame later than that (epoch seconds).
 */
export async function decodeCaptureFiles(paths: string[], onFrame: (result: FrameResult) => void, until = Infinity): Promise<CaptureRun> {
  if (paths.length === 0) throw new CliError('no capture file given');
  let totalBytes = 0;
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) throw new CliError(`cannot read ${path}: no such file`);
    totalBytes += info.size;
  }
  const { frames, readers } = openCaptureFiles(paths);
  const progress = new ProgressBar(totalBytes);
  let count = 0;
  for await (const frame of frames) {
    if (frameTime(frame) > until) break;
    onFrame(decodeFrame(frame));
    if ((++count & 0x3fff) === 0) progress.update(readers.reduce((sum, reader) => sum + reader.info.fileBytesRead, 0), count);
  }
  progress.done();
  const problems = readers.flatMap((reader) => reader.problems);
  const unreadable = problems.filter((problem) => problem.fatal && problem.offset === 0);
  if (unreadable.length === readers.length) {
    throw new CliError(unreadable.map((problem) => `${problem.file}: ${problem.reason}`).join('\n'), 1);
  }
  return { readers, problems };
}

export function describeProblem(problem: CaptureProblem): string {
  return `${problem.file}: ${problem.fatal ? 'stopped' : 'skipped'} at byte ${problem.offset}: ${problem.reason}`;
}
