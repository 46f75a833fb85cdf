/**
 * A bounded text tail: keeps the last `capacity` characters of everything pushed, however much a
 * CLI prints. Chunks are kept as given and dropped from the head, so a push is O(1) amortized.
 */
export class TailBuffer {
  #chunks: string[] = [];
  #head = 0;
  #length = 0;
  #dropped = 0;

  constructor(readonly capacity: number = 2 * 1024 * 1024) {
    if (!(capacity > 0)) throw new RangeError("capacity must be positive");
  }

  /** Characters currently held. */
  get length(): number {
    return this.#length;
  }

  /** Characters pushed so far but no longer held. */
  get dropped(): number {
    return this.#dropped;
  }

  push(text: string): void {
    if (text.length === 0) return;
    if (text.length >= this.capacity) {
      this.#dropped += this.#length + text.length - this.capacity;
      this.#chunks = [text.slice(text.length - this.capacity)];
      this.#head = 0;
      this.#length = this.capacity;
      return;
    }
    this.#chunks.push(text);
    this.#length += text.length;
    while (this.#length > this.capacity) {
      const first = this.#chunks[this.#head] as string;
      const excess = this.#length - this.capacity;
      if (first.length <= excess) {
        this.#head += 1;
        this.#length -= first.length;
        this.#dropped += first.length;
      } else {
        this.#chunks[this.#head] = first.slice(excess);
        this.#length -= excess;
        this.#dropped += excess;
      }
    }
    // Compact the array now and then so dropped chunk slots don't accumulate.
    if (this.#head > 1024 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The last `maxChars` characters (all held ones by default). */
  read(maxChars: number = this.#length): string {
    const want = Math.min(Math.max(0, maxChars), this.#length);
    const parts: string[] = [];
    let got = 0;
    for (let i = this.#chunks.length - 1; i >= this.#head && got < want; i -= 1) {
      const chunk = this.#chunks[i] as string;
      const take = Math.min(chunk.length, want - got);
      parts.push(take === chunk.length ? chunk : chunk.slice(chunk.length - take));
      got += take;
    }
    return parts.reverse().join("");
  }
}
