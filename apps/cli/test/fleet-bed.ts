import {
  cliExecutable,
  loopbackEnv,
  startFakeFor,
  startRedisServer,
  type CliEnvironment,
  type CliName,
  type FakeModelServer,
  type RedisServer,
} from "@subagent-mcp/testkit";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { startE2E, type E2E } from "./e2e.js";
import { startFleetNode, writeFleetKey, type RunningNode } from "./fleet-node.js";

/** Machines on this host around one real redis-server, each with its own HOME and XDG folders; `close` ends all it started, the last first. */
export interface FleetBed {
  redis: RedisServer;
  /** Has `stop(thing)` run at close, before all that was started earlier; returns `thing`. */
  own<T>(thing: T, stop: (thing: T) => Promise<unknown>): T;
  /** Fake models for `clis` on 127.0.0.1, stopped at close. */
  fakes<C extends CliName>(...clis: C[]): Promise<Record<C, FakeModelServer>>;
  /** A machine's folders, its real CLIs pointed at `fakes`; removed at close. */
  env(fakes: Partial<Record<CliName, FakeModelServer>>): Promise<CliEnvironment>;
  /** `subagent-mcp node --name NAME` in `env`, its user config holding `config` and the fleet key in its file; stopped at close. */
  node(env: CliEnvironment, name: string, config: Record<string, unknown>): Promise<RunningNode>;
  /** A: the built server under the official MCP client, the fleet key in its file and Redis's URL (and `extraEnv`) in its environment; closed at close. */
  orchestrator(extraEnv?: Record<string, string>): Promise<E2E>;
  close(): Promise<void>;
}

/** Ends a node as its user would (SIGTERM) and waits for it to exit. */
export async function stopNode(node: RunningNode): Promise<void> {
  node.proc.kill("SIGTERM");
  await node.proc;
}

/** Starts a redis-server (needing `password` if given) for a fleet whose key is `key`. */
export async function startFleetBed(key: string, password?: string): Promise<FleetBed> {
  const stops: (() => Promise<unknown>)[] = [];
  const own = <T>(thing: T, stop: (thing: T) => Promise<unknown>): T => {
    stops.push(() => stop(thing));
    return thing;
  };
  const redis = own(await startRedisServer(password === undefined ? {} : { password }), (r) => r.stop());
  return {
    redis,
    own,
    async fakes<C extends CliName>(...clis: C[]) {
      const fakes = {} as Record<C, FakeModelServer>;
      for (const cli of clis) fakes[cli] = own(await startFakeFor(cli), (f) => f.stop());
      return fakes;
    },
    async env(fakes) {
      return own(await loopbackEnv(fakes), (e) => e.cleanup());
    },
    async node(env, name, config) {
      return own(await startFleetNode(env, name, config, { redisUrl: redis.url, key }), stopNode);
    },
    async orchestrator(extraEnv = {}) {
      const a = await startE2E({ SUBAGENT_MCP_MAILBOX_URL: redis.url, ...extraEnv }, (env) => {
        writeFleetKey(env, key);
      });
      return own(a, (s) => s.close());
    },
    async close() {
      for (const stop of stops.splice(0).reverse()) await stop();
    },
  };
}

/**
 * Where a `subagent-mcp node` of ours runs in `env` on the bed (for a test that starts it itself):
 * its user config holding `config`, the fleet `key` in its file, Redis's URL and Claude Code in its environment.
 */
export function nodeWhere(bed: FleetBed, env: CliEnvironment, key: string, config: Record<string, unknown>): { cwd: string; env: Record<string, string> } {
  const file = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json");
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify(config));
  writeFleetKey(env, key);
  return {
    cwd: env.cwd,
    env: { ...env.env, SUBAGENT_MCP_MAILBOX_URL: bed.redis.url, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") },
  };
}

/** Machine b lending Claude Code (`cap` slots, its folder the root) against its own fake, and A with `extraEnv`. */
export interface FleetOnB {
  bed: FleetBed;
  fakeB: FakeModelServer;
  envB: CliEnvironment;
  nodeB: RunningNode;
  a: E2E;
}

/** The bed most fleet tests run on, for the file's tests: started before them (handed to `take`) and ended after them. */
export function fleetOnB(key: string, cap: number, extraEnv: Record<string, string>, take: (fleet: FleetOnB) => void): void {
  let bed: FleetBed | undefined;
  beforeAll(async () => {
    bed = await startFleetBed(key);
    const { claude: fakeB } = await bed.fakes("claude");
    const envB = await bed.env({ claude: fakeB });
    const nodeB = await bed.node(envB, "b", { fleet: { roots: [envB.cwd] }, caps: { claude: cap } });
    take({ bed, fakeB, envB, nodeB, a: await bed.orchestrator(extraEnv) });
  }, 120_000);
  afterAll(async () => {
    await bed?.close();
  });
}
