import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxConformance, startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { Presence, RedisMailboxes } from "../src/index.js";

// The least a mailbox user needs, as README's "Mailboxes on Redis" documents it (there with ~subagent-mcp:*).
const COMMANDS =
  "+ping +info +select +quit +eval +multi +exec +xadd +xgroup|create +xreadgroup +xread +xpending +xclaim +xack +xdel +xrange +xrevrange +xlen +hset +hget +hdel +sadd +srem +smembers +del +set +get +zadd +zrange +zrem";

let server: RedisServer;
let url: string;
beforeAll(async () => {
  server = await startRedisServer();
  const admin = new Redis(server.url);
  await admin.call("ACL", "SETUSER", "mailer", "on", ">s3cret", "resetkeys", "~acl-*", "resetchannels", "-@all", ...COMMANDS.split(" "));
  admin.disconnect();
  url = server.url.replace("redis://", "redis://mailer:s3cret@");
});
afterAll(async () => {
  await server.stop();
});

// The whole suite as a user limited to those commands and to its prefix: one missing command fails a case.
mailboxConformance("Redis Streams, as an ACL user with only the documented commands", async () => ({
  store: await RedisMailboxes.connect({ url, prefix: `acl-${randomBytes(6).toString("hex")}`, maxAttempts: 3, claimIdleMs: 0 }),
  cleanup: () => Promise.resolve(),
}));

describe("the documented ACL", () => {
  it("is enough for presence and for keeping claims fresh, and keeps the user to its prefix", async () => {
    const prefix = `acl-${randomBytes(6).toString("hex")}`;
    const presence = await Presence.connect({ url, prefix });
    const registration = await presence.register({ name: "w", provider: "claude" }, { ttlMs: 3_000 });
    await registration.turn();
    expect((await presence.list()).map((e) => e.name)).toEqual(["w"]);
    await registration.stop();
    await presence.close();
    const store = await RedisMailboxes.connect({ url, prefix, claimIdleMs: 300 });
    await store.send({ from: "a", to: "w", body: "x", priority: "normal" });
    expect(await store.receive("w")).toHaveLength(1);
    expect(await store.forget("w")).toBe(false);
    await store.close();
    const outside = await RedisMailboxes.connect({ url, prefix: "elsewhere" });
    await expect(outside.send({ from: "a", to: "w", body: "x", priority: "normal" })).rejects.toMatchObject({ code: "REDIS_ERROR" });
    await outside.close();
  });
});
