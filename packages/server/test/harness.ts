import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped, type FlatDeps } from "./flat-deps.js";
import { join } from "node:path";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor, type Driver, type SupervisorOptions } from "@subagent-mcp/core";
import { AcpDriver, ClaudeDriver, CodexDriver } from "@subagent-mcp/drivers";
import { loopbackEnv, pinnedCliOptions, startAllFakes, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import type { PoolDefinition } from "@subagent-mcp/config";
import { createServer } from "../src/index.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

/** An in-process server with real drivers (each CLI in its own loopback env) and a real MCP client. */
export interface ServerHarness {
  client: Client;
  supervisor: Supervisor;
  fakes: Record<Provider, FakeModelServer>;
  envs: Record<Provider, CliEnvironment>;
  /** Calls a tool and returns its structured content, or throws with the tool's error text. */
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls a tool expecting an error; resolves with its text. */
  callError(name: string, args?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function serverHarness(
  options: { caps?: Partial<Record<Provider, number>>; server?: Partial<FlatDeps>; supervisor?: Omit<SupervisorOptions, "drivers"> } = {},
): Promise<ServerHarness> {
  const fakes = await startAllFakes();
  const envs = {
    claude: await loopbackEnv("claude", fakes.claude),
    codex: await loopbackEnv("codex", fakes.codex),
    gemini: await loopbackEnv("gemini", fakes.gemini),
  };
  const opts = (provider: Provider) => pinnedCliOptions(envs[provider]);
  const drivers: Record<Provider, Driver> = {
    claude: new ClaudeDriver(opts("claude")),
    codex: new CodexDriver(opts("codex")),
    gemini: new AcpDriver(opts("gemini")),
  };
  const supervisor = new Supervisor({
    ...options.supervisor,
    drivers,
    ...(options.caps === undefined ? {} : { caps: options.caps }),
  });
  const { server } = createServer(grouped({ supervisor, version: "test", defaultCwd: envs.claude.cwd, progressEveryMs: 200, ...options.server }));
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: "test-client", version: "1" });
  await client.connect(clientSide);

  const raw = (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  return {
    client,
    supervisor,
    fakes,
    envs,
    async call<T>(name: string, args: Record<string, unknown> = {}) {
      const result = await raw(name, args);
      if (result.isError === true) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
      return result.structuredContent as T;
    },
    async callError(name, args = {}) {
      const result = await raw(name, args);
      if (result.isError !== true) throw new Error(`${name} unexpectedly succeeded: ${JSON.stringify(result.structuredContent)}`);
      return (result.content as { text: string }[]).map((c) => c.text).join("\n");
    },
    async close() {
      await supervisor.shutdown();
      await client.close();
      await Promise.all(Object.values(fakes).map((f) => f.stop()));
      await Promise.all(Object.values(envs).map((e) => e.cleanup()));
    },
  };
}

/** A pool agent definition as the loader would give it, with test defaults. */
export function poolDefinition(name: string, provider: PoolDefinition["provider"], extra: Partial<PoolDefinition> = {}): PoolDefinition {
  return {
    name,
    description: `${name} agent`,
    file: `/defs/${name}.md`,
    provider,
    model: undefined,
    effort: undefined,
    allowedTools: undefined,
    permissionMode: undefined,
    replicas: 1,
    maxTurnsPerProcess: 50,
    systemPrompt: `You are ${name}.`,
    ...extra,
  };
}

/** Launches a Claude Code agent whose tool (a shell) runs until the file `gate` exists, and resolves once that tool runs: its turn stays under way until the test writes `gate`. */
export async function launchGated(h: Pick<ServerHarness, "call" | "fakes" | "envs">): Promise<{ agent_id: string; gate: string }> {
  const gate = join(h.envs.claude.cwd, "gate");
  const { agent_id } = await h.call<{ agent_id: string }>("launch_agent", {
    provider: "claude",
    prompt: `[[shell:until test -e ${gate}; do sleep 0.05; done]]`,
    allowed_tools: ["Bash"],
  });
  await h.fakes.claude.waitForRequest((r) => r.reply === "shell", "the gated tool call", 60_000);
  return { agent_id, gate };
}
