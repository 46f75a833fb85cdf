import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import {
  BROADCAST,
  MAX_MESSAGE_BYTES,
  MailboxError,
  MessageSchema,
  safeName,
  type MailboxStore,
  type Message,
  type OutgoingMessage,
  type Quarantined,
  type Recovered,
  type Released,
} from "@subagent-mcp/mailbox";
import { connectRedis, type Connection, type Endpoint } from "./connect.js";
import { byDelivery, claims, entries, parse, perConsumer, type Parsed } from "./entries.js";
import { redisError, RedisMailboxError } from "./errors.js";
import { ACK, BURY, CLAIM, FORGET, HOLDER, MOVE, SEND, TOUCH, UNDEAD } from "./scripts.js";
import { consumerName, deadHere } from "./consumers.js";
import { HeldClaims } from "./held.js";
import { blockUntil, Blockers } from "./wait.js";

/** Options of {@link RedisMailboxes.connect}. */
export interface RedisMailboxesOptions extends Endpoint {
  /** Key prefix (default "subagent-mcp"). */
  prefix?: string;
  /** Deliveries before a message goes to dead letters (default 3). */
  maxAttempts?: number;
  /**
   * {@link RedisMailboxes.recover} requeues claims idle this long (default 60 000 ms; 0: every claim),
   * and those of a reader on this machine whose process is gone at once. This reader's own claims are
   * kept fresh (every claimIdleMs/3) while it holds them, so a long turn is never taken from it.
   */
  claimIdleMs?: number;
  /** This reader's consumer name in each mailbox's group (default hostname:pid@start). */
  consumer?: string;
}

type Waiting = { sid: string; message: Message };
const everything = (): boolean => true;
const SCAN = 100_000;

/**
 * Mailboxes on Redis Streams, for agents on several machines. Each mailbox is a stream
 * `<prefix>:mb:<name>` with one consumer group "readers"; every entry is handed at once to the group's
 * holder consumer "~waiting", so waiting = pending for the holder, and a reader claims exactly the
 * messages it chose (XCLAIM from the holder, atomic in a script: one claim per message). Delivery
 * order is computed like Maildir's (priority, then sentAt). `<prefix>:ix:<name>` maps message ids to
 * entry ids, `<prefix>:dead:<name>` holds dead letters, `<prefix>:names` the known mailboxes. An entry
 * that is not a message (someone else's) is set aside in `<prefix>:raw:<name>` with a `note`, which
 * keeps the newest RAW_KEEP and expires a week after the last: `quarantined` lists them.
 */
export class RedisMailboxes implements MailboxStore {
  readonly #c: Connection;
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #consumer: string;
  readonly #known = new Set<string>();
  readonly #blockers = new Blockers();
  readonly #held: HeldClaims;

  private constructor(
    connection: Connection,
    private readonly options: RedisMailboxesOptions,
  ) {
    this.#c = connection;
    this.#redis = connection.redis;
    this.#prefix = options.prefix ?? "subagent-mcp";
    this.#consumer = options.consumer ?? consumerName();
    this.#held = new HeldClaims(options.claimIdleMs ?? 60_000, (name, sids) => this.#script(TOUCH, [this.#key("mb", name)], this.#consumer, ...sids));
    if (this.#consumer === HOLDER) throw new RedisMailboxError("BAD_URL", `consumer name ${HOLDER} is reserved`);
  }

  /** Connects and PINGs: a bad URL, wrong credentials or a server that is down reject here, each with its own code. */
  static async connect(options: RedisMailboxesOptions): Promise<RedisMailboxes> {
    return new RedisMailboxes(await connectRedis(options), options);
  }

  #key = (kind: "mb" | "ix" | "dead" | "raw", name: string): string => `${this.#prefix}:${kind}:${name}`;

  // Every command goes through here, so that client failures reject as RedisMailboxErrors.
  async #call(command: string, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await this.#redis.call(command, ...args);
    } catch (error) {
      // A stream or group gone (a server that lost its data): made again on the next call.
      if (error instanceof Error && error.message.includes("NOGROUP")) this.#known.clear();
      throw redisError(error, this.#c.where, this.#c.secret);
    }
  }

