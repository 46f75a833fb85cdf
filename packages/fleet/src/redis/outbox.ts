import type { Redis } from "ioredis";
import { STREAM_MAXLEN, STREAM_TTL_MS } from "./keys.js";

// Most entries kept while Redis is out of reach: past it the oldest go (and are counted).
const MAX_WAITING = 50_000;
// Most entries written in one transaction.
const BATCH = 256;

/**
 * Writes `batch` in order in one MULTI, each stream bounded (MAXLEN) and its TTL refreshed once
 * after its entries; returns how many entries from the first were written (the rest are written again).
 */
async function writeBatch(redis: Redis, batch: readonly { stream: string; fields: string[] }[]): Promise<number> {
  const multi = redis.multi();
  for (const entry of batch) multi.xadd(entry.stream, "MAXLEN", "~", STREAM_MAXLEN, "*", ...entry.fields);
  for (const stream of new Set(batch.map((e) => e.stream))) multi.pexpire(stream, STREAM_TTL_MS);
  const done = await multi.exec();
  if (done === null) throw new Error("the write was discarded");
  const failed = done.findIndex(([error]) => error !== null);
  return failed === -1 ? batch.length : Math.min(failed, batch.length);
}

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
    while (this.#waiting.length > 0) {
      // What queued while the last write was under way goes in one transaction (a turn's burst of events:
      // one round trip, and one TTL refresh per stream rather than one per entry).
      const batch = this.#waiting.slice(0, BATCH);
      try {
        const written = await writeBatch(this.redis, batch);
        // By identity: entries dropped from the head meanwhile (a long outage) were part of the batch.
        const gone = new Set(batch.slice(0, written));
        while (this.#waiting[0] !== undefined && gone.has(this.#waiting[0])) this.#waiting.shift();
        if (written < batch.length) throw new Error("a write was refused");
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
