// The spending of every machine of a fleet in one Redis stream `<prefix>:spend`: each machine adds
// a finished turn as an entry {m: its machine id, e: the turn as JSON}, trimmed past eight days on
// every add (XADD MINID ~) and the key's ttl renewed, so nothing piles up; a server keeps the other
// machines' entries in memory, read by a blocking XREAD on a connection of its own (no polling),
// so its caps are checked against them without a round trip. Redis down: adds wait in a bounded
// queue until it is back, the view keeps what it read, and stderr says so once per outage.
import type { Redis } from "ioredis";
import { redisClient, connectRedis, type Connection, type Endpoint } from "./connect.js";
import { redisError } from "./errors.js";

/** Entries older than this are trimmed from the stream and dropped from memory: no cap looks further back than a week. */
const KEEP_MS = 8 * 24 * 3600_000;
/** Entries read at a time. */
const BATCH = 1000;
/** Turns kept for a Redis that is down before the oldest is dropped (the local ledger keeps them all). */
const QUEUE_MAX = 10_000;
/** Wait before retrying a command Redis refused while connected. */
const RETRY_MS = 2_000;

/** Options of {@link SpendStream.open} and {@link SpendStream.read}. */
export interface SpendStreamOptions<T> extends Endpoint {
  /** Key prefix (default "subagent-mcp", the mailboxes'). */
  prefix?: string;
  /** This machine's id: its own entries are left out of what it reads (its local ledger counts them). */
  machine: string;
  /** An entry's JSON as a value, or undefined for one that is not. */
  parse: (json: string) => T | undefined;
  /** Keep a view of the other machines' entries (a server); a worker only adds. */
  follow?: boolean;
  /** Where an outage is said (default stderr). */
  say?: (line: string) => void;
}

interface Seen<T> {
  ms: number;
  value: T;
}

type XReadReply = [string, [string, string[]][]][] | null;

/** One machine's side of the fleet's spend stream. */
export class SpendStream<T> {
  readonly #c: Connection;
  readonly #key: string;
  readonly #o: SpendStreamOptions<T>;
  readonly #queue: string[] = [];
  #view: Seen<T>[] = [];
  #blocker: Redis | undefined;
  #flushing = false;
  #closed = false;
  #down = false;
  #dropped = 0;
  #synced = false;
  readonly #onSynced: (() => void)[] = [];
  readonly #wakers = new Set<() => void>();

