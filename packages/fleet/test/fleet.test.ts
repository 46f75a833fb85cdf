import type { AgentEvent, Driver } from "@subagent-mcp/core";
import { driverFor } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
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
import { commandStream, FleetClient, Signer, startNode, type FleetNode } from "../src/index.js";

// Two "machines" on this host: node B lends the real pinned Claude Code (its own HOME, against its
// fake model on 127.0.0.1); orchestrator A steers it through one real redis-server.
const KEY = "fleet-test-key-0123456789abcdef";
let server: RedisServer;
let fake: FakeModelServer;
let envB: CliEnvironment;
let node: FleetNode;
let redisA: Redis;
let redisB: Redis;
let client: FleetClient;
const pidsOnB: number[] = [];
const logB: string[] = [];
const logWaiters: (() => void)[] = [];
const refusals = (): number => logB.filter((l) => l.startsWith("refused a command")).length;
/** Resolves once B has logged `n` refused commands. */
function refusedCount(n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (refusals() >= n) resolve();
      else logWaiters.push(check);
    };
    check();
  });
}

beforeAll(async () => {
  server = await startRedisServer();
  fake = await startFakeFor("claude");
  envB = await loopbackEnv("claude", fake);
  redisA = (await connectRedis({ url: server.url })).redis;
  redisB = (await connectRedis({ url: server.url })).redis;
  const real = driverFor("claude", pinnedCliOptions(envB));
  // B's own view of the processes it started, to prove none is left.
  const driver: Driver = {
    provider: "claude",
    start: (spec, onEvent) => {
      const session = real.start(spec, onEvent);
      if (session.pid !== undefined) pidsOnB.push(session.pid);
      return session;
    },
  };
  node = await startNode({
    log: (line) => {
      logB.push(line);
      for (const w of logWaiters.splice(0)) w();
    },
    redis: redisB,
    signer: new Signer(KEY),
    name: "b",
    providers: { claude: { driver, version: "test", cap: 2 } },
    ceiling: { roots: [envB.cwd], permissionMode: "default" },
  });
  client = new FleetClient(redisA, new Signer(KEY));
}, 60_000);

afterAll(async () => {
  await client.close();
  await node.close();
  redisA.disconnect();
  redisB.disconnect();
  await fake.stop();
  await envB.cleanup();
  await server.stop();
});

/** Events of one remote session, awaitable. */
function recorder() {
  const events: AgentEvent[] = [];
  const waiters: (() => void)[] = [];
  return {
    events,
    onEvent: (e: AgentEvent) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    },
    next<T extends AgentEvent["type"]>(type: T, from = 0): Promise<Extract<AgentEvent, { type: T }>> {
      return new Promise((resolve) => {
        const check = (): void => {
          const found = events.slice(from).find((e) => e.type === type);
          if (found === undefined) waiters.push(check);
          else resolve(found as Extract<AgentEvent, { type: T }>);
        };
        check();
      });
    },
  };
}

