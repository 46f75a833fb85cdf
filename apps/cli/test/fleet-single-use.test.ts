import { mkdirSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { AgentEvent } from "@subagent-mcp/core";
import { commandStream, eventStream, FleetClient, HEARTBEAT_MS, leaseKey, LOST_AFTER_MS, OWNERS, Signer, STREAM_TTL_MS } from "@subagent-mcp/fleet";
import { connectRedis, type Connection } from "@subagent-mcp/mailbox-redis";
import { cliExecutable, loopbackEnv, startFakeFor, startRedisServer, type CliEnvironment, type FakeModelServer, type RedisServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin } from "./e2e.js";
import { until } from "./redis-machines.js";

// Real `subagent-mcp node` processes (b and c, each its own HOME, lending the pinned Claude Code
// against one fake model on 127.0.0.1) on one real redis-server; the orchestrators are FleetClients
// of the test's own, which can also write to the Redis as an attacker would.
const KEY = "fleet-single-use-key-0123456789abcdef";
let redis: RedisServer;
let fake: FakeModelServer;
let conn: Connection["redis"];
let client: FleetClient;
const envs: Record<string, CliEnvironment> = {};
const nodes: Record<string, { proc: ResultPromise; stderr: () => string }> = {};

/** Starts `subagent-mcp node --name NAME` in `env`; resolves once it lends its CLIs, or with its exit if it ended first. */
async function startNode(name: string, env: CliEnvironment): Promise<{ proc: ResultPromise; stderr: () => string; exited?: number }> {
  const config = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "config.json"), JSON.stringify({ fleet: { roots: [env.cwd] }, caps: { claude: 2 } }));
  writeFileSync(join(config, "fleet.key"), `${KEY}\n`, { mode: 0o600 });
  const proc = execa(process.execPath, [bin, "node", "--name", name], {
    cwd: env.cwd,
    env: { ...env.env, SUBAGENT_MCP_MAILBOX_URL: redis.url, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") },
    extendEnv: false,
    reject: false,
  });
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = await until(`node ${name} to lend its CLIs`, () => {
    if (stderr.includes("lending")) return -1;
    return proc.exitCode ?? undefined;
  });
  return { proc, stderr: () => stderr, ...(exited === -1 ? {} : { exited }) };
}

async function restartNode(name: string): Promise<void> {
  nodes[name]?.proc.kill("SIGTERM");
  await nodes[name]?.proc;
  nodes[name] = await startNode(name, envs[name] as CliEnvironment);
}

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

const requestsWith = (marker: string): number => fake.requests.filter((r) => r.lastUserText.includes(marker)).length;
const refusals = (name: string): string[] => (nodes[name]?.stderr() ?? "").split("\n").filter((l) => l.includes("refused a command"));

/** Resolves once the model has the turn whose prompt holds `text`. */
async function turnUnderWay(text: string): Promise<void> {
  await until(`the turn "${text}" to reach the model`, () => (requestsWith(text) > 0 ? true : undefined));
}

/** Node `name`'s heartbeat as the fleet sees it. */
async function heartbeat(name: string): Promise<{ at: number; startedAt: number }> {
  const nodes = await client.machines();
  const found = nodes.find((n) => n.name === name);
  if (found === undefined) throw new Error(`node ${name} is not live`);
  return found;
}

beforeAll(async () => {
  redis = await startRedisServer();
  fake = await startFakeFor("claude");
  for (const name of ["b", "c"]) envs[name] = await loopbackEnv("claude", fake);
  for (const name of ["b", "c"]) nodes[name] = await startNode(name, envs[name] as CliEnvironment);
  conn = (await connectRedis({ url: redis.url })).redis;
  client = new FleetClient(conn, new Signer(KEY));
}, 120_000);

afterAll(async () => {
  await client.close();
  conn.disconnect();
  for (const node of Object.values(nodes)) {
    node.proc.kill("SIGTERM");
    await node.proc;
  }
  await fake.stop();
  for (const env of Object.values(envs)) await env.cleanup();
  await redis.stop();
});

