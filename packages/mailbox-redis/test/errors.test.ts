import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "@subagent-mcp/testkit";
import { RedisMailboxes } from "../src/index.js";

const note = { from: "a", to: "b", body: "x", priority: "normal" as const };

describe("Redis connection errors", () => {
  it("a bad URL is BAD_URL", async () => {
    await expect(RedisMailboxes.connect({ url: "not a url" })).rejects.toMatchObject({ name: "RedisMailboxError", code: "BAD_URL" });
    await expect(RedisMailboxes.connect({ url: "http://127.0.0.1:6379" })).rejects.toMatchObject({ code: "BAD_URL" });
  });

  it("a wrong password is AUTH_FAILED and the password is never in the message; a server that is down is REDIS_UNREACHABLE", async () => {
    const server = await startRedisServer();
    try {
      const admin = new Redis(server.url);
      await admin.config("SET", "requirepass", "right-secret");
      admin.disconnect();
      const wrong = `redis://:wrong-secret@127.0.0.1:${server.port}`;
      const error = (await RedisMailboxes.connect({ url: wrong }).catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ code: "AUTH_FAILED" });
      expect(error.message).toContain(`127.0.0.1:${server.port}`);
      expect(error.message).not.toContain("wrong-secret");
      await expect(RedisMailboxes.connect({ url: `redis://127.0.0.1:${server.port}` })).rejects.toMatchObject({ code: "AUTH_FAILED" });
      const store = await RedisMailboxes.connect({ url: `redis://:right-secret@127.0.0.1:${server.port}` });
      expect((await store.send(note)).body).toBe("x");
      await store.close();
    } finally {
      await server.stop();
    }
    const down = (await RedisMailboxes.connect({ url: `redis://:pw-123@127.0.0.1:${server.port}` }).catch((e: unknown) => e)) as Error;
    expect(down).toMatchObject({ code: "REDIS_UNREACHABLE" });
    expect(down.message).not.toContain("pw-123");
  });

  it("a send after the server went away rejects with REDIS_UNREACHABLE, and nothing sent was lost over a restart", async () => {
    const server = await startRedisServer();
    try {
      const store = await RedisMailboxes.connect({ url: server.url });
      await store.send(note);
      await server.restart();
      const again = await RedisMailboxes.connect({ url: server.url });
      expect((await again.receive("b")).map((m) => m.body)).toEqual(["x"]);
      await again.close();
      await server.stop();
      await expect(store.send(note)).rejects.toMatchObject({ name: "RedisMailboxError", code: "REDIS_UNREACHABLE" });
      await store.close();
    } finally {
      await server.stop();
    }
  });
});
