import { hostname } from "node:os";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eventStream, leaseKey, nonceKey, STREAM_TTL_MS } from "../src/redis/keys.js";
import { acquireLease, LEASE_MS } from "../src/redis/lease.js";
import { claimOnce } from "../src/protocol/once.js";
import { Outbox } from "../src/redis/outbox.js";
import { OwnerWatch, type Owned } from "../src/node/node-owners.js";
import { dropSilentOwners, LOST_AFTER_MS, OWNERS, ownerBeat, ownerTimes } from "../src/redis/registry.js";
import { Signer } from "../src/protocol/sign.js";
import { startNode } from "../src/node/node.js";

// The fleet's single-use messages, node leases, signed owner records and stream bounds, over a real redis-server.
const KEY = "single-use-test-key-0123456789ab";
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  redis = (await connectRedis({ url: server.url })).redis;
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe("a signed message", () => {
  it("is bound to its recipient: opened by another, it is refused", () => {
    const fields = new Signer(KEY).seal({ kind: "send", agent: "x", text: "hi" }, "b");
    expect(() => new Signer(KEY).open(fields, "c")).toThrow('a message for "b", not for "c"');
    expect(new Signer(KEY).open(fields, "b")).toMatchObject({ to: "b", text: "hi" });
    // One sealed for no one is refused where a recipient is required.
    expect(() => new Signer(KEY).open(new Signer(KEY).seal({ kind: "x" }), "b")).toThrow("not for");
  });

  it("is acted on once across processes: a fresh signer (a restart, another node) is stopped by its nonce in Redis", async () => {
    const fields = new Signer(KEY).seal({ kind: "launch" }, "b");
    const first = new Signer(KEY).open(fields, "b");
    await claimOnce(redis, first, 60_000, "b");
    // A restarted node has no memory of it: its signer opens it, the claim refuses it.
    const again = new Signer(KEY).open(fields, "b");
    await expect(claimOnce(redis, again, 60_000, "b")).rejects.toMatchObject({ code: "BAD_SIGNATURE", message: "a message acted on before (a replay)" });
    // Its key lasts as long as the message could be accepted, no longer.
    const ttl = await redis.pttl(nonceKey(first.nonce as string));
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(120_000);
  });
});