describe("a node's name", () => {
  it("is held by one process: a second node with the same name refuses to start, naming the live one", { timeout: 60_000 }, async () => {
    envs.b2 = await loopbackEnv("claude", fake);
    const second = await startNode("b", envs.b2);
    expect(second.exited).toBe(1);
    // One line naming the live one, no stack.
    expect(second.stderr()).toMatch(
      new RegExp(
        `^subagent-mcp: node b: the machine name "b" is taken: a node on ${hostname()} \\(pid ${String(nodes.b?.proc.pid)}\\) running since [^\\n]+; stop that node, or give this one another --name\\n$`,
        "m",
      ),
    );
    expect(second.stderr()).not.toMatch(/^\s+at /m);
    // The first one goes on, alone.
    expect(nodes.b?.proc.exitCode).toBeNull();
    expect(JSON.parse((await conn.get(leaseKey("b"))) as string)).toMatchObject({ pid: nodes.b?.proc.pid });
  });
});

describe("a signed launch and its send", () => {
  it("replayed after the node restarted, and onto another node's stream, never run again", { timeout: 180_000 }, async () => {
    const marker = "replay-me-once";
    const { driver } = await client.driverOn("b", "claude");
    const r = recorder();
    const session = driver.start({ cwd: envs.b?.cwd as string }, r.onEvent);
    session.send(`${marker} hello`);
    expect((await r.next("turn_end")).result).toContain(marker);
    await session.kill();
    // What an attacker with the Redis captured: the launch and the send of that agent, as written.
    const all = await conn.xrange(commandStream("b"), "-", "+");
    const bodies = all.map(([, fields]) => ({ fields, body: JSON.parse(fields[1] as string) as { kind: string; agent: string; text?: string } }));
    const agent = bodies.find((b) => b.body.text?.includes(marker) === true)?.body.agent;
    const captured = bodies.filter((b) => b.body.agent === agent && (b.body.kind === "launch" || b.body.kind === "send")).map((b) => b.fields);
    expect(captured).toHaveLength(2);
    expect(requestsWith(marker)).toBe(1);

    // The node restarted (its memory of nonces is gone), then the same entries are written again.
    await restartNode("b");
    for (const fields of captured) await conn.xadd(commandStream("b"), "*", ...fields);
    await until("b to refuse both", () => (refusals("b").length >= 2 ? true : undefined));
    expect(refusals("b")).toEqual([expect.stringContaining("a message acted on before (a replay)"), expect.stringContaining("a replay")]);
    // Copied onto c's stream: bound to b, refused there.
    for (const fields of captured) await conn.xadd(commandStream("c"), "*", ...fields);
    await until("c to refuse both", () => (refusals("c").length >= 2 ? true : undefined));
    expect(refusals("c")[0]).toContain('a message for "b", not for "c"');
    // No CLI was started again: the model saw the prompt once.
    expect(requestsWith(marker)).toBe(1);
    expect(nodes.b?.stderr()).not.toContain(`${String(agent)}: claude`);
    expect(nodes.c?.stderr()).not.toContain(`${String(agent)}: claude`);
  });
});

describe("what the fleet leaves in Redis", () => {
  it("gives event streams, command streams, nonces and leases a TTL, and deletes an orchestrator's events when it leaves", { timeout: 120_000 }, async () => {
    const own = await connectRedis({ url: redis.url });
    const brief = new FleetClient(own.redis, new Signer(KEY));
    const { driver } = await brief.driverOn("c", "claude");
    const r = recorder();
    const session = driver.start({ cwd: envs.c?.cwd as string }, r.onEvent);
    session.send("a short visit");
    await r.next("turn_end");
    const events = await conn.pttl(eventStream(brief.owner));
    expect(events).toBeGreaterThan(0);
    expect(events).toBeLessThanOrEqual(STREAM_TTL_MS);
    expect(await conn.pttl(commandStream("c"))).toBeGreaterThan(0);
    expect(await conn.pttl(leaseKey("c"))).toBeGreaterThan(0);
    const nonces = await conn.keys("subagent-mcp:fleet:nonce:*");
    expect(nonces.length).toBeGreaterThan(0);
    for (const key of nonces) expect(await conn.pttl(key)).toBeGreaterThan(0);
    await session.kill();
    await brief.close();
    own.redis.disconnect();
    expect(await conn.exists(eventStream(brief.owner))).toBe(0);
  });
});

