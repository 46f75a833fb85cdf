import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { loopbackEnv, runCli, startAllFakes, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fakes: Record<string, FakeModelServer> | undefined;
afterEach(async () => {
  await env?.cleanup();
  await Promise.all(Object.values(fakes ?? {}).map((f) => f.stop()));
  env = undefined;
});

describe("hosts set up by `subagent-mcp setup` offer our tools to their model", () => {
  it("Claude Code, Codex and Gemini CLI, started against the fake model, carry subagent-mcp's tools", async () => {
    const f = (fakes = await startAllFakes());
    const e = (env = await loopbackEnv(f));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude,codex,gemini"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);

    // Tool search off: Claude Code offers MCP tools up front instead of deferring them.
    await runCli({ ...e, cli: "claude", env: { ...e.env, ENABLE_TOOL_SEARCH: "false" } }, ["-p", "hello claude"], {
      step: "claude after setup",
      timeoutMs: 80_000,
    });
    const claude = f.claude.requests.find((r) => r.lastUserText.includes("hello claude") && r.tools.length > 0);
    expect(claude?.tools).toEqual(expect.arrayContaining(["mcp__subagent-mcp__launch_agent", "mcp__subagent-mcp__wait", "mcp__subagent-mcp__invoke"]));

    // Headless Gemini CLI offers only tools that need no confirmation: allow ours (setup leaves trust to the user).
    await runCli({ ...e, cli: "gemini" }, ["-p", "hello gemini", "--allowed-tools", "mcp_subagent-mcp_launch_agent,mcp_subagent-mcp_wait"], {
      step: "gemini after setup",
      timeoutMs: 80_000,
    });
    const gemini = f.gemini.requests.find((r) => r.lastUserText.includes("hello gemini") && r.tools.length > 0);
    expect(gemini?.tools).toEqual(expect.arrayContaining(["mcp_subagent-mcp_launch_agent", "mcp_subagent-mcp_wait"]));

    // Codex 0.169 defers MCP tools behind tool_search and names each searchable server to the model.
    await runCli({ ...e, cli: "codex" }, ["exec", "--skip-git-repo-check", "-m", "gpt-5.5", "hello codex"], { step: "codex after setup", timeoutMs: 80_000 });
    const codex = f.codex.requests.find((r) => r.lastUserText.includes("hello codex") && r.tools.length > 0);
    expect(JSON.stringify(codex?.body)).toMatch(
      /Deferred tool namespaces:.*- mcp__subagent_mcp: Run sub-agents on Claude Code, Codex or Gemini CLI\. launch_agent/,
    );
  });
});
