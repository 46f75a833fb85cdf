import { randomUUID } from "node:crypto";
import type { AgentEvent, Driver } from "@subagent-mcp/core";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetClient, place, Signer, startNode, type FleetNode, type NodeInfo } from "../src/index.js";

// Placement alone, over a real redis-server: two nodes whose sessions are held open by a driver of
// the test's own (no CLI: what is measured is where launches go, not what runs them).
const KEY = "placement-test-key-0123456789ab";
let server: RedisServer;
const conns: Redis[] = [];
const nodes: FleetNode[] = [];
const started: Record<string, number> = { b: 0, c: 0 };

function holding(name: string): Driver {
  return {
    provider: "claude",
    start: (_spec, onEvent: (e: AgentEvent) => void) => {
      started[name] = (started[name] ?? 0) + 1;
      onEvent({ type: "started", sessionId: randomUUID(), model: "m" });
      const exit = (): Promise<void> => {
        onEvent({ type: "exit", code: 0, signal: null });
        return Promise.resolve();
      };
      const nothing = (): Promise<void> => Promise.resolve();
      return { pid: undefined, send: () => undefined, interrupt: nothing, reset: nothing, close: exit, kill: exit };
    },
  };
}

beforeAll(async () => {
  server = await startRedisServer();
  for (const name of ["b", "c"]) {
    const redis = (await connectRedis({ url: server.url })).redis;
    conns.push(redis);
    nodes.push(
      await startNode({
        redis,
        signer: new Signer(KEY),
        name,
        providers: { claude: { driver: holding(name), version: "test", cap: 3 } },
        ceiling: { roots: ["/tmp"] },
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  for (const n of nodes) await n.close();
  for (const c of conns) c.disconnect();
  await server.stop();
});

describe("machine: any", () => {
  it("spreads six launches at once over two nodes by their free slots", { timeout: 60_000 }, async () => {
    const redis = (await connectRedis({ url: server.url })).redis;
    const client = new FleetClient(redis, new Signer(KEY));
    try {
      const placed = await Promise.all(Array.from({ length: 6 }, () => client.driverOn("any", "claude")));
      const count = (n: string): number => placed.filter((p) => p.node === n).length;
      expect([count("b"), count("c")]).toEqual([3, 3]);
      // A seventh finds no free slot until a heartbeat says one is free again.
      await expect(client.driverOn("any", "claude")).rejects.toMatchObject({ code: "NO_SLOT" });
    } finally {
      await client.close();
      redis.disconnect();
    }
  });

  it("prefers the node with the most free slots, then the least loaded", () => {
    const node = (name: string, free: number, load: number): NodeInfo => ({
      name,
      host: "h",
      pid: 1,
      providers: [{ provider: "claude", version: "v", cap: 5, free }],
      load,
      labels: [],
      startedAt: 0,
      at: 0,
    });
    expect(place([node("b", 1, 0.1), node("c", 3, 0.9)], "any", "claude").name).toBe("c");
    expect(place([node("b", 2, 0.5), node("c", 2, 0.2)], "any", "claude").name).toBe("c");
    expect(() => place([node("b", 0, 0)], "any", "claude")).toThrow(/no live machine has a free claude slot; the live machines are b/);
    expect(() => place([node("b", 1, 0)], "b", "codex")).toThrow(/machine "b" does not run codex; it runs claude/);
  });
});
