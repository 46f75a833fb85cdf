import { existsSync } from "node:fs";
import { execa } from "execa";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECTIVE, pendingFile, setOrchestrating, writePending } from "@subagent-mcp/hooks";
import { stateDir } from "@subagent-mcp/state";
import { cliExecutable, loopbackEnv, runCli, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
afterEach(async () => {
  await env?.cleanup();
  await fake?.stop();
});

// The start of the reason our Stop hook gives (see @subagent-mcp/hooks stopReason).
const BLOCKED = "Orchestration mode is on and your sub-agents are not done";
const DIGEST = "subagent-mcp: 1 sub-agent still running (wait).";

// Orchestration mode on, and a live "server" (this test's own process) publishing an agent still running.
function agentRunning(e: CliEnvironment): void {
  const state = stateDir({ home: e.home, env: e.env });
  setOrchestrating(state, e.cwd, true);
  writePending(pendingFile(state, e.cwd), {
    server_pid: process.pid,
    updated_at: new Date().toISOString(),
    running: [{ agent_id: "abcd1234", status: "processing" }],
    permission_requests: [],
    unread: [],
    messages_waiting: 0,
  });
}

describe("the Stop hook with a real Claude Code orchestrator", () => {
  it("keeps the orchestrator from finishing while its sub-agent runs, and lets it finish once it has the result", { timeout: 150_000 }, async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
    expect(setup.exitCode, setup.stderr).toBe(0);
    const state = stateDir({ home: e.home, env: e.env });
    setOrchestrating(state, e.cwd, true);
    // The host's model launches a slow sub-agent and tries to finish at once; told why it may not,
    // it waits for the sub-agent and reports what it got. The sub-agent's own requests (no
    // launch_agent tool) get the fake's [[slow:MS]] echo.
    let agent = "missing";
    f.script((request, nonce) => {
      if (!request.tools.includes("mcp__subagent__launch_agent")) return undefined;
      const results = request.messages.filter((m) => m.role === "tool");
      const blocked = request.messages.some((m) => m.role === "user" && m.text.includes(BLOCKED));
      if (results.length === 0)
        return { kind: "tool", name: "mcp__subagent__launch_agent", input: { provider: "claude", prompt: "[[slow:15000]] slow sub-task" } };
      agent = /agent[ _"id:]*([0-9a-f]{8})/.exec(results[0]?.text ?? "")?.[1] ?? agent;
      if (results.length === 1 && !blocked) return { kind: "text", text: "launched; finishing now" };
      if (results.length === 1) return { kind: "tool", name: "mcp__subagent__wait", input: { agent_ids: [agent], timeout_s: 120 } };
      return { kind: "text", text: `${nonce} final: ${results[1]?.text ?? ""}` };
    });
    const serverEnv = { ...e.env, SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
    const mcpConfig = JSON.stringify({ mcpServers: { subagent: { command: process.execPath, args: [bin], env: serverEnv } } });
    const { stdout } = await runCli(
      { ...e, env: { ...e.env, ENABLE_TOOL_SEARCH: "false" } },
      [
        "-p",
        "start the slow work",
        "--output-format",
        "json",
        "--mcp-config",
        mcpConfig,
        "--strict-mcp-config",
        "--allowedTools",
        "mcp__subagent__launch_agent,mcp__subagent__wait",
      ],
      { step: "claude orchestrator with the Stop hook", timeoutMs: 140_000 },
    );
    const out = JSON.parse(stdout) as { result: string; is_error: boolean; session_id: string };
    expect(out.is_error).toBe(false);
    // The model was told, by the Stop hook, which agent still runs and what to call.
    const told = f.requests.flatMap((r) => r.messages).find((m) => m.role === "user" && m.text.includes(BLOCKED));
    expect(told?.text).toContain(`Still running: ${agent}`);
    expect(told?.text).toContain("call wait");
    // It then waited and finished with the sub-agent's result.
    expect(out.result).toContain(`${f.nonce} final:`);
    expect(out.result).toContain("slow sub-task");
    // The server is gone: nothing of it is left for the hooks.
    expect(existsSync(pendingFile(state, e.cwd, out.session_id))).toBe(false);
    expect(existsSync(pendingFile(state, e.cwd))).toBe(false);
  });

  it("never blocks a stop that follows a blocked one (stop_hook_active), in any host", { timeout: 60_000 }, async () => {
    const f = (fake = await startFakeFor("claude"));
    const e = (env = await loopbackEnv("claude", f));
    agentRunning(e);
    const hook = async (host: string, event: string, active: boolean) =>
      (
        await execa(process.execPath, [bin, "hook", host], {
          input: JSON.stringify({ hook_event_name: event, cwd: e.cwd, session_id: "s", stop_hook_active: active }),
          env: e.env,
          extendEnv: false,
        })
      ).stdout;
    for (const [host, event] of [
      ["claude", "Stop"],
      ["codex", "Stop"],
      ["gemini", "AfterAgent"],
    ] as const) {
      expect(JSON.parse(await hook(host, event, false))).toMatchObject({ decision: "block", reason: expect.stringContaining("abcd1234") as string });
      expect(await hook(host, event, true)).toBe("");
    }
  });
});

describe("the stop hook in Codex and Gemini CLI", () => {
  it(
    "Codex runs our trusted Stop and SessionStart hooks: the reason and the digest reach its model, and the turn after the block ends",
    { timeout: 120_000 },
    async () => {
      const f = (fake = await startFakeFor("codex"));
      const e = (env = await loopbackEnv("codex", f));
      const setup = await execa(process.execPath, [bin, "setup", "--host", "codex"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
      expect(setup.exitCode, setup.stderr).toBe(0);
      agentRunning(e);
      await runCli(e, ["exec", "--json", "--skip-git-repo-check", "-m", "gpt-5.5", "finish quickly"], { step: "codex with the Stop hook", timeoutMs: 100_000 });
      const told = f.requests.flatMap((r) => r.messages).find((m) => m.text.includes(BLOCKED));
      expect(told?.text).toContain("Still running: abcd1234");
      // The digest of what waits: SessionStart's on its own, UserPromptSubmit's after the directive.
      const texts = f.requests.flatMap((r) => r.messages.map((m) => m.text));
      expect(texts).toContain(DIGEST);
      expect(texts).toContain(`${DIRECTIVE}\n${DIGEST}`);
    },
  );

  it(
    "Gemini CLI runs our AfterAgent and SessionStart hooks: the reason reaches its model as the next prompt, the digest opens the first, and the turn after the block ends",
    { timeout: 120_000 },
    async () => {
      const f = (fake = await startFakeFor("gemini"));
      const e = (env = await loopbackEnv("gemini", f));
      const setup = await execa(process.execPath, [bin, "setup", "--host", "gemini"], { cwd: e.cwd, env: e.env, extendEnv: false, reject: false });
      expect(setup.exitCode, setup.stderr).toBe(0);
      agentRunning(e);
      await runCli(e, ["-p", "finish quickly", "--output-format", "json", "--approval-mode", "yolo"], {
        step: "gemini with the AfterAgent hook",
        timeoutMs: 100_000,
      });
      const told = f.requests.filter((r) => !r.wantsJson).find((r) => r.lastUserText.includes(BLOCKED));
      expect(told?.lastUserText).toContain("Still running: abcd1234");
      // SessionStart's digest opens the prompt.
      expect(f.requests.some((r) => r.messages.some((m) => m.text.includes(`<hook_context>${DIGEST}</hook_context>`)))).toBe(true);
    },
  );
});
