import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loopbackEnv, runCli, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

// Why our Codex entry is `required`: Codex runs a turn with the optional MCP servers that were up
// within about a second, and leaves a slower one out of it without a word; a required one it waits
// for. Shown here on the pinned Codex with a stand-in server that starts 3 s late (a Node server on a
// busy machine), then checked on the entry `subagent-mcp setup` writes.
const sdk = createRequire(import.meta.url).resolve("@modelcontextprotocol/sdk/server/mcp.js");
const SLOW_SERVER = `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.env.SLOW_MS));
const { McpServer } = await import(${JSON.stringify(sdk)});
const { StdioServerTransport } = await import(${JSON.stringify(sdk.replace(/mcp\.js$/, "stdio.js"))});
const server = new McpServer({ name: "slow", version: "1" });
server.registerTool("ping_slow", { description: "Answers pong." }, () => ({ content: [{ type: "text", text: "pong" }] }));
await server.connect(new StdioServerTransport());
`;

let fake: FakeModelServer;
let dir: string;
beforeAll(async () => {
  fake = await startFakeFor("codex");
  dir = mkdtempSync(join(tmpdir(), "subagent-mcp-slow-"));
  writeFileSync(join(dir, "slow.mjs"), SLOW_SERVER);
});
afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function codexWith(entry: string, prompt: string): Promise<string> {
  const env: CliEnvironment = { ...(await loopbackEnv({ codex: fake })), cli: "codex" };
  try {
    appendFileSync(join(env.env.CODEX_HOME ?? "", "config.toml"), `\n${entry}\n`);
    await runCli(env, ["exec", "--skip-git-repo-check", "-m", "gpt-5.5", prompt], { step: prompt, timeoutMs: 60_000 });
    const request = fake.requests.find((r) => r.lastUserText.includes(prompt));
    return JSON.stringify(request?.body ?? null);
  } finally {
    await env.cleanup();
  }
}

const slowEntry = (required: boolean) =>
  [
    `[mcp_servers.slow]`,
    `command = ${JSON.stringify(process.execPath)}`,
    `args = [${JSON.stringify(join(dir, "slow.mjs"))}]`,
    `env = { SLOW_MS = "3000" }`,
    `required = ${String(required)}`,
  ].join("\n");

describe("Codex and a server that starts late", () => {
  it("runs the turn without an optional one, and waits for a required one", async () => {
    expect(await codexWith(slowEntry(false), "hello optional")).not.toContain("mcp__slow");
    expect(await codexWith(slowEntry(true), "hello required")).toContain("mcp__slow");
  });

  it("subagent-mcp setup writes our entry as required", async () => {
    const env: CliEnvironment = { ...(await loopbackEnv({ codex: fake })), cli: "codex" };
    try {
      const setup = await execa(process.execPath, [bin, "setup", "--host", "codex"], { cwd: env.cwd, env: env.env, extendEnv: false, reject: false });
      expect(setup.exitCode, setup.stderr).toBe(0);
      const config = readFileSync(join(env.env.CODEX_HOME ?? "", "config.toml"), "utf8");
      const ours = config.slice(config.indexOf('[mcp_servers."subagent-mcp"]'));
      expect(ours.split("\n").slice(0, 8)).toContain("required = true");
    } finally {
      await env.cleanup();
    }
  });
});
