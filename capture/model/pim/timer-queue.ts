/**
 * Packet-time timers: a binary min-heap of (deadline, item) kept in two parallel arrays, so
 * scheduling allocates nothing per call. Rescheduling an item just pushes it again; an entry whose
 * time no longer equals the item's `deadline` is stale and is dropped when it reaches the top.
 * Cancelling is setting `deadline` to Infinity.
 */
import type { Timed } from './types.js';

export class TimerQueue<T extends Timed> {
  private readonly times: number[] = [];
  private readonly items: T[] = [];

  /** Sets `item.deadline` to `at` and queues it; Infinity only records the deadline. */
  schedule(item: T, at: number): void {
    item.deadline = at;
    if (at === Infinity) return;
    this.times.push(at);
    this.items.push(item);
    this.siftUp(this.times.length - 1);
  }

  /** The earliest live deadline, Infinity when nothing is due ever. */
  nextDeadline(): number {
    while (this.times.length > 0 && this.items[0]!.deadline !== this.times[0]) this.removeTop();
    return this.times.length > 0 ? this.times[0]! : Infinity;
  }

  /** Removes and returns the next live item due exactly at `at`, or undefined. */
  takeDue(at: number): T | undefined {
    if (this.nextDeadline() !== at) return undefined;
    const item = this.items[0]!;
    this.removeTop();
    return item;
  }

  private removeTop(): void {
    const lastTime = this.times.pop()!;
    const lastItem = this.items.pop()!;
    if (this.times.length === 0) return;
    this.times[0] = lastTime;
    this.items[0] = lastItem;
    this.siftDown(0);
  }

  private siftUp(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.times[parent]! <= this.times[index]!) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const length = this.times.length;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < length && this.times[left]! < this.times[smallest]!) smallest = left;
      if (right < length && this.times[right]! < this.times[smallest]!) smallest = right;
      if (smallest === index) return;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private swap(a: number, b: number): void {
    const time = this.times[a]!;
    this.times[a] = this.times[b]!;
    this.times[b] = time;
    const item = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = item;
  }
}

/** Seconds from a holdtime field: 0xffff means "forever" in Hello, Join/Prune and RP holdtimes. */
export const INFINITE_HOLDTIME = 0xffff;

export function holdtimeExpiry(time: number, holdtime: number): number {
  return holdtime === INFINITE_HOLDTIME ? Infinity : time + holdtime;
}

/** JSON has no Infinity: a timer that never fires is reported as null. */
export function finiteOrNull(time: number): number | null {
  return Number.isFinite(time) ? time : null;
}
