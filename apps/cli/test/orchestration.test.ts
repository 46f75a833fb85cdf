import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECTIVE, setOrchestrating } from "@subagent-mcp/hooks";
import { stateDir } from "@subagent-mcp/state";
import { loopbackEnv, runCli, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
afterEach(async () => {
  await env?.cleanup();
  await fake?.stop();
});

describe("orchestration mode with a real Claude Code host", () => {
  it("denies the native sub-agent tool with our reason while ON, injects the directive, and allows it while OFF", async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    // The host's model asks for Claude Code's own sub-agent tool, then reports what it got back.
    f.script((request, nonce) => {
      if (!request.tools.includes("Agent") || request.lastUserText !== "please delegate") return undefined;
      if (!request.afterToolResult)
        return { kind: "tool", name: "Agent", input: { description: "sub work", prompt: "do sub work", subagent_type: "general-purpose" } };
      // Everything after the model's tool call: the tool's result, and what Claude Code attached to it
      // (a busy machine may connect our MCP server late, and Claude then lists its tools there too).
      const after = request.messages.slice(request.messages.findLastIndex((m) => m.role === "assistant") + 1);
      return { kind: "text", text: `${nonce} tool said: ${after.map((m) => m.text).join("\n")}` };
    });
    const run = async () =>
      JSON.parse((await runCli(e, ["-p", "please delegate", "--output-format", "json"], { step: "claude with hooks", timeoutMs: 60_000 })).stdout) as {
        result: string;
      };

    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, true);
    const on = await run();
    expect(on.result).toContain("Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent");
    const withDirective = f.requests.find((r) => r.lastUserText === "please delegate");
    expect(withDirective?.messages.some((m) => m.text.includes(DIRECTIVE))).toBe(true);

    f.clearRequests();
    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, false);
    const off = await run();
    expect(off.result).not.toContain("Orchestration mode is on");
    expect(f.requests.some((r) => r.lastUserText.includes("do sub work"))).toBe(true);
    expect(f.requests.some((r) => r.messages.some((m) => m.text.includes(DIRECTIVE)))).toBe(false);
  });

  it("a hook answers fast and stays silent for sub-agents and on bad input", async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    setOrchestrating(stateDir({ home: e.home, env: e.env }), e.cwd, true);
    const input = JSON.stringify({ hook_event_name: "PreToolUse", cwd: e.cwd, tool_name: "Agent", tool_input: { subagent_type: "x" } });
    const denied = await execa(process.execPath, [bin, "hook", "claude"], { input, env: e.env, extendEnv: false });
    expect(JSON.parse(denied.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: "deny" } });
    const child = await execa(process.execPath, [bin, "hook", "claude"], { input, env: { ...e.env, SUBAGENT_MCP_DEPTH: "1" }, extendEnv: false });
    expect(child.stdout).toBe("");
    const garbage = await execa(process.execPath, [bin, "hook", "claude"], { input: "not json", env: e.env, extendEnv: false });
    expect(garbage.exitCode).toBe(0);
    expect(garbage.stdout).toBe("");
  });

  it("the orchestration_mode tool sets the mode for the calling Claude Code session only", async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    // The host's model turns the mode on through our tool, then asks for its built-in sub-agent tool.
    f.script((request, nonce) => {
      if (!request.messages.some((m) => m.role === "user" && m.text.includes("session test"))) return undefined;
      const results = request.messages.filter((m) => m.role === "tool");
      const wantsMode = request.lastUserText.includes("turn it on");
      if (wantsMode && results.length === 0) return { kind: "tool", name: "mcp__subagent-mcp__orchestration_mode", input: { enabled: true } };
      if (results.length === (wantsMode ? 1 : 0))
        return { kind: "tool", name: "Agent", input: { description: "sub work", prompt: "do sub work", subagent_type: "general-purpose" } };
      if (request.lastUserText.includes("do sub work")) return { kind: "text", text: `${nonce} sub-agent done` };
      return { kind: "text", text: `${nonce} results: ${results.map((r) => r.text).join(" || ")}` };
    });
    const run = async (prompt: string) =>
      JSON.parse(
        (
          await runCli(
            { ...e, env: { ...e.env, ENABLE_TOOL_SEARCH: "false" } },
            ["-p", prompt, "--output-format", "json", "--allowedTools", "mcp__subagent-mcp__orchestration_mode"],
            { step: "claude session", timeoutMs: 80_000 },
          )
        ).stdout,
      ) as { result: string; session_id: string };
    const first = await run("session test: turn it on, then delegate");
    expect(first.result).toContain(`Claude Code session ${first.session_id}`);
    expect(first.result).toContain("Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent");
    // Another session in the same project is not in orchestration mode.
    const second = await run("session test: just delegate");
    expect(second.session_id).not.toBe(first.session_id);
    expect(second.result).not.toContain("Orchestration mode is on");
  });
});
