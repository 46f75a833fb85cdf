import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cliExecutable, loopbackEnv, startAllFakes, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { readFileSync } from "node:fs";
import { execa } from "execa";
import { dirname, join } from "node:path";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

/** The built `subagent-mcp` binary: SUBAGENT_MCP_BENCH_BIN (e.g. a copy of a build, measured while the workspace is rebuilt), else the workspace's. */
export const serverBin = process.env.SUBAGENT_MCP_BENCH_BIN ?? join(import.meta.dirname, "..", "..", "cli", "dist", "main.js");
/** Its folder: a process running a file of it is ours. */
export const ourDist = dirname(serverBin);

/** The built server on stdio behind the official MCP client, with the three real CLIs and their fakes. */
export interface McpRig {
  client: Client;
  pid: number;
  fakes: Record<Provider, FakeModelServer>;
  env: CliEnvironment;
  call<T>(name: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** The server's environment: the loopback one, with the pinned CLIs named. */
export function serverEnv(env: CliEnvironment): Record<string, string> {
  return {
    ...env.env,
    SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
    SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
    SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
  };
}

/** The agents' niceness as the bench was told it (SUBAGENT_MCP_AGENT_NICE), for the servers it starts. */
function handedNice(): Record<string, string> {
  const nice = process.env.SUBAGENT_MCP_AGENT_NICE;
  return nice === undefined || nice === "" ? {} : { SUBAGENT_MCP_AGENT_NICE: nice };
}

/** The built server on stdio behind the official MCP client: the client, the server's pid, a tool call. */
type Connected = Pick<McpRig, "client" | "pid" | "call">;

/** Starts the built server in `env` with `serverEnv(env)` and `extraEnv`, and connects to it. */
export async function connect(env: CliEnvironment, extraEnv: Record<string, string> = {}): Promise<Connected> {
  // Started as a user's host starts it: the executable itself (its shebang carries the Node flags).
  const transport = new StdioClientTransport({
    command: serverBin,
    args: [],
    cwd: env.cwd,
    stderr: "ignore",
    env: { ...serverEnv(env), ...handedNice(), ...extraEnv },
  });
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  return {
    client,
    pid: transport.pid as number,
    async call<T>(name: string, args: Record<string, unknown> = {}) {
      const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 700_000 });
      if (result.isError === true) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
      return result.structuredContent as T;
    },
  };
}

/** `subagent-mcp setup --host <host>` for each of `hosts` in `env`'s HOME, as a user would have run it. */
async function setupHosts(env: CliEnvironment, hosts: readonly string[]): Promise<void> {
  for (const host of hosts) {
    const out = await execa(process.execPath, [serverBin, "setup", "--host", host], { cwd: env.cwd, env: env.env, extendEnv: false, reject: false });
    if (out.exitCode !== 0) throw new Error(`setup --host ${host} exited ${String(out.exitCode)}: ${out.stderr}`);
  }
}

/** The rig; with `setup`, `subagent-mcp setup` was run for those hosts in its HOME before the server started. */
export async function mcpRig(extraEnv: Record<string, string> = {}, setup: readonly string[] = []): Promise<McpRig> {
  const fakes = await startAllFakes();
  const env = await loopbackEnv(fakes);
  const stop = async (): Promise<void> => {
    await Promise.all(Object.values(fakes).map((f) => f.stop()));
    await env.cleanup();
  };
  let server: Connected;
  try {
    await setupHosts(env, setup);
    server = await connect(env, extraEnv);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ...server,
    fakes,
    env,
    async close() {
      await server.client.close().catch(() => undefined);
      await stop();
    },
  };
}

/** `subagent-mcp dashboard` in `env`'s project: its printed URL and its state's, once printed, its pid, and its stop. */
export function startDashboard(env: CliEnvironment): { urls: Promise<{ page: string; state: string }>; pid: number; stop: () => Promise<void> } {
  const dash = execa(process.execPath, [serverBin, "dashboard"], { cwd: env.cwd, env: env.env, extendEnv: false, reject: false });
  // Listened to at once: execa reads the output too, so a later listener would miss the URL.
  const urls = new Promise<{ page: string; state: string }>((resolve, reject) => {
    let out = "";
    dash.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(http:\/\/\S+)\n/m.exec(out)?.[1];
      if (line !== undefined) resolve({ page: line, state: line.replace("/?token=", "/api/state?token=") });
    });
    void dash.then((r) => {
      reject(new Error(`dashboard exited (${String(r.exitCode)}): ${r.stderr}`));
    });
  });
  return {
    urls,
    pid: dash.pid ?? 0,
    stop: async () => {
      dash.kill("SIGTERM");
      await dash;
    },
  };
}

/** Resident set size of one process, in MB (0 when it is gone). */
export function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return kb === undefined ? 0 : Math.round(Number(kb) / 102.4) / 10;
  } catch {
    return 0;
  }
}
