import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { mailboxConformance, startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { RedisMailboxes } from "../src/index.js";

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server.stop();
});

// Each test gets a key prefix of its own on the one server; claims count as orphaned at once (a takeover).
mailboxConformance("Redis Streams", async () => ({
  store: await RedisMailboxes.connect({ url: server.url, prefix: `t${randomBytes(6).toString("hex")}`, maxAttempts: 3, claimIdleMs: 0 }),
  cleanup: () => Promise.resolve(),
}));
