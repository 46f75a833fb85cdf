import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { RedisMailboxes } from "../src/index.js";
import { RAW_KEEP } from "../src/scripts.js";

let server: RedisServer;
let redis: Redis;
const open: RedisMailboxes[] = [];
beforeAll(async () => {
  server = await startRedisServer();
  redis = new Redis(server.url);
});
afterAll(async () => {
  for (const store of open) await store.close();
  redis.disconnect();
  await server.stop();
});

describe("entries that are not our messages", () => {
  it("leave the mailbox and its dead letters, the newest few kept for a while, while every message of ours stays", async () => {
    const prefix = `t${randomBytes(6).toString("hex")}`;
    const store = await RedisMailboxes.connect({ url: server.url, prefix, consumer: "host-a:1" });
    open.push(store);
    const ours = await store.send({ from: "boss", to: "w", body: "keep me", priority: "normal" });
    // A dead letter of ours, and garbage an earlier version buried among the dead letters.
    const deadOne = { ...ours, id: "0000000001-deadbeef01", body: "dead but ours", attempts: 3 };
    await redis.xadd(`${prefix}:dead:w`, "*", "m", JSON.stringify(deadOne));
    for (let i = 0; i < 50; i++) await redis.xadd(`${prefix}:dead:w`, "*", "m", `old garbage ${i}`, "note", "not JSON");
    // Something else writing straight into the stream, and never reading it.
    for (let i = 0; i < 300; i++) await redis.xadd(`${prefix}:mb:w`, "*", "m", i % 2 === 0 ? `garbage ${i}` : JSON.stringify({ hello: i }));

    expect((await store.peek("w")).map((m) => m.body)).toEqual(["keep me"]);
    expect((await store.dead("w")).map((m) => m.body)).toEqual(["dead but ours"]);
    // Only our messages are left in the mailbox and its dead letters.
    expect(await redis.xlen(`${prefix}:mb:w`)).toBe(1);
    expect(await redis.xlen(`${prefix}:dead:w`)).toBe(1);
    // What was set aside is bounded, listed, and expires.
    const kept = await store.quarantined("w");
    expect(kept).toHaveLength(RAW_KEEP);
    expect(kept.some((k) => k.from === "new" && k.reason.startsWith("not a message"))).toBe(true);
    expect(kept.at(-1)).toMatchObject({ from: "dead", reason: "not JSON" });
    expect(await redis.xlen(`${prefix}:raw:w`)).toBe(RAW_KEEP);
    expect(await redis.pttl(`${prefix}:raw:w`)).toBeGreaterThan(0);
    // Our messages are delivered as ever.
    expect((await store.receive("w")).map((m) => m.body)).toEqual(["keep me"]);
    expect(await store.revive("w")).toBe(1);
  });
});
