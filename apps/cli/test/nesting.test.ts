import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeRequest } from "@subagent-mcp/testkit";
import { bin, startE2E, type E2E } from "./e2e.js";

interface WaitOut {
  finished: { agent_id: string; result: string }[];
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

// `subagent-mcp setup` registers the user-wide server in the test HOME, as a user would.
async function setup(s: E2E, host: string): Promise<void> {
  const out = await execa(process.execPath, [bin, "setup", "--host", host], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
  expect(out.exitCode, out.stderr).toBe(0);
}

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);

describe("a sub-agent's own subagent-mcp server knows where it runs", () => {
  it("under a real Codex sub-agent, the user-wide server sees depth 1 and the inherited limit", async () => {
    const s = (e = await startE2E({ SUBAGENT_MCP_MAX_DEPTH: "1" }));
    await setup(s, "codex");
    // The sub-agent's model calls launch_agent on the subagent-mcp server Codex started from config.toml.
    s.fakes.codex.script((r, nonce) => {
      if (!r.lastUserText.includes("go deeper")) return undefined;
      if (r.afterToolResult) return { kind: "text", text: `${nonce} nested said: ${r.messages.at(-1)?.text ?? ""}` };
      return { kind: "tool", name: "mcp__subagent_mcp__launch_agent", input: { provider: "codex", model: "gpt-5.5", prompt: "grandchild" } };
    });
    const launched = await s.call<{ agent_id: string }>("launch_agent", { provider: "codex", model: "gpt-5.5", prompt: "go deeper" });
    const done = await s.call<WaitOut>("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    expect(done.finished[0]?.result).toContain(`${s.fakes.codex.nonce} nested said:`);
    expect(done.finished[0]?.result).toContain("sub-agents may nest 1 levels deep and this server is at depth 1");
    expect(s.fakes.codex.requests.some((r) => r.lastUserText.includes("grandchild"))).toBe(false);
  });

  it("under a real Claude sub-agent, it grants no more than the sub-agent has and reads only the sub-agent's mail", async () => {
    // Named, so that this orchestrator does not read the shared "orchestrator" mailbox itself.
    const s = (e = await startE2E({ ENABLE_TOOL_SEARCH: "false", SUBAGENT_MCP_AGENT_NAME: "boss" }));
    await setup(s, "claude");
    const sent = await execa(process.execPath, [bin, "send", "orchestrator", "secret for the orchestrator"], {
      cwd: s.env.cwd,
      env: s.env.env,
      extendEnv: false,
    });
    expect(sent.exitCode).toBe(0);
    s.fakes.claude.script((r, nonce) => {
      if (!r.lastUserText.includes("escalate")) return undefined;
      const results = toolResults(r);
      if (results.length === 0)
        return {
          kind: "tool",
          name: "mcp__subagent-mcp__launch_agent",
          input: { provider: "codex", prompt: "with everything", permission_mode: "bypassPermissions" },
        };
      if (results.length === 1) return { kind: "tool", name: "mcp__subagent-mcp__inbox", input: {} };
      return { kind: "text", text: `${nonce} launch: ${results[0] ?? ""} || inbox: ${results[1] ?? ""}` };
    });
    // Launched with no permission mode: its ceiling is default, with these two tools.
    const launched = await s.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      prompt: "escalate",
      allowed_tools: ["mcp__subagent-mcp__launch_agent", "mcp__subagent-mcp__inbox"],
    });
    const done = await s.call<WaitOut>("wait", { agent_ids: [launched.agent_id], timeout_s: 60 });
    const result = done.finished[0]?.result ?? "";
    expect(result).toContain(`${s.fakes.claude.nonce} launch:`);
    expect(result).toContain('permission mode "bypassPermissions" is more than this agent was given (default)');
    expect(result).toContain('inbox: {"messages":[]}');
    expect(s.fakes.codex.requests.some((r) => r.lastUserText.includes("with everything"))).toBe(false);
    // The orchestrator's mail is still there for the orchestrator.
    const left = await execa(process.execPath, [bin, "mail", "orchestrator", "--json"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false });
    expect((JSON.parse(left.stdout) as { waiting: { body: string }[] }).waiting.map((m) => m.body)).toEqual(["secret for the orchestrator"]);
  });

  it("a worker's session runs one level deeper under its own name, and a worker inside a sub-agent grants no more than it has", async () => {
    const s = (e = await startE2E());
    const run = (args: string[], env: Record<string, string> = {}) =>
      execa(process.execPath, [bin, "worker", ...args], { cwd: s.env.cwd, env: { ...s.env.env, ...env }, extendEnv: false, reject: false });
    const plan = await run(["--name", "scribe", "--provider", "codex", "--print"]);
    expect(plan.exitCode, plan.stderr).toBe(0);
    const session = (JSON.parse(plan.stdout) as { session: { env: Record<string, string>; mcpEnv: string[] } }).session;
    expect(session.env).toMatchObject({ SUBAGENT_MCP_DEPTH: "1", SUBAGENT_MCP_AGENT_NAME: "scribe", SUBAGENT_MCP_PERMISSION_CEILING: "default" });
    expect(session.mcpEnv).toContain("SUBAGENT_MCP_DEPTH");
    const above = await run(["--name", "scribe", "--permission-mode", "bypassPermissions", "--print"], {
      SUBAGENT_MCP_DEPTH: "1",
      SUBAGENT_MCP_PERMISSION_CEILING: "acceptEdits",
    });
    expect(above.exitCode).not.toBe(0);
    expect(above.stderr).toContain('worker: permission mode "bypassPermissions" is more than this agent was given (acceptEdits)');
  });
});
