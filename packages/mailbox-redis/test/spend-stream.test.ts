import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import { SpendStream, type SpendStreamOptions } from "../src/index.js";

interface Turn {
  at: string;
  provider: string;
}

let server: RedisServer;
const open: SpendStream<Turn>[] = [];
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  for (const stream of open) await stream.close();
  await server.stop();
});

const fresh = (): string => `t${randomBytes(6).toString("hex")}`;
const parse = (json: string): Turn | undefined => {
  const value = JSON.parse(json) as Partial<Turn>;
  return typeof value.provider === "string" && typeof value.at === "string" ? (value as Turn) : undefined;
};
const turn = (provider: string): Turn => ({ at: new Date().toISOString(), provider });

function stream(prefix: string, machine: string, extra: Partial<SpendStreamOptions<Turn>> = {}): SpendStream<Turn> {
  const s = SpendStream.open<Turn>({ url: server.url, prefix, machine, parse, follow: true, say: () => undefined, ...extra });
  open.push(s);
  return s;
}

// Until the condition holds; the limit only bounds a failing test.
async function until(done: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${limitMs} ms`);
    await delay(10);
  }
}

describe("the fleet's spend stream", () => {
  it("shows each machine the others' turns, never its own (its local ledger counts those)", async () => {
    const prefix = fresh();
    const a = stream(prefix, "host-a /state");
    const b = stream(prefix, "host-b /state");
    await Promise.all([a.ready(), b.ready()]);
    a.record(turn("claude"));
    a.record(turn("claude"));
    b.record(turn("codex"));
    await until(() => b.entries().length === 2 && a.entries().length === 1);
    expect(b.entries().map((t) => t.provider)).toEqual(["claude", "claude"]);
    expect(a.entries().map((t) => t.provider)).toEqual(["codex"]);
    // A third machine started later reads what was added before it, and the one-off read agrees.
    const c = stream(prefix, "host-c /state");
    await c.ready(20_000);
    expect(c.entries()).toHaveLength(3);
    expect(await SpendStream.read<Turn>({ url: server.url, prefix, machine: "host-a /state", parse })).toHaveLength(1);
    // The stream's key expires with its last week, renewed by each add.
    const raw = new Redis(server.url);
    const ttl = await raw.pttl(`${prefix}:spend`);
    await raw.quit();
    expect(ttl).toBeGreaterThan(7 * 24 * 3600_000);
  });

  it("queues a machine's turns while Redis is down, says so once, and adds them when it is back", async () => {
    const prefix = fresh();
    const said: string[] = [];
    const a = stream(prefix, "host-a /state", { say: (line) => said.push(line) });
    const b = stream(prefix, "host-b /state");
    await Promise.all([a.ready(), b.ready()]);
    await server.down();
    try {
      a.record(turn("claude"));
      a.record(turn("claude"));
      await until(() => said.length > 0);
      expect(a.queued).toBe(2);
      expect(b.entries()).toEqual([]);
    } finally {
      await server.up();
    }
    await until(() => b.entries().length === 2);
    expect(a.queued).toBe(0);
    expect(said.filter((line) => line.includes("unreachable"))).toHaveLength(1);
    expect(said.at(-1)).toContain("is back");
  });

  it("does not hold a launch up when Redis cannot be reached at start", async () => {
    const s = SpendStream.open<Turn>({ url: "redis://127.0.0.1:1", machine: "m", parse, follow: true, say: () => undefined });
    open.push(s);
    await s.ready(60_000);
    expect(s.entries()).toEqual([]);
    s.record(turn("claude"));
    expect(s.queued).toBe(1);
  });
});
