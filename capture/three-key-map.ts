/**
 * Values by three texts (a link, a source, a group), in nested maps: a data packet's lookup builds
 * no key text, and the address texts the decoders hand out are shared (ip/address-format.ts), so
 * their hashes are computed once.
 */
export class ThreeKeyMap<T> {
  private readonly first = new Map<string, Map<string, Map<string, T>>>();
  /** How many values it holds. */
  size = 0;

  get(a: string, b: string, c: string): T | undefined {
    return this.first.get(a)?.get(b)?.get(c);
  }

  set(a: string, b: string, c: string, value: T): void {
    let second = this.first.get(a);
    if (second === undefined) this.first.set(a, second = new Map());
    let third = second.get(b);
    if (third === undefined) second.set(b, third = new Map());
    if (!third.has(c)) this.size++;
    third.set(c, value);
  }

  *values(): IterableIterator<T> {
    for (const second of this.first.values()) for (const third of second.values()) yield* third.values();
  }
}