  #script = (lua: string, keys: string[], ...args: (string | number)[]): Promise<unknown> => this.#call("EVAL", lua, keys.length, ...keys, ...args);

  /** A mailbox exists once anyone reads or is sent to it: its name in the set, its stream and group made. */
  async #ensure(name: string): Promise<string> {
    const key = this.#key("mb", safeName(name));
    if (this.#known.has(name)) return key;
    await this.#call("SADD", `${this.#prefix}:names`, name);
    await this.#script(`redis.pcall('XGROUP', 'CREATE', KEYS[1], 'readers', '0', 'MKSTREAM')`, [key]);
    this.#known.add(name);
    return key;
  }

  async send(input: OutgoingMessage): Promise<Message> {
    safeName(input.from, "sender name");
    if (input.to !== BROADCAST) safeName(input.to, "recipient name");
    const sentAt = Date.now();
    const id = `${sentAt.toString(36).padStart(9, "0")}-${randomBytes(5).toString("hex")}`;
    const message = MessageSchema.parse({
      ...input,
      id,
      sentAt,
      attempts: 0,
      threadId: input.threadId ?? id,
      ...(input.to === BROADCAST ? { broadcast: true } : {}),
    });
    const bytes = Buffer.byteLength(JSON.stringify(message));
    if (bytes > MAX_MESSAGE_BYTES)
      throw new MailboxError(
        "MESSAGE_TOO_LARGE",
        `message too large: ${bytes} bytes encoded (limit ${MAX_MESSAGE_BYTES}); send the path of a file instead of its contents`,
      );
    const to = input.to === BROADCAST ? (await this.names()).filter((n) => n !== input.from) : [input.to];
    const args = (name: string): [string, string[], string, string, string] => [
      SEND,
      [this.#key("mb", name), this.#key("ix", name), `${this.#prefix}:names`],
      JSON.stringify({ ...message, to: name }),
      id,
      name,
    ];
    if (to.length === 1 && input.to !== BROADCAST) await this.#script(...args(input.to));
    else if (to.length > 0) {
      // All copies of a broadcast or none: one transaction.
      const tx = this.#redis.multi();
      for (const name of to) {
        const [lua, keys, ...rest] = args(name);
        tx.call("EVAL", lua, keys.length, ...keys, ...rest);
      }
      const done = await tx.exec().catch((error: unknown) => {
        throw redisError(error, this.#c.where, this.#c.secret);
      });
      const failed = (done ?? []).find(([error]) => error !== null);
      if (done === null || failed !== undefined) throw redisError(failed?.[0] ?? new Error("broadcast not confirmed"), this.#c.where, this.#c.secret);
    }
    return message;
  }

  /** The waiting messages of a mailbox; entries that are not messages go to dead letters on the way. */
  async #waiting(name: string): Promise<Waiting[]> {
    const key = await this.#ensure(name);
    // Entries something else added straight to the stream are handed to the holder too, so that they are looked at (and set aside).
    await this.#call("XREADGROUP", "GROUP", "readers", HOLDER, "STREAMS", key, ">");
    const [held, all] = await Promise.all([this.#call("XPENDING", key, "readers", "-", "+", SCAN, HOLDER), this.#call("XRANGE", key, "-", "+")]);
    const waiting = new Set(claims(held).map((c) => c.sid));
    const parsed = entries(all)
      .filter((e) => waiting.has(e.sid))
      .map(parse);
    await this.#bury(name, parsed);
    return parsed.filter((p): p is Waiting => "message" in p).sort(byDelivery);
  }

  async #bury(name: string, parsed: Parsed[]): Promise<void> {
    for (const p of parsed) if ("problem" in p) await this.#script(BURY, [this.#key("mb", name), this.#key("raw", name)], p.sid, p.raw, p.problem);
  }

  async receive(name: string, limit = 10, only: (message: Message) => boolean = everything): Promise<Message[]> {
    const chosen = (await this.#waiting(name)).filter((w) => only(w.message));
    if (chosen.length === 0 || limit <= 0) return [];
    const got = new Set((await this.#script(CLAIM, [this.#key("mb", name)], this.#consumer, limit, ...chosen.map((w) => w.sid))) as string[]);
    const taken = chosen.filter((w) => got.has(w.sid));
    this.#held.hold(
      name,
      taken.map((w) => ({ sid: w.sid, id: w.message.id })),
    );
    return taken.map((w) => w.message);
  }

  async ack(name: string, id: string): Promise<void> {
    await this.#script(ACK, [await this.#ensure(name), this.#key("ix", name)], safeName(id, "message id"));
    this.#held.letGo(name, id);
  }

  /** Moves a message to the mailbox (or dead letters) as a new entry; false if it was not there any more. */
  async #move(name: string, sid: string, message: Message, from: "claim" | "dead", to: "box" | "dead"): Promise<boolean> {
    const keys = [this.#key(from === "claim" ? "mb" : "dead", name), this.#key("ix", name), this.#key(to === "box" ? "mb" : "dead", name)];
    const args = [message.id, sid, JSON.stringify(message), from === "claim" ? "1" : "0", to === "box" ? "1" : "0"];
    return (await this.#script(MOVE, keys, ...args)) !== null;
  }

  /** A claimed entry back to the mailbox with one more attempt (or not), or to dead letters at the limit. */
  async #release(name: string, sid: string, message: Message, count: boolean): Promise<Released | undefined> {
    this.#held.letGo(name, message.id);
    const next = { ...message, attempts: message.attempts + (count ? 1 : 0) };
    const dead = next.attempts >= (this.options.maxAttempts ?? 3);
    return (await this.#move(name, sid, next, "claim", dead ? "dead" : "box")) ? (dead ? "dead" : "requeued") : undefined;
  }

  async release(name: string, id: string, options: { count?: boolean } = {}): Promise<Released> {
    const key = await this.#ensure(name);
    const sid = (await this.#call("HGET", this.#key("ix", name), safeName(id, "message id"))) as string | null;
    const [entry] = sid === null ? [] : entries(await this.#call("XRANGE", key, sid, sid));
    const parsed = entry === undefined ? undefined : parse(entry);
    if (parsed !== undefined && "problem" in parsed) {
      await this.#bury(name, [parsed]);
      return "dead";
    }
    const released = parsed === undefined ? undefined : await this.#release(name, parsed.sid, parsed.message, options.count !== false);
    if (released === undefined) throw new MailboxError("NOT_CLAIMED", `message ${id} is not claimed in ${name}'s mailbox`);
    return released;
  }

  async recover(name: string): Promise<Recovered> {
    const key = await this.#ensure(name);
    const idle = this.options.claimIdleMs ?? 60_000;
    // Idle claims, and at once those of a reader on this machine whose process has ended (a worker killed and restarted).
    const claimed = claims(await this.#call("XPENDING", key, "readers", "-", "+", SCAN)).filter((c) => c.consumer !== HOLDER);
    const stale = new Set(claims(await this.#call("XPENDING", key, "readers", "IDLE", idle, "-", "+", SCAN)).map((c) => c.sid));
    const held = claimed.filter((c) => stale.has(c.sid) || deadHere(c.consumer));
    const out: Recovered = { requeued: 0, dead: [], quarantined: 0 };
    if (held.length === 0) return out;
    const all = new Map(entries(await this.#call("XRANGE", key, "-", "+")).map((e) => [e.sid, parse(e)]));
    for (const { sid } of held) {
      const parsed = all.get(sid);
      if (parsed === undefined) continue;
      if ("problem" in parsed) {
        await this.#bury(name, [parsed]);
        out.quarantined++;
        continue;
      }
      const released = await this.#release(name, sid, parsed.message, true);
      if (released === "dead") out.dead.push({ ...parsed.message, attempts: parsed.message.attempts + 1 });
      else if (released === "requeued") out.requeued++;
    }
    return out;
  }

  async wait(name: string, timeoutMs: number, signal?: AbortSignal, only: (message: Message) => boolean = everything): Promise<boolean> {
    if (signal?.aborted === true) return false;
    const key = await this.#ensure(name);
    const [last] = entries(await this.#call("XREVRANGE", key, "+", "-", "COUNT", 1));
    const has = async (): Promise<boolean> => (await this.#waiting(name)).some((w) => only(w.message));
    if (await has()) return true;
    return blockUntil({
      main: this.#redis,
      blockers: this.#blockers,
      key,
      after: last?.sid ?? "0-0",
      timeoutMs,
      signal,
      has,
      fail: (e) => redisError(e, this.#c.where, this.#c.secret),
    });
  }

  async peek(name: string): Promise<Message[]> {
    return (await this.#waiting(name)).map((w) => w.message);
  }

  async #counts(name: string): Promise<{ waiting: number; claimed: number }> {
    const counts = perConsumer(await this.#call("XPENDING", await this.#ensure(name), "readers"));
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    return { waiting: counts.get(HOLDER) ?? 0, claimed: total - (counts.get(HOLDER) ?? 0) };
  }

  async pending(name: string): Promise<number> {
    return (await this.#counts(name)).waiting;
  }

  async claimed(name: string): Promise<number> {
    return (await this.#counts(name)).claimed;
  }

  async #dead(name: string): Promise<Waiting[]> {
    await this.#ensure(name);
    const parsed = entries(await this.#call("XRANGE", this.#key("dead", name), "-", "+")).map(parse);
    // Dead letters that are not messages (buried there by an earlier version) move to the bounded set-aside stream.
    for (const p of parsed) if ("problem" in p) await this.#script(UNDEAD, [this.#key("dead", name), this.#key("raw", name)], p.sid, p.raw, p.problem);
    return parsed.filter((p): p is Waiting => "message" in p);
  }

  async dead(name: string): Promise<Message[]> {
    return (await this.#dead(name)).map((d) => d.message);
  }

  async revive(name: string, id?: string): Promise<number> {
    if (id !== undefined) safeName(id, "message id");
    let revived = 0;
    for (const d of await this.#dead(name)) {
      if (id !== undefined && d.message.id !== id) continue;
      if (await this.#move(name, d.sid, { ...d.message, attempts: 0 }, "dead", "box")) revived++;
    }
    return revived;
  }

  /** The entries set aside for not being messages, oldest first: at most RAW_KEEP, gone a week after the last one. */
  async quarantined(name: string): Promise<Quarantined[]> {
    const reply = (await this.#call("XRANGE", this.#key("raw", safeName(name)), "-", "+")) as [string, string[]][] | null;
    return (reply ?? []).map(([sid, fields]) => {
      const field = (f: string): string | undefined => {
        const at = fields.indexOf(f);
        return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
      };
      const from = field("from");
      return {
        file: sid,
        reason: field("note") ?? "not a message",
        ...(from === "new" || from === "dead" ? { from } : {}),
        at: new Date(Number(sid.split("-")[0])).toISOString(),
      };
    });
  }

  async names(): Promise<string[]> {
    return ((await this.#call("SMEMBERS", `${this.#prefix}:names`)) as string[]).sort();
  }

  async forget(name: string): Promise<boolean> {
    const keys = [this.#key("mb", safeName(name)), this.#key("ix", name), this.#key("dead", name), `${this.#prefix}:names`, this.#key("raw", name)];
    const gone = (await this.#script(FORGET, keys, name)) === 1;
    if (gone) this.#known.delete(name);
    return gone;
  }

  async close(): Promise<void> {
    this.#held.close();
    this.#blockers.close();
    await this.#redis.quit().catch(() => undefined);
  }
}
