/**
 * Merges several frame streams (one per capture file or live interface) into one ordered by
 * capture time. Ties go to the earlier stream in the list, so the merge is stable; each stream's
 * own order is kept even where its timestamps go backwards. Frames are renumbered 1.. in merged
 * order (the `number` of each frame object is overwritten).
 *
 * Streams come in batches (a file reader's: the frames of one chunk): the merge awaits once a
 * batch, not once a frame. The next batch of a stream is pulled only when its previous one has
 * been merged out, and what is merged so far is handed on before that wait, so every source keeps
 * its own backpressure. The number of sources is small: a linear scan picks the earliest head. A
 * single source passes straight through.
 */
import { compareFrameTime, type Frame } from '../frame.js';

export async function* mergeFrameBatches(sources: readonly AsyncIterable<Frame[]>[]): AsyncGenerator<Frame[], void, undefined> {
  let number = 0;
  if (sources.length === 1) {
    for await (const batch of sources[0]!) {
      for (const frame of batch) frame.number = ++number;
      yield batch;
    }
    return;
  }
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  /** Each source's current batch and the index of its head in it; null once the source is exhausted. */
  const heads: ({ batch: Frame[]; index: number } | null)[] = [];
  const nextHead = async (source: number): Promise<{ batch: Frame[]; index: number } | null> => {
    for (;;) {
      const next = await iterators[source]!.next();
      if (next.done) return null;
      if (next.value.length > 0) return { batch: next.value, index: 0 };
    }
  };
  try {
    // Sources are started one after the other, so a failing one stops the merge before the rest start reading.
    for (let source = 0; source < iterators.length; source++) heads.push(await nextHead(source));
    let out: Frame[] = [];
    for (;;) {
      let earliest = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head && (earliest < 0 || compareFrameTime(head.batch[head.index]!, heads[earliest]!.batch[heads[earliest]!.index]!) < 0)) earliest = i;
      }
      if (earliest < 0) break;
      const head = heads[earliest]!;
      const frame = head.batch[head.index++]!;
      frame.number = ++number;
      out.push(frame);
      if (head.index < head.batch.length) continue;
      if (out.length > 0) {
        yield out;
        out = [];
      }
      heads[earliest] = await nextHead(earliest);
    }
    if (out.length > 0) yield out;
  } finally {
    // Stopped early (consumer break, or a source rejected): let the others release their files.
    await Promise.allSettled(iterators.map((iterator) => iterator.return?.()));
  }
}

/** The frames of a stream of batches, one by one. */
export async function* framesOf(batches: AsyncIterable<Frame[]>): AsyncGenerator<Frame, void, undefined> {
  for await (const batch of batches) yield* batch;
}
