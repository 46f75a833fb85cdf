import type { Redis } from "ioredis";
import { STREAM_MAXLEN, STREAM_TTL_MS } from "./keys.js";

// Most entries kept while Redis is out of reach: past it the oldest go (and are counted).
const MAX_WAITING = 50_000;

/**
 * Stream entries written in order, kept while Redis is out of reach and written once it is back
 * (each write trims its stream to about STREAM_MAXLEN entries and gives it STREAM_TTL_MS more life):
 * a Redis restart (or a network blip) loses no event and no command. The connection fails fast
 * while down (no offline queue), so each failed write waits for it to be ready again.
 */
export class Outbox {
  readonly #waiting: { stream: string; fields: string[] }[] = [];
  // The write under way, while there is one: draining waits for it rather than for a reconnect.
  #flushing: Promise<void> | undefined;
  #dropped = 0;

  constructor(
    private readonly redis: Redis,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Entries dropped because too many waited (a very long outage). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues one entry for `stream` and writes what waits, in order. */
  add(stream: string, fields: string[]): void {
    if (this.#waiting.length >= MAX_WAITING) {
      this.#waiting.shift();
      this.#dropped += 1;
    }
    this.#waiting.push({ stream, fields });
    void this.#flush();
  }

  /** Resolves once everything queued so far is written (or the wait for Redis gave up after `ms`). */
  async drained(ms = 5_000): Promise<void> {
    const until = Date.now() + ms;
    while (this.#waiting.length > 0 && Date.now() < until) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#flush(), new Promise((r) => (timer = setTimeout(r, Math.max(1, until - Date.now()))))]);
      clearTimeout(timer);
    }
  }

  #flush(): Promise<void> {
    this.#flushing ??= this.#write().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #write(): Promise<void> {
    for (let next = this.#waiting[0]; next !== undefined; next = this.#waiting[0]) {
      try {
        // Each write bounds its stream: its length, and its life after the last write (TTL refreshed).
        const done = await this.redis
          .multi()
          .xadd(next.stream, "MAXLEN", "~", STREAM_MAXLEN, "*", ...next.fields)
          .pexpire(next.stream, STREAM_TTL_MS)
          .exec();
        const failed = done?.find(([error]) => error !== null)?.[0];
        if (done === null || failed != null) throw failed ?? new Error("the write was discarded");
        this.#waiting.shift();
      } catch (error) {
        this.log(`Redis out of reach (${this.#waiting.length} entries wait): ${String(error)}`);
        await this.#ready(2_000);
      }
    }
  }

  // The connection's next "ready", or `ms` at most (a write may fail for another reason while connected).
  #ready(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.redis.off("ready", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.redis.once("ready", done);
    });
  }
}