  private constructor(options: SpendStreamOptions<T>) {
    this.#o = options;
    this.#key = `${options.prefix ?? "subagent-mcp"}:spend`;
    this.#c = redisClient(options);
    this.#c.redis.on("error", () => undefined);
    this.#c.redis.connect().catch((error: unknown) => {
      this.#fail(error);
    });
    if (options.follow === true) {
      const blocker = this.#c.redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
      blocker.on("error", () => undefined);
      this.#blocker = blocker;
      void this.#follow(blocker);
    } else this.#sync();
  }

  /** Connects in the background (a Redis that is down delays nothing); a URL that cannot be used throws. */
  static open<T>(options: SpendStreamOptions<T>): SpendStream<T> {
    return new SpendStream(options);
  }

  /** The other machines' entries of the last eight days, read once (for a one-off report); rejects when Redis cannot be reached. */
  static async read<T>(options: SpendStreamOptions<T>): Promise<T[]> {
    const c = await connectRedis(options);
    const key = `${options.prefix ?? "subagent-mcp"}:spend`;
    const out: T[] = [];
    try {
      let from = `${Date.now() - KEEP_MS}-0`;
      for (;;) {
        const items = (await c.redis.xrange(key, from, "+", "COUNT", BATCH)) as [string, string[]][];
        for (const [id, fields] of items) take(id, fields, options, (seen) => out.push(seen.value));
        const last = items.at(-1);
        if (items.length < BATCH || last === undefined) break;
        from = `(${last[0]}`;
      }
    } catch (error) {
      throw redisError(error, c.where, c.secret);
    } finally {
      c.redis.disconnect();
    }
    return out;
  }

  /** Adds a turn (in the background; queued while Redis is down). */
  record(value: unknown): void {
    if (this.#closed) return;
    this.#queue.push(JSON.stringify(value));
    if (this.#queue.length > QUEUE_MAX) {
      this.#queue.shift();
      if (this.#dropped++ === 0) this.#say(`the spend stream's queue is full; its oldest turns are dropped (the local spend ledger keeps them)`);
    }
    void this.#flush();
  }

  /** The other machines' entries of the last eight days, as read so far. */
  entries(now: number = Date.now()): T[] {
    const oldest = now - KEEP_MS;
    if ((this.#view[0]?.ms ?? Infinity) < oldest) this.#view = this.#view.filter((s) => s.ms >= oldest);
    return this.#view.map((s) => s.value);
  }

  /** Resolves once what the stream held at start is read, or Redis failed, or `timeoutMs` passed: a launch need not wait longer. */
  ready(timeoutMs = 1_000): Promise<void> {
    if (this.#synced || this.#down || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.#onSynced.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Turns still waiting for Redis. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Tries to add what is queued (bounded by `timeoutMs`), then closes both connections. */
  async close(timeoutMs = 1_000): Promise<void> {
    if (this.#closed) return;
    if (this.#queue.length > 0 && !this.#down) await Promise.race([this.#drained(), delay(timeoutMs)]);
    this.#closed = true;
    for (const wake of this.#wakers) wake();
    this.#blocker?.disconnect();
    this.#c.redis.disconnect();
  }

  async #drained(): Promise<void> {
    while (this.#queue.length > 0 && !this.#down && !this.#closed) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      const redis = this.#c.redis;
      while (this.#queue.length > 0 && !this.#closed) {
        try {
          await redis.xadd(this.#key, "MINID", "~", String(Date.now() - KEEP_MS), "*", "m", this.#o.machine, "e", this.#queue[0] as string);
          this.#queue.shift();
          this.#up();
          // An idle fleet's stream goes away with its last week.
          await redis.pexpire(this.#key, KEEP_MS);
        } catch (error) {
          this.#fail(error);
          await this.#pause(redis);
        }
      }
    } finally {
      this.#flushing = false;
    }
  }

  // Reads what the stream holds (without blocking) until a batch comes short, then blocks for what comes next.
  async #follow(blocker: Redis): Promise<void> {
    let last = `${Date.now() - KEEP_MS}-0`;
    while (!this.#closed) {
      try {
        const block = this.#synced ? ["BLOCK", "0"] : [];
        const reply = (await blocker.call("XREAD", "COUNT", String(BATCH), ...block, "STREAMS", this.#key, last)) as XReadReply;
        const items = reply?.[0]?.[1] ?? [];
        for (const [id, fields] of items) {
          last = id;
          take(id, fields, this.#o, (seen) => this.#view.push(seen));
        }
        this.#up();
        if (items.length < BATCH) this.#sync();
      } catch (error) {
        // Closed: its pending read was rejected, and the loop ends.
        this.#fail(error);
        await this.#pause(blocker);
      }
    }
  }

  #sync(): void {
    this.#synced = true;
    for (const done of this.#onSynced.splice(0)) done();
  }

  // Until the connection is back (its "ready"), or a while when it is up and refused the command, or close.
  #pause(redis: Redis): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        redis.off("ready", done);
        this.#wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, redis.status === "ready" ? RETRY_MS : 60_000);
      timer.unref();
      redis.once("ready", done);
      this.#wakers.add(done);
    });
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    // What waits for Redis no longer holds a launch up.
    this.#sync();
    if (this.#down) return;
    this.#down = true;
    const why = redisError(error, this.#c.where, this.#c.secret).message;
    this.#say(
      `spend caps: ${why}; until it is back, caps count this machine's spend ledger and the other machines' turns read before, and this machine's turns wait for it`,
    );
  }

  #up(): void {
    if (!this.#down) return;
    this.#down = false;
    this.#say(`spend caps: Redis at ${this.#c.where} is back; the queued turns are added`);
  }

  #say(text: string): void {
    (this.#o.say ?? ((line: string) => process.stderr.write(`${line}\n`)))(`subagent-mcp: ${text}`);
  }
}

// An entry of another machine, parsed; this machine's own and ones that do not parse are left out.
function take<T>(id: string, fields: string[], o: SpendStreamOptions<T>, into: (seen: Seen<T>) => void): void {
  const at: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) at[fields[i] as string] = fields[i + 1] as string;
  if (at.m === undefined || at.m === o.machine || at.e === undefined) return;
  const value = o.parse(at.e);
  if (value !== undefined) into({ ms: Number(id.split("-")[0]), value });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
