import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "@subagent-mcp/testkit";
import { bin, startE2E, type E2E } from "./e2e.js";

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

describe("a real Claude Code as the MCP host", () => {
  it("calls launch_agent then wait on our server, and gets the sub-agent's answer", async () => {
    const s = (e = await startE2E());
    // The host's model (the Anthropic fake) is scripted: launch a Codex sub-agent, wait for it, report.
    s.fakes.claude.script((request, nonce) => {
      if (!request.tools.includes("mcp__subagent__launch_agent")) return undefined;
      const results = request.messages.filter((m) => m.role === "tool");
      if (results.length === 0) return { kind: "tool", name: "mcp__subagent__launch_agent", input: { provider: "codex", prompt: "sub-task from the host" } };
      if (results.length === 1) {
        const id = /agent[ _"id:]*([0-9a-f]{8})/.exec(results[0]?.text ?? "")?.[1] ?? "missing";
        return { kind: "tool", name: "mcp__subagent__wait", input: { agent_ids: [id], timeout_s: 60 } };
      }
      return { kind: "text", text: `${nonce} host saw: ${results[1]?.text ?? ""}` };
    });
    const mcpConfig = JSON.stringify({ mcpServers: { subagent: { command: process.execPath, args: [bin], env: s.serverEnv } } });
    const { stdout } = await runCli(
      // Tool search off: the host offers our MCP tools to its model up front instead of deferring them.
      { ...s.env, cli: "claude", env: { ...s.env.env, ENABLE_TOOL_SEARCH: "false" } },
      [
        "-p",
        "delegate this",
        "--output-format",
        "json",
        "--mcp-config",
        mcpConfig,
        "--strict-mcp-config",
        "--allowedTools",
        "mcp__subagent__launch_agent,mcp__subagent__wait",
      ],
      { step: "claude hosting subagent-mcp", timeoutMs: 90_000 },
    );
    const out = JSON.parse(stdout) as { result: string; is_error: boolean };
    expect(out.is_error).toBe(false);
    expect(out.result).toContain(`${s.fakes.claude.nonce} host saw:`);
    // The sub-agent's answer came from the Codex fake, through launch_agent and wait.
    expect(out.result).toContain(s.fakes.codex.nonce);
    expect(out.result).toContain("sub-task from the host");
  });
});