describe("an orchestrator's heartbeat record", () => {
  it("deleted or aged by a Redis writer, does not end a live orchestrator's agents", { timeout: 120_000 }, async () => {
    const { driver } = await client.driverOn("b", "claude");
    const r = recorder();
    const session = driver.start({ cwd: envs.b?.cwd as string }, r.onEvent);
    session.send("[[slow:15000]] a live owner's turn");
    await turnUnderWay("a live owner's turn");
    // Forged until b has judged its owners twice past its start-up window (a sweep runs with each heartbeat).
    const from = Date.now();
    let forged = 0;
    await until("b to sweep twice while the record is forged", async () => {
      forged += 1;
      if (forged % 2 === 0) await conn.hdel(OWNERS, client.owner);
      else await conn.hset(OWNERS, client.owner, String(Date.now() - 60_000));
      const beat = await heartbeat("b");
      return beat.at >= Math.max(from, beat.startedAt + LOST_AFTER_MS) + 2 * HEARTBEAT_MS ? true : undefined;
    });
    // Its turn ends as it would have: the agent was not ended (which would be an exit first).
    const end = await Promise.race([r.next("turn_end"), r.next("exit")]);
    expect(end).toMatchObject({ type: "turn_end", isError: false });
    expect(nodes.b?.stderr()).not.toContain(`its orchestrator ${client.owner} went away`);
    await session.kill();
  });

  it("written fresh by a Redis writer for a dead orchestrator, does not keep its agents running", { timeout: 120_000 }, async () => {
    const own = await connectRedis({ url: redis.url });
    const doomed = new FleetClient(own.redis, new Signer(KEY));
    const { driver } = await doomed.driverOn("b", "claude");
    driver.start({ cwd: envs.b?.cwd as string }, () => undefined).send("[[slow:90000]] a dead owner's turn");
    await turnUnderWay("a dead owner's turn");
    expect(JSON.parse((await conn.hget(OWNERS, doomed.owner)) as string)).toHaveProperty("sig");
    // The orchestrator dies (its connection is gone: no heartbeat, no goodbye); a Redis writer keeps its record fresh.
    own.redis.disconnect();
    await until(
      "b to end the dead orchestrator's agent",
      async () => {
        await conn.hset(OWNERS, doomed.owner, String(Date.now()));
        return nodes.b?.stderr().includes(`its orchestrator ${doomed.owner} went away; ending it`) === true ? true : undefined;
      },
      90_000,
    );
    await until("the agent to end on b", () => (/: ended \(/.test(nodes.b?.stderr().split(`${doomed.owner} went away`)[1] ?? "") ? true : undefined));
    await doomed.close();
  });
});

describe("after Redis restarted empty", () => {
  it("a node makes its command stream again, takes its lease back, and a new launch on it runs", { timeout: 120_000 }, async () => {
    await conn.flushall();
    await redis.restart();
    // Asked while the connection comes back: a failed look is no answer yet.
    const live = (): Promise<boolean> =>
      client.machines().then(
        (m) => m.some((n) => n.name === "b"),
        () => false,
      );
    await until("b to be live again", async () => ((await live()) ? true : undefined));
    await until("b's lease back", async () => ((await conn.exists(leaseKey("b")).catch(() => 0)) === 1 ? true : undefined));
    const { driver } = await client.driverOn("b", "claude");
    const r = recorder();
    const session = driver.start({ cwd: envs.b?.cwd as string }, r.onEvent);
    session.send("after an empty restart");
    expect((await r.next("turn_end")).result).toContain("after an empty restart");
    expect(nodes.b?.stderr()).toContain("its command stream was gone (Redis restarted empty?): making it again");
    await session.kill();
  });
});
