import { hostname } from "node:os";
import { processAlive, selfRef } from "@subagent-mcp/state";
import { connectRedis, type Connection, type Endpoint } from "./connect.js";
import { redisError, RedisMailboxError } from "./errors.js";
import { PresenceSchema, type PresenceEntry, type PresenceInput, type PresenceRegistry, type RegisterOptions, type Registration } from "@subagent-mcp/mailbox";
import { LIST, REMOVE, REMOVE_IF, WRITE } from "./presence-scripts.js";

/** Options of {@link Presence.connect}. */
export interface PresenceOptions extends Endpoint {
  /** Key prefix (default "subagent-mcp", the same as the mailboxes'). */
  prefix?: string;
}

const MIN_TTL_MS = 30;

/**
 * Which workers are alive where, for workers on several machines sharing one Redis. Each registration
 * is a key `<prefix>:presence:<name>:<host>:<pid>` holding its {@link PresenceEntry} as JSON with a PX
 * ttl, rewritten every ttl/3; a worker that dies stops refreshing and its key expires. The sorted set
 * `<prefix>:presence` (score: start time) indexes the keys so listing needs no SCAN over the keyspace;
 * {@link Presence.list} drops members whose key has expired, in the same script that reads them.
 * Presence has its own connection (one PING at connect), separate from any {@link RedisMailboxes}.
 */
export class Presence implements PresenceRegistry {
  readonly #c: Connection;
  readonly #prefix: string;
  readonly #live = new Set<{ halt(): void }>();

  private constructor(connection: Connection, prefix: string) {
    this.#c = connection;
    this.#prefix = prefix;
  }

  /** Connects and PINGs: a bad URL, wrong credentials or a server that is down reject here, each with its own code. */
  static async connect(options: PresenceOptions): Promise<Presence> {
    return new Presence(await connectRedis(options), options.prefix ?? "subagent-mcp");
  }

  get #index(): string {
    return `${this.#prefix}:presence`;
  }

  async #eval(lua: string, keys: string[], ...args: (string | number)[]): Promise<unknown> {
    try {
      return await this.#c.redis.call("EVAL", lua, keys.length, ...keys, ...args);
    } catch (error) {
      throw redisError(error, this.#c.where, this.#c.secret);
    }
  }

  /**
   * Writes the entry now and keeps it alive (refresh every ttlMs/3, an unref'd timer) until `stop()`.
   * host defaults to this machine's hostname, pid to this process, started_at to now.
   */
  async register(input: PresenceInput, options: RegisterOptions = {}): Promise<Registration> {
    const ttlMs = options.ttlMs ?? 15_000;
    if (!Number.isInteger(ttlMs) || ttlMs < MIN_TTL_MS)
      throw new RedisMailboxError("BAD_PRESENCE", `presence ttlMs ${ttlMs}: expected an integer of at least ${MIN_TTL_MS}`);
    const now = new Date().toISOString();
    // This process's start time goes with its pid, so that a reader on this machine can tell it from a later process given that pid.
    const own = input.pid === undefined ? selfRef() : { pid: input.pid };
    const parsed = PresenceSchema.safeParse({ host: hostname(), ...own, started_at: now, ...input, heartbeat_at: now });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RedisMailboxError("BAD_PRESENCE", `presence entry: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "invalid"}`);
    }
    let entry: PresenceEntry = parsed.data;
    const key = `${this.#index}:${entry.name}:${entry.host}:${entry.pid}`;
    const score = Date.parse(entry.started_at);
    let stopped = false;
    // Writes run one after another, so stop's delete always comes after the last refresh.
    let chain: Promise<void> = Promise.resolve();
    const write = (): Promise<void> => {
      const next = chain.then(async () => {
        if (stopped) return;
        entry = { ...entry, heartbeat_at: new Date().toISOString() };
        await this.#eval(WRITE, [key, this.#index], JSON.stringify(entry), ttlMs, score);
      });
      chain = next.catch(() => undefined);
      return next;
    };
    await write();
    const timer = setInterval(
      () => {
        write().catch((error: unknown) => options.onError?.(error));
      },
      Math.floor(ttlMs / 3),
    );
    timer.unref();
    const handle = {
      halt: () => {
        stopped = true;
        clearInterval(timer);
      },
    };
    this.#live.add(handle);
    return {
      get entry() {
        return entry;
      },
      turn: async (at = new Date()) => {
        if (stopped) return;
        entry = { ...entry, last_turn_at: at.toISOString() };
        await write();
      },
      stop: async () => {
        if (stopped) return;
        handle.halt();
        this.#live.delete(handle);
        await chain;
        await this.#eval(REMOVE, [key, this.#index]);
      },
    };
  }

  /**
   * Live entries, oldest start first; the index loses members whose key expired. An entry of this
   * machine whose process is gone (killed, a zombie, its pid since reused: state's processAlive) is
   * not listed and its key is removed (unless a later process rewrote it), without waiting for its ttl.
   */
  async list(): Promise<PresenceEntry[]> {
    const raw = (await this.#eval(LIST, [this.#index])) as string[];
    const out: PresenceEntry[] = [];
    const here = hostname();
    for (const text of raw) {
      let entry: PresenceEntry | undefined;
      try {
        const parsed = PresenceSchema.safeParse(JSON.parse(text));
        entry = parsed.success ? parsed.data : undefined;
      } catch {
        // A value that is not JSON is not a presence entry.
      }
      if (entry === undefined) continue;
      if (entry.host !== here || processAlive(entry)) out.push(entry);
      else await this.#eval(REMOVE_IF, [`${this.#index}:${entry.name}:${entry.host}:${String(entry.pid)}`, this.#index], text);
    }
    return out;
  }

  /** Whether any live entry has this name, on any machine. */
  async alive(name: string): Promise<boolean> {
    return (await this.list()).some((entry) => entry.name === name);
  }

  /**
   * Stops every refresh and closes the connection without deleting: registrations not stopped stay
   * listed until their ttl runs out, as after a crash. Call each registration's `stop()` first to leave at once.
   */
  async close(): Promise<void> {
    for (const handle of this.#live) handle.halt();
    this.#live.clear();
    await this.#c.redis.quit().catch(() => undefined);
  }
}
