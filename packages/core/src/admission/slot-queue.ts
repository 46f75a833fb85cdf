/**
 * Launches waiting for a slot of their provider, first come first served, each provider's line
 * apart, and the rule that puts a launch in line: it waits when others of its provider wait
 * before it, or when no slot is free. The supervisor's admission keeps its queued agents in one,
 * and a fleet node its queued launches.
 */
export class SlotQueue<T> {
  readonly #waiting: T[] = [];

  constructor(private readonly providerOf: (item: T) => string) {}

  /** How many wait, every provider's together. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Whether a launch of `provider` must wait: others of its provider wait before it, or `fits` finds no slot free. */
  mustWait(provider: string, fits: () => boolean): boolean {
    return this.waiting(provider) > 0 || !fits();
  }

  /** How many of `provider` wait. */
  waiting(provider: string): number {
    let n = 0;
    for (const item of this.#waiting) if (this.providerOf(item) === provider) n += 1;
    return n;
  }

  /** Puts `item` last in its provider's line. */
  push(item: T): void {
    this.#waiting.push(item);
  }

  /** Its place in its provider's line (1 is next), while it waits. */
  position(item: T): number | undefined {
    const provider = this.providerOf(item);
    const index = this.#waiting.filter((w) => this.providerOf(w) === provider).indexOf(item);
    return index < 0 ? undefined : index + 1;
  }

  /** The next of `provider`'s line. */
  first(provider: string): T | undefined {
    return this.#waiting.find((w) => this.providerOf(w) === provider);
  }

  /** Takes `item` out of its line; false when it was not waiting. */
  remove(item: T): boolean {
    const index = this.#waiting.indexOf(item);
    if (index >= 0) this.#waiting.splice(index, 1);
    return index >= 0;
  }

  /** Every waiting item, in the order they came. */
  items(): readonly T[] {
    return this.#waiting;
  }
}
