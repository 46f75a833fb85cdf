import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliExecutable, loopbackEnv, startFakeFor, startRedisServer, type CliEnvironment, type FakeModelServer, type RedisServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { Redis } from "ioredis";
import { serverBin, serverEnv } from "./mcp-rig.js";

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

// The key file and the user config, where `subagent-mcp` reads them (the key never in the environment).
function configure(env: CliEnvironment, config: Record<string, unknown>): void {
  const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "fleet.key"), `${KEY}\n`, { mode: 0o600 });
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
}

// `subagent-mcp node --name NAME`, resolved once it lends its CLIs.
async function startNodeProcess(name: string, env: CliEnvironment, redisUrl: string, cap: number): Promise<FleetRig["nodes"][number]> {
  configure(env, { fleet: { roots: [env.cwd] }, caps: { [PROVIDER]: cap } });
  const proc = execa(process.execPath, [serverBin, "node", "--name", name], {
    cwd: env.cwd,
    env: { ...serverEnv(env), SUBAGENT_MCP_MAILBOX_URL: redisUrl },
    extendEnv: false,
    reject: false,
  });
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    proc.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("lending")) resolve();
    });
    void proc.then((r) => {
      reject(new Error(`node ${name} exited early (${String(r.exitCode)}): ${stderr}`));
    });
  });
  return { name, pid: proc.pid as number, env, proc };
}

/** Starts the fleet: `nodes` nodes lending the CLI with a cap of `cap` each, and the orchestrator. */
export async function fleetRig(nodes: number, cap: number): Promise<FleetRig> {
  const redis = await startRedisServer();
  const admin = new Redis(redis.url, { lazyConnect: true });
  await admin.connect();
  // One fake model for every CLI (its clock is this process's: a response's end is comparable with wait's return).
  const fake = await startFakeFor(PROVIDER);
  const started: FleetRig["nodes"] = [];
  for (let i = 1; i <= nodes; i++) started.push(await startNodeProcess(`n${String(i)}`, await loopbackEnv(PROVIDER, fake), redis.url, cap));
  const env = await loopbackEnv(PROVIDER, fake);
  configure(env, { caps: { [PROVIDER]: cap } });
  const transport = new StdioClientTransport({
    command: serverBin,
    args: [],
    cwd: env.cwd,
    stderr: "ignore",
    env: { ...serverEnv(env), SUBAGENT_MCP_CODEX_PATH: cliExecutable(PROVIDER), SUBAGENT_MCP_MAILBOX_URL: redis.url },
  });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  return {
    redis,
    admin,
    fake,
    nodes: started,
    orchestrator: {
      pid: transport.pid as number,
      env,
      async call<T>(name: string, args: Record<string, unknown> = {}) {
        const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 700_000 });
        if (result.isError === true) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
        return result.structuredContent as T;
      },
    },
    async close() {
      await client.close().catch(() => undefined);
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
