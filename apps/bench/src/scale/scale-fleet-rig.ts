import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  loopbackEnv,
  startFakeFor,
  startFleetNode,
  startRedisServer,
  writeFleetKey,
  type CliEnvironment,
  type FakeModelServer,
  type RedisServer,
} from "@subagent-mcp/testkit";
import type { ResultPromise } from "execa";
import { Redis } from "ioredis";
import { connect, serverBin } from "../mcp-rig.js";

/** The fleet under test: one redis-server, K `subagent-mcp node` processes and one orchestrator server over MCP, all on 127.0.0.1. */
export interface FleetRig {
  redis: RedisServer;
  /** The bench's own connection (INFO, record sizes). */
  admin: Redis;
  fake: FakeModelServer;
  nodes: { name: string; pid: number; env: CliEnvironment; proc: ResultPromise }[];
  orchestrator: { pid: number; env: CliEnvironment; call<T>(name: string, args?: Record<string, unknown>): Promise<T> };
  close(): Promise<void>;
}

const KEY = "bench-scale-fleet-key-0123456789";
export const PROVIDER = "codex";

// The orchestrator's key file and user config, where `subagent-mcp` reads them (the key never in the environment).
function configure(env: CliEnvironment, config: Record<string, unknown>): void {
  writeFleetKey(env, KEY);
  writeFileSync(join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json"), JSON.stringify(config));
}

/** Starts the fleet: `nodes` nodes lending the CLI with a cap of `cap` each, and the orchestrator. */
export async function fleetRig(nodes: number, cap: number): Promise<FleetRig> {
  const redis = await startRedisServer();
  const admin = new Redis(redis.url, { lazyConnect: true });
  await admin.connect();
  // One fake model for every CLI (its clock is this process's: a response's end is comparable with wait's return).
  const fake = await startFakeFor(PROVIDER);
  const started: FleetRig["nodes"] = [];
  for (let i = 1; i <= nodes; i++) {
    const name = `n${String(i)}`;
    const env = await loopbackEnv(PROVIDER, fake);
    const { proc } = await startFleetNode(serverBin, env, name, { fleet: { roots: [env.cwd] }, caps: { [PROVIDER]: cap } }, { redisUrl: redis.url, key: KEY });
    started.push({ name, pid: proc.pid as number, env, proc });
  }
  const env = await loopbackEnv(PROVIDER, fake);
  configure(env, { caps: { [PROVIDER]: cap } });
  const server = await connect(env, { SUBAGENT_MCP_MAILBOX_URL: redis.url });
  return {
    redis,
    admin,
    fake,
    nodes: started,
    orchestrator: { pid: server.pid, env, call: server.call },
    async close() {
      await server.client.close().catch(() => undefined);
      for (const n of started) n.proc.kill("SIGTERM");
      await Promise.all(started.map((n) => n.proc));
      admin.disconnect();
      await redis.stop();
      await fake.stop();
      for (const e of [env, ...started.map((n) => n.env)]) await e.cleanup();
    },
  };
}

/** Calls of each Redis command so far (INFO commandstats). */
export async function commandCalls(admin: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const line of (await admin.info("commandstats")).split("\n")) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m !== null) out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

/** Commands per agent per second between two snapshots, by command and in total (the bench's own INFO left out). */
export function perAgentRates(before: Map<string, number>, after: Map<string, number>, agents: number, seconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0) - (command === "info" ? 1 : 0);
    if (delta <= 0) continue;
    total += delta;
    out[command] = round(delta / agents / seconds);
  }
  return { total: round(total / agents / seconds), ...out };
}

export const round = (x: number, places = 3): number => Math.round(x * 10 ** places) / 10 ** places;
