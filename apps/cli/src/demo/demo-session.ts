import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { executableEnvVar } from "@subagent-mcp/contract";
import type { CliEnvironment, CliName, FakeModelServer } from "@subagent-mcp/testkit";
import { loopbackEnv } from "@subagent-mcp/testkit/env";
import { startFakeFor } from "@subagent-mcp/testkit/fakes";

/** The permission rule the demo's user config carries: `touch` may run without asking (Claude Code asks for it; `echo` it allows by itself). */
export const DEMO_RULE = "Bash(touch:*)";

/** The demo's world: fakes on 127.0.0.1, a loopback environment and, once started, our server over MCP. */
export interface DemoSession {
  clis: CliName[];
  fakes: Partial<Record<CliName, FakeModelServer>>;
  env: CliEnvironment;
  /** The server's environment: the loopback one, the CLIs' paths and the demo's settings. */
  serverEnv: Record<string, string>;
  client?: Client;
  /** Calls a tool; throws on a tool error (with the server's stderr's tail). */
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Starts our MCP server (this very CLI) on stdio and connects to it. */
  connect(): Promise<void>;
  /** Stops everything it started and removes its temporary folders; safe to call twice. */
  close(): Promise<void>;
}

// The entry script of this CLI: the bundle's main.js next to this chunk.
function ownMain(): string {
  return process.argv[1] ?? fileURLToPath(new URL("./main.js", import.meta.url));
}

/** Starts a fake model server per CLI and builds the loopback environment; the user's HOME is never read or written. */
export async function openSession(found: { cli: CliName; path: string }[]): Promise<DemoSession> {
  const fakes: Partial<Record<CliName, FakeModelServer>> = {};
  const cleanups: (() => Promise<void>)[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    for (const undo of cleanups.reverse()) await undo().catch(() => undefined);
  };
  try {
    for (const { cli } of found) {
      const fake = await startFakeFor(cli);
      fakes[cli] = fake;
      cleanups.push(() => fake.stop());
    }
    const env = await loopbackEnv(fakes as Record<CliName, FakeModelServer>);
    cleanups.push(() => env.cleanup());
    // The user config of the temporary HOME: one allow rule, answered by the server without asking anyone.
    const configDir = join(env.env.XDG_CONFIG_HOME ?? join(env.home, ".config"), "subagent-mcp");
    await mkdir(configDir, { recursive: true });
    await writeFile(join(configDir, "config.json"), `${JSON.stringify({ permissions: { allow: [DEMO_RULE] } }, null, 2)}\n`);
    const serverEnv: Record<string, string> = { ...env.env, ENABLE_TOOL_SEARCH: "false" };
    for (const { cli, path } of found) serverEnv[executableEnvVar(cli)] = path;
    let stderr = "";
    const session: DemoSession = {
      clis: found.map((f) => f.cli),
      fakes,
      env,
      serverEnv,
      async call<T>(name: string, args: Record<string, unknown> = {}): Promise<T> {
        if (session.client === undefined) throw new Error("the MCP server is not running");
        const result = await session.client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 });
        if (result.isError === true) {
          const text = (result.content as { type: string; text?: string }[]).map((c) => c.text ?? "").join(" ");
          throw new Error(`${name}: ${text}${stderr === "" ? "" : `\nserver stderr:\n${stderr.split("\n").slice(-10).join("\n")}`}`);
        }
        return result.structuredContent as T;
      },
      async connect() {
        const transport = new StdioClientTransport({ command: process.execPath, args: [ownMain()], env: serverEnv, cwd: env.cwd, stderr: "pipe" });
        transport.stderr?.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        const client = new Client({ name: "subagent-mcp-demo", version: "1" });
        cleanups.push(() => client.close());
        await client.connect(transport);
        session.client = client;
      },
      close,
    };
    return session;
  } catch (error) {
    await close();
    throw error;
  }
}