describe("a node's lease on its name", () => {
  it("refuses a second holder while the first renews, naming its host and pid, and is free once released", async () => {
    const first = await acquireLease(redis, "lease-a");
    const renewing = setInterval(() => void first.renew(), 500);
    try {
      await expect(acquireLease(redis, "lease-a")).rejects.toMatchObject({
        code: "NAME_TAKEN",
        message: expect.stringContaining(`the machine name "lease-a" is taken: a node on ${hostname()} (pid ${process.pid})`) as string,
      });
    } finally {
      clearInterval(renewing);
    }
    await first.release();
    const second = await acquireLease(redis, "lease-a");
    // The first one's renewal now finds another holder: it must stop.
    expect(await first.renew()).toBe(false);
    expect(await second.renew()).toBe(true);
    await second.release();
  });

  it("takes over at once one left on this host by a process that is gone, and waits out one from elsewhere", async () => {
    const gone = { token: "t", host: hostname(), pid: 2 ** 22 + 1, since: 0 };
    await redis.set(leaseKey("lease-b"), JSON.stringify(gone), "PX", LEASE_MS);
    const lines: string[] = [];
    const lease = await acquireLease(redis, "lease-b", (l) => lines.push(l));
    expect(lines).toEqual([`took over the name from a previous run here (pid ${gone.pid}) that is gone`]);
    await lease.release();
    // Elsewhere and not renewed: taken once it expires.
    await redis.set(leaseKey("lease-b"), JSON.stringify({ ...gone, host: "elsewhere" }), "PX", 300);
    const later = await acquireLease(redis, "lease-b", (l) => lines.push(l));
    expect(lines[1]).toContain("the name is held by a node on elsewhere");
    expect(await later.renew()).toBe(true);
    await later.release();
  });

  it("stops a running node once another process took its name, saying who", async () => {
    const node = await startNode({ redis, signer: new Signer(KEY), name: "lease-d", providers: {}, ceiling: { roots: [] } });
    await redis.set(leaseKey("lease-d"), JSON.stringify({ token: "x", host: "elsewhere", pid: 7, since: 0 }), "PX", LEASE_MS);
    expect(await node.done).toMatch(/^another node now holds the name "lease-d" \(a node on elsewhere \(pid 7\)/);
  });

  it("is taken again by its holder's renewal when Redis lost it", async () => {
    const lease = await acquireLease(redis, "lease-c");
    await redis.del(leaseKey("lease-c"));
    expect(await lease.renew()).toBe(true);
    expect(await redis.pttl(leaseKey("lease-c"))).toBeGreaterThan(0);
    await lease.release();
    expect(await redis.exists(leaseKey("lease-c"))).toBe(0);
  });
});

describe("an orchestrator's heartbeat", () => {
  it("counts only when signed under the fleet key and bound to its own id", async () => {
    const signer = new Signer(KEY);
    await ownerBeat(redis, signer, "orch-good");
    const good = await redis.hget(OWNERS, "orch-good");
    // Copied to another id, written unsigned, forged with another key: none is a heartbeat.
    await redis.hset(OWNERS, "orch-copy", good as string, "orch-plain", String(Date.now()));
    const [, m, , sig] = new Signer("another-key-0123456789abcdef").seal({ owner: "orch-forged" }, "orch-forged");
    await redis.hset(OWNERS, "orch-forged", JSON.stringify({ m, sig }));
    const times = await ownerTimes(redis, signer);
    expect([...times.keys()]).toEqual(["orch-good"]);
    // Its time is the one it signed: written again later (a replay), the record is no fresher.
    const at = times.get("orch-good") as number;
    await ownerBeat(redis, signer, "orch-good");
    const fresh = (await ownerTimes(redis, signer)).get("orch-good") as number;
    expect(fresh).toBeGreaterThanOrEqual(at);
    await redis.hset(OWNERS, "orch-good", good as string);
    expect((await ownerTimes(redis, signer)).get("orch-good")).toBe(at);
  });

  it("is read by a node's sweep only for the owners of its agents, however many orchestrators the fleet has", async () => {
    const signer = new Signer(KEY);
    const calls = async (command: string): Promise<number> =>
      Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await redis.info("commandstats"))?.[1] ?? 0);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const t0 = Date.now();
      for (let i = 0; i < 50; i++) await ownerBeat(redis, signer, `orch-other-${String(i)}`);
      await ownerBeat(redis, signer, "orch-here");
      const watch = new OwnerWatch(redis, signer, () => undefined);
      const owned = (owner: string): Owned => ({ owner, outlive: true, record: { busy: true }, ready: Promise.resolve(), session: undefined });
      const hosted = new Map([
        ["a1", owned("orch-here")],
        ["a2", owned("orch-silent")],
      ]);
      const hgetall = await calls("hgetall");
      // After a full window of the connection being up: an owner first seen now has its grace from now.
      vi.setSystemTime(t0 + LOST_AFTER_MS + 1);
      await ownerBeat(redis, signer, "orch-here");
      expect([...(await watch.sweep(hosted))]).toEqual([]);
      vi.setSystemTime(t0 + 2 * LOST_AFTER_MS + 2);
      await ownerBeat(redis, signer, "orch-here");
      expect([...(await watch.sweep(hosted))]).toEqual(["orch-silent"]);
      expect((await calls("hgetall")) - hgetall).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("is removed once silent past the streams' life, as is one that does not verify", async () => {
    const signer = new Signer(KEY);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const t0 = Date.now();
      vi.setSystemTime(t0 - 60_000);
      await ownerBeat(redis, signer, "orch-old");
      vi.setSystemTime(t0);
      await ownerBeat(redis, signer, "orch-fresh");
      await redis.hset(OWNERS, "orch-junk", "not a heartbeat");
      await dropSilentOwners(redis, signer, 30_000);
      const left = await redis.hkeys(OWNERS);
      expect(left).toContain("orch-fresh");
      expect(left).not.toContain("orch-old");
      expect(left).not.toContain("orch-junk");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("what the fleet leaves in Redis", () => {
  it("gives each stream it writes a TTL", async () => {
    const outbox = new Outbox(redis);
    outbox.add(eventStream("orch-ttl"), new Signer(KEY).seal({ kind: "x" }, "orch-ttl"));
    await outbox.drained();
    const ttl = await redis.pttl(eventStream("orch-ttl"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(STREAM_TTL_MS);
  });

  it("writes a burst of entries in a few transactions, each stream's entries in order and with its TTL", async () => {
    const calls = async (command: string): Promise<number> =>
      Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(await redis.info("commandstats"))?.[1] ?? 0);
    const [multi0, xadd0] = [await calls("multi"), await calls("xadd")];
    const outbox = new Outbox(redis);
    const streams = [eventStream("orch-burst-a"), eventStream("orch-burst-b")];
    for (let i = 0; i < 100; i++) outbox.add(streams[i % 2] as string, ["n", String(i)]);
    await outbox.drained();
    expect((await calls("xadd")) - xadd0).toBe(100);
    // The first entry goes at once; what queued behind it goes together.
    expect((await calls("multi")) - multi0).toBeLessThanOrEqual(3);
    for (const [k, stream] of streams.entries()) {
      const ns = (await redis.xrange(stream, "-", "+")).map(([, fields]) => Number(fields[1]));
      expect(ns).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + k));
      expect(await redis.pttl(stream)).toBeGreaterThan(0);
    }
  });
});
