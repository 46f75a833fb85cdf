import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { consumerName } from "../src/consumers.js";
import { RedisMailboxes, type RedisMailboxesOptions } from "../src/index.js";

let server: RedisServer;
const open: RedisMailboxes[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const store of open) await store.close();
  await server.stop();
});

async function pair(options: Partial<RedisMailboxesOptions> = {}): Promise<[RedisMailboxes, RedisMailboxes]> {
  const prefix = `t${randomBytes(6).toString("hex")}`;
  const a = await RedisMailboxes.connect({ url: server.url, prefix, consumer: "host-a:1", ...options });
  const b = await RedisMailboxes.connect({ url: server.url, prefix, consumer: "host-b:2", ...options });
  open.push(a, b);
  return [a, b];
}

const prefixOf = (s: RedisMailboxes): string => (s as unknown as { options: { prefix: string } }).options.prefix;

const note = (to: string, body: string) => ({ from: "boss", to, body, priority: "normal" as const });

async function calls(command: string): Promise<number> {
  const redis = new Redis(server.url);
  const info = await redis.info("commandstats");
  redis.disconnect();
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

describe("Redis Streams mailboxes across connections", () => {
  it("two readers on two connections each claim a message once", async () => {
    const [a, b] = await pair();
    for (let i = 0; i < 20; i++) await a.send(note("w", `m${i}`));
    const got = (await Promise.all([a.receive("w", 20), b.receive("w", 20), a.receive("w", 5), b.receive("w", 5)])).flat();
    expect(got.map((m) => m.body).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    expect([await b.pending("w"), await a.claimed("w")]).toEqual([0, 20]);
  });

  it("recover takes over only claims idle for claimIdleMs", async () => {
    const prefix = `t${randomBytes(6).toString("hex")}`;
    const store = async (consumer: string, claimIdleMs?: number) => {
      const s = await RedisMailboxes.connect({ url: server.url, prefix, consumer, ...(claimIdleMs === undefined ? {} : { claimIdleMs }) });
      open.push(s);
      return s;
    };
    const [dying, patient, quick] = [await store("host-a:1"), await store("host-b:2", 60_000), await store("host-c:3", 2)];
    const sent = await dying.send(note("w", "crashes its reader"));
    expect(await dying.receive("w")).toHaveLength(1);
    const claimedAt = Date.now();
    await dying.close();
    // A claim younger than claimIdleMs is not an orphan yet.
    expect(await patient.recover("w")).toEqual({ requeued: 0, dead: [], quarantined: 0 });
    while (Date.now() < claimedAt + 5) await new Promise((resolve) => setImmediate(resolve));
    expect(await quick.recover("w")).toEqual({ requeued: 1, dead: [], quarantined: 0 });
    expect(await patient.receive("w")).toEqual([expect.objectContaining({ id: sent.id, attempts: 1 })]);
  });

  it("a live reader keeps its claims fresh: recover elsewhere takes an abandoned claim after the idle time, never the live one", async () => {
    const prefix = `t${randomBytes(6).toString("hex")}`;
    const store = async (consumer: string) => {
      const s = await RedisMailboxes.connect({ url: server.url, prefix, consumer, claimIdleMs: 300 });
      open.push(s);
      return s;
    };
    const [live, gone, other] = [await store("host-a:1"), await store("host-b:2"), await store("host-c:3")];
    const kept = await live.send(note("w", "a long turn"));
    expect(await live.receive("w")).toHaveLength(1);
    const lost = await gone.send(note("w", "its reader vanished"));
    expect(await gone.receive("w")).toHaveLength(1);
    await gone.close();
    // Recover until the vanished reader's claim has idled past 300 ms and comes back.
    let recovered = 0;
    while (recovered === 0) {
      recovered = (await other.recover("w")).requeued;
      if (recovered === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(recovered).toBe(1);
    expect((await other.peek("w")).map((m) => m.id)).toEqual([lost.id]);
    // The live reader's claim is as old, but was kept fresh: still its own, and its ack works.
    expect(await other.recover("w")).toEqual({ requeued: 0, dead: [], quarantined: 0 });
    await live.ack("w", kept.id);
    expect(await live.claimed("w")).toBe(0);
  });

  it("claims of a reader on this machine whose process ended are taken over at once", async () => {
    const { execa } = await import("execa");
    const ended = (await execa(process.execPath, ["-e", "process.stdout.write(String(process.pid))"])).stdout;
    const prefix = `t${randomBytes(6).toString("hex")}`;
    const killed = await RedisMailboxes.connect({ url: server.url, prefix, consumer: `${hostname()}:${ended}` });
    const restarted = await RedisMailboxes.connect({ url: server.url, prefix, claimIdleMs: 3_600_000 });
    open.push(killed, restarted);
    const sent = await killed.send(note("w", "mid-turn when killed"));
    expect(await killed.receive("w")).toHaveLength(1);
    expect(await restarted.recover("w")).toEqual({ requeued: 1, dead: [], quarantined: 0 });
    expect(await restarted.receive("w")).toEqual([expect.objectContaining({ id: sent.id, attempts: 1 })]);
  });

  it("a reader's name holds its process's start time: its pid given to another process since, its claims are taken over at once", async () => {
    const prefix = `t${randomBytes(6).toString("hex")}`;
    // Our parent runs, but under the name of a reader that started at another time: a reused pid.
    const reused = await RedisMailboxes.connect({ url: server.url, prefix, consumer: `${hostname()}:${process.ppid}@1` });
    const running = await RedisMailboxes.connect({ url: server.url, prefix, consumer: consumerName(process.ppid) });
    const restarted = await RedisMailboxes.connect({ url: server.url, prefix, claimIdleMs: 3_600_000 });
    open.push(reused, running, restarted);
    expect(consumerName(process.ppid)).toMatch(new RegExp(`^${hostname()}:${process.ppid}@\\d+$`));
    const lost = await reused.send(note("w", "claimed by a reader long gone"));
    expect(await reused.receive("w")).toHaveLength(1);
    await running.send(note("w", "claimed by a reader that runs"));
    expect(await running.receive("w")).toHaveLength(1);
    expect(await restarted.recover("w")).toEqual({ requeued: 1, dead: [], quarantined: 0 });
    expect(await restarted.receive("w")).toEqual([expect.objectContaining({ id: lost.id, attempts: 1 })]);
  });

  it("wait blocks on its own connection and wakes on a send from another", async () => {
    const [a, b] = await pair();
    const before = await calls("xpending");
    const woken = a.wait("w", 10_000);
    // The waiting reader is blocked in XREAD on a second connection: no polling.
    const redis = new Redis(server.url);
    while (!String(await redis.call("CLIENT", "LIST")).includes("cmd=xread")) await new Promise((resolve) => setImmediate(resolve));
    redis.disconnect();
    await b.send(note("w", "wake"));
    expect(await woken).toBe(true);
    // One look before blocking, one after the wake-up (send itself uses none from outside its script).
    expect((await calls("xpending")) - before).toBeLessThanOrEqual(4);
  });

  it("waits one after another, each ended by an abort, on one blocking connection kept between them", async () => {
    const [a, b] = await pair();
    const admin = new Redis(server.url);
    const connections = async (): Promise<number> => Number(/total_connections_received:(\d+)/.exec(await admin.info("stats"))?.[1]);
    // A client blocked in XREAD is flagged b in CLIENT LIST.
    const blocked = async (): Promise<void> => {
      while (!/ flags=b /.test(String(await admin.call("CLIENT", "LIST")))) await new Promise((resolve) => setImmediate(resolve));
    };
    try {
      expect(await a.wait("w", 50)).toBe(false);
      const before = await connections();
      for (let i = 0; i < 5; i++) {
        const abort = new AbortController();
        const waiting = a.wait("w", 30_000, abort.signal);
        await blocked();
        abort.abort();
        expect(await waiting).toBe(false);
      }
      expect((await connections()) - before).toBeLessThanOrEqual(1);
      // The kept connection still wakes on a send.
      const woken = a.wait("w", 30_000);
      await blocked();
      await b.send(note("w", "wake"));
      expect(await woken).toBe(true);
    } finally {
      admin.disconnect();
    }
  });

  it("a wait to its deadline makes no calls while it blocks", async () => {
    const [a] = await pair();
    await a.receive("w");
    const before = await calls("xpending");
    expect(await a.wait("w", 300)).toBe(false);
    expect((await calls("xpending")) - before).toBe(1);
  });

  it("an entry that is not a message is set aside with a note, never among the dead letters", async () => {
    const [a] = await pair();
    const prefix = prefixOf(a);
    await a.send(note("w", "good"));
    const redis = new Redis(server.url);
    await redis.xadd(`${prefix}:mb:w`, "*", "m", "{not json");
    await redis.xreadgroup("GROUP", "readers", "~waiting", "STREAMS", `${prefix}:mb:w`, ">");
    expect((await a.receive("w")).map((m) => m.body)).toEqual(["good"]);
    expect(await redis.xlen(`${prefix}:dead:w`)).toBe(0);
    const raw = (await redis.xrange(`${prefix}:raw:w`, "-", "+")) as [string, string[]][];
    redis.disconnect();
    expect(raw.map(([, fields]) => fields)).toEqual([["m", "{not json", "note", "not JSON", "from", "new"]]);
    expect(await a.dead("w")).toEqual([]);
    expect(await a.quarantined("w")).toEqual([expect.objectContaining({ reason: "not JSON", from: "new" })]);
  });
});
