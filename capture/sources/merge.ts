/**
 * Merges several frame streams (one per capture file or live interface) into one ordered by
 * capture time. Ties go to the earlier stream in the list, so the merge is stable; each stream's
 * own order is kept even where its timestamps go backwards. Frames are renumbered 1.. in merged
 * order (the `number` of each frame object is overwritten).
 *
 * One frame is pulled from a stream only when its previous one has been handed out, so every
 * source keeps its own backpressure. The number of sources is small: a linear scan picks the
 * earliest head. A single source passes straight through.
 */
import { compareFrameTime, type Frame } from '../frame.js';

async function nextFrame(iterator: AsyncIterator<Frame>): Promise<Frame | null> {
  const next = await iterator.next();
  return next.done ? null : next.value;
}

export async function* mergeFrameStreams(sources: readonly AsyncIterable<Frame>[]): AsyncGenerator<Frame, void, undefined> {
  if (sources.length === 1) {
    // One source is its own order: no heads to compare, one await less per frame.
    let number = 0;
    for await (const frame of sources[0]!) {
      frame.number = ++number;
      yield frame;
    }
    return;
  }
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  /** The next frame of each source; null once it is exhausted. */
  const heads: (Frame | null)[] = [];
  let number = 0;
  try {
    // Sources are started one after the other, so a failing one stops the merge before the rest start reading.
    for (const iterator of iterators) heads.push(await nextFrame(iterator));
    for (;;) {
      let earliest = -1;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i];
        if (head && (earliest < 0 || compareFrameTime(head, heads[earliest]!) < 0)) earliest = i;
      }
      if (earliest < 0) return;
      const frame = heads[earliest]!;
      frame.number = ++number;
      yield frame;
      heads[earliest] = await nextFrame(iterators[earliest]!);
    }
  } finally {
    // Stopped early (consumer break, or a source rejected): let the others release their files.
    await Promise.allSettled(iterators.map((iterator) => iterator.return?.()));
  }
}