describe("a session on another machine", () => {
  it("lists the node with its providers and free slots", async () => {
    const machines = await client.machines();
    expect(machines).toMatchObject([{ name: "b", providers: [{ provider: "claude", cap: 2, free: 2 }] }]);
  });

  it("launches there, answers, takes a follow-up in the same session, and is killed with nothing left", { timeout: 120_000 }, async () => {
    const { node: where, driver } = await client.driverOn("b", "claude");
    expect(where).toBe("b");
    const r = recorder();
    const session = driver.start({ cwd: envB.cwd, permissionMode: "bypassPermissions" }, r.onEvent);
    session.send("hello from A");
    const first = await r.next("turn_end");
    expect(first.result).toContain(fake.nonce);
    expect(first.result).toContain("hello from A");
    const mark = r.events.length;
    session.send("[[history]] a follow-up");
    const second = await r.next("turn_end", mark);
    expect(second.result).toContain("hello from A");
    expect(node.running).toBe(1);
    expect(client.following).toBe(1);
    await session.kill();
    expect(r.events.at(-1)).toMatchObject({ type: "exit" });
    expect(node.running).toBe(0);
    // Ended, it is no longer followed (nor gone through by each heartbeat's check).
    expect(client.following).toBe(0);
    // No process of it is left on B.
    expect(pidsOnB.length).toBeGreaterThan(0);
    for (const pid of pidsOnB) expect(processAlive({ pid: pid })).toBe(false);
  });

  it("refuses a cwd outside the node's roots, naming them", { timeout: 60_000 }, async () => {
    const { driver } = await client.driverOn("b", "claude");
    const r = recorder();
    driver.start({ cwd: "/etc" }, r.onEvent);
    const error = await r.next("error");
    expect(error.message).toContain(`machine "b" refused the launch (REFUSED): machine "b" refuses cwd /etc`);
    await r.next("exit");
  });

  it("refuses an unsigned launch written straight into Redis, and a forged one", { timeout: 60_000 }, async () => {
    const before = node.refused;
    const launch = JSON.stringify({ kind: "launch", agent: "evil", provider: "claude", spec: { cwd: envB.cwd }, owner: "x", at: Date.now(), nonce: "n1" });
    await redisA.xadd(commandStream("b"), "*", "m", launch);
    await redisA.xadd(commandStream("b"), "*", "m", launch, "sig", "00".repeat(32));
    const forged = new Signer("another-key-0123456789abcdef").seal(JSON.parse(launch) as Record<string, unknown>);
    await redisA.xadd(commandStream("b"), "*", ...forged);
    await refusedCount(before + 3);
    expect(node.refused).toBe(before + 3);
    expect(node.running).toBe(0);
  });

  it("loses no event and no command across a Redis restart mid-turn", { timeout: 120_000 }, async () => {
    const { driver } = await client.driverOn("b", "claude");
    const r = recorder();
    const session = driver.start({ cwd: envB.cwd }, r.onEvent);
    // The turn streams its answer over 3 s; Redis restarts while it does.
    const underWay = new Promise<void>((resolve) => {
      fake.script((request) => {
        if (request.lastUserText.includes("through a restart")) resolve();
        return undefined;
      });
    });
    session.send("[[slow:3000]] through a restart");
    await underWay;
    fake.script(undefined);
    await server.restart();
    const turn = await r.next("turn_end");
    expect(turn.isError).toBe(false);
    // Every streamed piece arrived, in order: the text events add up to the result.
    const text = r.events.flatMap((e) => (e.type === "text" ? [e.delta] : [])).join("");
    expect(text).toBe(turn.result);
    expect(turn.result).toContain("through a restart");
    // A command written after the restart reaches the node: a follow-up in the same session.
    const mark = r.events.length;
    session.send("after the restart");
    expect((await r.next("turn_end", mark)).result).toContain("after the restart");
    await session.kill();
  });

  it("places a session as it starts (any), and a reset there is confirmed before the next turn goes out", { timeout: 120_000 }, async () => {
    const driver = client.driverAt("any", "claude");
    const r = recorder();
    const session = driver.start({ cwd: envB.cwd, permissionMode: "bypassPermissions" }, r.onEvent);
    // Not yet placed: the node is chosen as the session starts, and commands given meanwhile wait, in order.
    expect(session.machine).toBeUndefined();
    session.send("before the reset");
    await r.next("turn_end");
    expect(session.machine).toBe("b");
    await session.reset();
    const mark = r.events.length;
    session.send("[[history]] after the reset");
    const after = await r.next("turn_end", mark);
    expect(after.result).toContain("after the reset");
    expect(after.result).not.toContain("before the reset");
    await session.kill();
    await expect(session.reset()).rejects.toThrow("the agent has ended");
  });

  it("ends a session placed at start on an unknown machine with the reason", { timeout: 60_000 }, async () => {
    const r = recorder();
    client.driverAt("nosuch", "claude").start({ cwd: envB.cwd }, r.onEvent);
    expect((await r.next("error")).message).toBe('no live machine "nosuch"; the live machines are b');
    await r.next("exit");
  });

  it("names the live machines for an unknown one", async () => {
    await expect(client.driverOn("nosuch", "claude")).rejects.toMatchObject({
      code: "UNKNOWN_MACHINE",
      message: 'no live machine "nosuch"; the live machines are b',
    });
  });
});
