import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { execa, type ResultPromise } from "execa";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliExecutable, loopbackEnv, spawnReady, startAllFakes, type CliEnvironment, type FakeModelServer, type ReadyProcess } from "@subagent-mcp/testkit";

/** The `_meta` a task-taking host (the interactive Claude Code) puts on every request. */
export const TAKES_TASKS = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} }, extensions: { "io.modelcontextprotocol/tasks": {} } },
};

/** The built binary, exactly as a user runs it. */
export const bin = fileURLToPath(new URL("../dist/main.js", import.meta.url));

type Provider = "claude" | "codex" | "gemini" | "qwen" | "opencode";

/** The built `subagent-mcp` on stdio, driven by the official MCP client, with the real CLIs behind it (the three built-in ones, Qwen Code and OpenCode). */
export interface E2E {
  client: Client;
  transport: StdioClientTransport;
  fakes: Record<Provider, FakeModelServer>;
  env: CliEnvironment;
  serverEnv: Record<string, string>;
  stderr: () => string;
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** A `prepare` of {@link startE2E} that writes `config` as the user's config.json, which the server loads at start. */
export function withUserConfig(config: Record<string, unknown>): (env: CliEnvironment) => void {
  return (env) => {
    const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  };
}

/** `subagent-mcp setup --host <hosts>` in `s`'s project and HOME, as a user runs it before starting a host: each CLI's config then holds our entry. */
export function setupHosts(s: Pick<E2E, "env">, hosts: string) {
  return execa(process.execPath, [bin, "setup", "--host", hosts], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
}

/** `prepare` runs before the server starts: e.g. to write the user config it loads at start ({@link withUserConfig}). */
export async function startE2E(extraEnv: Record<string, string> = {}, prepare?: (env: CliEnvironment) => void): Promise<E2E> {
  const fakes = await startAllFakes();
  const env = await loopbackEnv(fakes);
  prepare?.(env);
  const serverEnv = {
    ...env.env,
    SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
    SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
    SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
    SUBAGENT_MCP_QWEN_PATH: cliExecutable("qwen"),
    SUBAGENT_MCP_OPENCODE_PATH: cliExecutable("opencode"),
    ...extraEnv,
  };
  const served = await connectServer(serverEnv, env.cwd, "e2e");
  return {
    ...served,
    fakes,
    env,
    serverEnv,
    async close() {
      await served.close();
      await Promise.all(Object.values(fakes).map((f) => f.stop()));
      await env.cleanup();
    },
  };
}

/** One built `subagent-mcp` on stdio with an MCP client: its calls throw on a tool error, with the server's stderr. */
export interface Served {
  client: Client;
  transport: StdioClientTransport;
  stderr: () => string;
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

/** Starts the built binary with `env` in `cwd` and connects a client named `name` to it. */
export async function connectServer(env: Record<string, string>, cwd: string, name: string): Promise<Served> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [bin], env, cwd, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const client = new Client({ name, version: "1" });
  await client.connect(transport);
  return {
    client,
    transport,
    stderr: () => stderr,
    async call<T>(tool: string, args: Record<string, unknown> = {}) {
      const result = await client.callTool({ name: tool, arguments: args });
      if (result.isError === true) throw new Error(`${tool} failed: ${JSON.stringify(result.content)}\nserver stderr:\n${stderr}`);
      return result.structuredContent as T;
    },
    async close() {
      await client.close().catch(() => undefined);
    },
  };
}

/** What `wait` answers, as far as the permission tests read it. */
export interface WaitOut {
  finished: { agent_id: string; is_error: boolean; result?: string }[];
  still_running: string[];
  permission_requests?: { agent_id: string; request_id: string; kind: string; summary: string }[];
}

/** Calls wait until `pick` finds what it looks for in an answer. */
export async function waitFor<T>(s: Pick<E2E, "call">, agent: string, pick: (out: WaitOut) => T | undefined): Promise<T> {
  for (;;) {
    const out = await s.call<WaitOut>("wait", { agent_ids: [agent], timeout_s: 60 });
    const found = pick(out);
    if (found !== undefined) return found;
    if (!out.still_running.includes(agent) && out.finished.length === 0) throw new Error(`nothing more to wait for: ${JSON.stringify(out)}`);
  }
}

/**
 * Starts `subagent-mcp worker ARGS` and resolves once it waits on its mailbox (rejects if it exits
 * first); `running` collects it for the test's clean-up.
 */
export async function startWorker(e: CliEnvironment, vars: Record<string, string>, args: string[], running: ResultPromise[]): Promise<ReadyProcess> {
  return spawnReady([bin, "worker", ...args], { cwd: e.cwd, env: vars }, "waiting on", "worker", (proc) => {
    running.push(proc);
  });
}

/**
 * Ends the served process as a host does (its stdin closes) and resolves once it has exited, however
 * long its clean-up takes: the SDK's own close sends SIGTERM after 2 s and SIGKILL after 4, which a
 * busy machine can outlast.
 */
export async function endServer(s: Pick<Served, "transport" | "client">): Promise<void> {
  const proc = (s.transport as unknown as { _process?: ChildProcess })._process;
  if (proc !== undefined && proc.exitCode === null) {
    const exited = new Promise<void>((resolve) => {
      proc.once("close", () => {
        resolve();
      });
    });
    proc.stdin?.end();
    await exited;
  }
  await s.client.close();
}
