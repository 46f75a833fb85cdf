import { realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import type { AgentEvent, Driver, Session } from "@subagent-mcp/core";
import { AGENT_LINEAGE_ENV } from "@subagent-mcp/contract";
import { connectRedis } from "@subagent-mcp/mailbox-redis";
import { startRedisServer, type RedisServer } from "@subagent-mcp/testkit";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandStream, FleetClient, Signer, startNode, stopOnFleet, type FleetNode } from "../src/index.js";
import { agentIdOf, CommandSchema } from "../src/protocol/protocol.js";

// The user's stop across the fleet, over a real redis-server: a node whose driver is an in-memory session.
const KEY = "user-stop-test-key-0123456789abc";
const ROOT = realpathSync(tmpdir());
let server: RedisServer;
let redis: Redis;
let node: FleetNode;
let client: FleetClient;
const userStops: string[] = [];

// A session that lives until it is killed; its exit then comes as a CLI's would.
const driver: Driver = {
  provider: "claude",
  start: (_spec, onEvent): Session => {
    let ended = false;
    const end = (): Promise<void> => {
      if (!ended)
        setImmediate(() => {
          onEvent({ type: "exit", code: null, signal: "SIGKILL" });
        });
      ended = true;
      return Promise.resolve();
    };
    setImmediate(() => {
      onEvent({ type: "started", sessionId: "s-1", model: "m" });
    });
    return { pid: undefined, send: () => undefined, interrupt: () => Promise.resolve(), reset: () => Promise.resolve(), close: end, kill: end };
  },
};

// Launches one agent on the node under our id `id`: resolves once it started there, with its events and its exit.
// `replica`: as a pool's replica is, with no id in its lineage, our id given by the supervisor alone.
async function launch(id: string, replica = false): Promise<{ events: AgentEvent[]; exit: Promise<void> }> {
  const events: AgentEvent[] = [];
  const { driver: remote } = await client.driverOn("n1", "claude");
  let exit!: () => void;
  const ended = new Promise<void>((resolve) => (exit = resolve));
  await new Promise<void>((resolve) => {
    const onEvent = (event: AgentEvent): void => {
      events.push(event);
      if (event.type === "started") resolve();
      if (event.type === "exit") exit();
    };
    if (replica) remote.start({ cwd: ROOT, env: { [AGENT_LINEAGE_ENV]: "top,~" } }, onEvent, id);
    else remote.start({ cwd: ROOT, env: { [AGENT_LINEAGE_ENV]: `top,${id}` } }, onEvent);
  });
  return { events, exit: ended };
}
// Resolves at the node's next refusal of a command.
let refusal: (() => void) | undefined;
const refused = (): Promise<void> => new Promise((resolve) => (refusal = resolve));

beforeAll(async () => {
  server = await startRedisServer();
  redis = (await connectRedis({ url: server.url })).redis;
  const nodeRedis = (await connectRedis({ url: server.url })).redis;
  node = await startNode({
    redis: nodeRedis,
    signer: new Signer(KEY),
    name: "n1",
    providers: { claude: { driver, version: "1", cap: 4 } },
    ceiling: { roots: [ROOT] },
    log: (line) => {
      if (line.startsWith("refused a command")) refusal?.();
    },
  });
  client = new FleetClient((await connectRedis({ url: server.url })).redis, new Signer(KEY), undefined, { onUserStop: (id) => userStops.push(id) });
});
afterAll(async () => {
  await client.close();
  await node.close();
  redis.disconnect();
  await server.stop();
});

describe("the user's stop command", () => {
  it("names a one-off reply stream and, optionally, the agents; the orchestrator's id is the last of the launch's lineage", () => {
    expect(CommandSchema.parse({ kind: "stop", reply: "0123abcd-ef", agents: ["a"] })).toMatchObject({ kind: "stop" });
    expect(() => CommandSchema.parse({ kind: "stop", reply: "x:y" })).toThrow();
    expect(agentIdOf({ env: { [AGENT_LINEAGE_ENV]: "top,kid" } })).toBe("kid");
    expect(agentIdOf({ env: { [AGENT_LINEAGE_ENV]: "top,~" } })).toBeUndefined();
    expect(agentIdOf({})).toBeUndefined();
  });
});

describe("stopOnFleet", () => {
  it("stops the named agent on its node, tells its orchestrator it was the user's stop, and leaves the others", async () => {
    const one = await launch("kid-1");
    const two = await launch("kid-2");
    const { replies, silent } = await stopOnFleet(redis, new Signer(KEY), ["kid-1"]);
    expect(silent).toEqual([]);
    expect(replies).toEqual([{ node: "n1", stopped: [{ agent: expect.stringMatching(/^r-/) as string, id: "kid-1", provider: "claude" }] }]);
    await one.exit;
    expect(userStops).toEqual(["kid-1"]);
    expect(two.events.some((e) => e.type === "exit")).toBe(false);
    // --all: every agent of the node, whoever launched it.
    const all = await stopOnFleet(redis, new Signer(KEY));
    expect(all.replies[0]?.stopped.map((s) => s.id)).toEqual(["kid-2"]);
    await two.exit;
    expect(userStops).toEqual(["kid-1", "kid-2"]);
    expect(node.running).toBe(0);
  });

  it("names a pool's replica (no id in its lineage) by the id the supervisor gave its session, to the stop and to its orchestrator", async () => {
    userStops.length = 0;
    const replica = await launch("pool-replica-1", true);
    const { replies } = await stopOnFleet(redis, new Signer(KEY));
    expect(replies).toEqual([{ node: "n1", stopped: [{ agent: expect.stringMatching(/^r-/) as string, id: "pool-replica-1", provider: "claude" }] }]);
    await replica.exit;
    expect(userStops).toEqual(["pool-replica-1"]);
  });

  it("reaches no node under another fleet key: a stop signed with it is refused there", async () => {
    const three = await launch("kid-3");
    // Its heartbeats do not verify under the other key: no live node to ask.
    expect(await stopOnFleet(redis, new Signer("another-fleet-key-0123456789abcd"))).toEqual({ replies: [], silent: [] });
    const before = node.refused;
    const refusing = refused();
    await redis.xadd(commandStream("n1"), "*", ...new Signer("another-fleet-key-0123456789abcd").seal({ kind: "stop", reply: "0123456789ab" }, "n1"));
    await refusing;
    expect(node.refused).toBe(before + 1);
    expect(node.running).toBe(1);
    await stopOnFleet(redis, new Signer(KEY), ["kid-3"]);
    await three.exit;
  });
});
