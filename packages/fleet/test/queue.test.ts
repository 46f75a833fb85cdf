import type { AgentEvent } from "@subagent-mcp/core";
import { driverFor } from "@subagent-mcp/drivers";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import {
  loopbackEnv,
  pinnedCliOptions,
  startFakeFor,
  startRedisServer,
  type CliEnvironment,
  type FakeModelServer,
  type RedisServer,
} from "@subagent-mcp/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FleetClient, Signer, startNode, type FleetNode } from "../src/index.js";

// A full node: one Claude Code slot (the real pinned CLI against a fake model on 127.0.0.1); a
// second launch waits on the node for it instead of being refused.
const KEY = "queue-test-key-0123456789abcdef";
let server: RedisServer;
let fake: FakeModelServer;
let env: CliEnvironment;
let node: FleetNode;
let client: FleetClient;
const conns: Redis[] = [];
const logs: string[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  fake = await startFakeFor("claude");
  env = await loopbackEnv("claude", fake);
  for (let i = 0; i < 2; i++) conns.push((await connectRedis({ url: server.url })).redis);
  node = await startNode({
    redis: conns[0] as Redis,
    signer: new Signer(KEY),
    name: "full",
    providers: { claude: { driver: driverFor("claude", pinnedCliOptions(env)), version: "test", cap: 1 } },
    ceiling: { roots: [env.cwd] },
    log: (line) => logs.push(line),
  });
  client = new FleetClient(conns[1] as Redis, new Signer(KEY));
}, 60_000);

afterAll(async () => {
  await client.close();
  await node.close();
  for (const c of conns) c.disconnect();
  await fake.stop();
  await env.cleanup();
  await server.stop();
});

function recorder() {
  const events: AgentEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    events,
    onEvent: (e: AgentEvent) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    next<T extends AgentEvent["type"]>(type: T): Promise<Extract<AgentEvent, { type: T }>> {
      return new Promise((resolve) => {
        const check = (): void => {
          const found = events.find((e) => e.type === type);
          if (found === undefined) waiters.push(check);
          else resolve(found as Extract<AgentEvent, { type: T }>);
        };
        check();
      });
    },
  };
}

const until = (check: () => boolean): Promise<void> =>
  new Promise((resolve) => {
    const poll = (): void => {
      if (check()) resolve();
      else setTimeout(poll, 50);
    };
    poll();
  });

const logged = (text: string): Promise<void> =>
  new Promise((resolve) => {
    const check = (): void => {
      if (logs.some((l) => l.includes(text))) resolve();
      else setTimeout(check, 50);
    };
    check();
  });

describe("a launch on a full node", () => {
  it("waits in the node's queue, its send kept, and runs once the slot frees", { timeout: 120_000 }, async () => {
    const { driver } = await client.driverOn("full", "claude");
    const first = recorder();
    const holder = driver.start({ cwd: env.cwd }, first.onEvent);
    holder.send("the first one");
    await first.next("turn_end");
    const second = recorder();
    const waiting = driver.start({ cwd: env.cwd }, second.onEvent);
    waiting.send("the queued one");
    await logged("queued for a claude slot (1 waiting)");
    // Its session says it waits there, and where in line: its agent is queued, not stalled.
    expect(await second.next("queued")).toEqual({ type: "queued", position: 1 });
    expect(fake.requests.some((r) => r.lastUserText.includes("the queued one"))).toBe(false);
    expect(node.running).toBe(1);
    // The slot frees: the queued launch starts (admitted), and its send (kept meanwhile) is its first turn.
    await holder.kill();
    const turn = await second.next("turn_end");
    expect(turn.result).toContain("the queued one");
    expect(second.events.some((e) => e.type === "error")).toBe(false);
    expect(second.events.findIndex((e) => e.type === "admitted")).toBeGreaterThan(second.events.findIndex((e) => e.type === "queued"));
    expect(second.events.findIndex((e) => e.type === "admitted")).toBeLessThan(second.events.findIndex((e) => e.type === "turn_end"));
    // A queued launch closed before its turn never runs: it ends there.
    const third = recorder();
    const thirdSession = driver.start({ cwd: env.cwd }, third.onEvent);
    thirdSession.send("waits behind the second");
    await logged("queued for a claude slot (1 waiting)");
    const before = logs.length;
    const fourth = recorder();
    const closed = driver.start({ cwd: env.cwd }, fourth.onEvent);
    closed.send("closed while queued");
    await logged("queued for a claude slot (2 waiting)");
    expect(await fourth.next("queued")).toEqual({ type: "queued", position: 2 });
    // Another one behind it moves up when the one before it leaves the line.
    const fifth = recorder();
    driver.start({ cwd: env.cwd }, fifth.onEvent).send("moves up");
    await logged("queued for a claude slot (3 waiting)");
    await closed.close();
    await fourth.next("exit");
    await until(() => fifth.events.some((e) => e.type === "queued" && e.position === 2));
    expect(logs.slice(before).some((l) => l.includes("taken out of the queue (close)"))).toBe(true);
    await waiting.kill();
    expect((await third.next("turn_end")).result).toContain("waits behind the second");
    expect(fake.requests.some((r) => r.lastUserText.includes("closed while queued"))).toBe(false);
    // The third runs: the fifth is next, and starts once the third ends.
    await until(() => fifth.events.some((e) => e.type === "queued" && e.position === 1));
    await thirdSession.kill();
    expect((await fifth.next("turn_end")).result).toContain("moves up");
    expect(fifth.events.some((e) => e.type === "admitted")).toBe(true);
  });
});
