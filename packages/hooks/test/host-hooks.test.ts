import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { codexHookHash, removeCodexHooks, withCodexHooks } from "../src/codex-hooks.js";
import { removeGeminiHooks, withGeminiHooks } from "../src/gemini-hooks.js";
import { codexHook, DIRECTIVE, geminiHook, type HookContext } from "../src/handlers.js";
import { setOrchestrating } from "../src/mode.js";

const CMD = "/usr/bin/node /x/main.js";

describe("Gemini CLI hooks in settings.json", () => {
  it("adds BeforeAgent and an anchored BeforeTool beside the user's hooks, idempotently, and removes only ours", () => {
    const text = '{\n  // mine\n  "hooks": {\n    "BeforeTool": [\n      { "matcher": "run_shell_command", "hooks": [{ "type": "command", "command": "my-guard" }] }\n    ]\n  }\n}\n';
    const added = withGeminiHooks(text, CMD);
    const parsed = JSON.parse(added.replace("// mine\n", "")) as { hooks: Record<string, { matcher?: string; hooks: { command: string; timeout: number }[] }[]> };
    expect(parsed.hooks.BeforeTool?.map((h) => h.matcher)).toEqual(["run_shell_command", "^(invoke_agent)$"]);
    expect(parsed.hooks.BeforeAgent?.[0]?.hooks[0]).toMatchObject({ command: `${CMD} hook gemini`, timeout: 10_000 });
    expect(withGeminiHooks(added, CMD)).toBe(added);
    expect(removeGeminiHooks(added)).toBe(text);
  });
});

describe("Codex hooks in config.toml", () => {
  it("adds both hooks with trust entries keyed after the user's own groups, and removes only them", () => {
    const text = '# mine\n[[hooks.PreToolUse]]\nmatcher = "Bash"\n[[hooks.PreToolUse.hooks]]\ntype = "command"\ncommand = "my-guard"\n';
    const added = withCodexHooks(text, CMD, "/h/.codex/config.toml");
    const parsed = parse(added) as { hooks: { PreToolUse: unknown[]; UserPromptSubmit: unknown[]; state: Record<string, { trusted_hash: string }> } };
    expect(parsed.hooks.PreToolUse).toHaveLength(2);
    expect(parsed.hooks.state["/h/.codex/config.toml:pre_tool_use:1:0"]?.trusted_hash).toBe(codexHookHash("pre_tool_use", "spawn_agent|collaborationspawn_agent", `${CMD} hook codex`, 10));
    expect(parsed.hooks.state["/h/.codex/config.toml:user_prompt_submit:0:0"]).toBeDefined();
    expect(withCodexHooks(added, CMD, "/h/.codex/config.toml")).toBe(added);
    expect(removeCodexHooks(added)).toBe(text);
  });

  it("computes Codex 0.169's trust hash (values read back from its hooks/list)", () => {
    expect(codexHookHash("pre_tool_use", "spawn_agent", "/usr/bin/node /x/main.js hook codex", 10)).toBe("sha256:2e6d31337d48247c21b4fbfc5174bf69b1e7992cf48a32a32c9a506025fbb715");
    expect(codexHookHash("user_prompt_submit", undefined, "/usr/bin/node /x/main.js hook codex", 10)).toBe("sha256:40933e3219fbccb1de7c8cd74a2a22f8a658195b289e0fda1b0e4fd9f03813b5");
  });
});

describe("hook handlers for Codex and Gemini CLI", () => {
  const state = mkdtempSync(join(tmpdir(), "hooks-state-"));
  const cwd = mkdtempSync(join(tmpdir(), "hooks-cwd-"));
  const ctx = (env: Record<string, string> = {}): HookContext => ({ stateDir: state, env, poolAgents: () => ["reviewer"] });

  it("say nothing while orchestration mode is off", () => {
    setOrchestrating(state, cwd, false);
    expect(geminiHook({ hook_event_name: "BeforeAgent", cwd }, ctx())).toBeUndefined();
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "invoke_agent", tool_input: {} }, ctx())).toBeUndefined();
    expect(codexHook({ hook_event_name: "PreToolUse", cwd, tool_name: "spawn_agent" }, ctx())).toBeUndefined();
  });

  it("inject the directive and deny the native sub-agent tool while on, pointing a pool agent to invoke", () => {
    setOrchestrating(state, cwd, true);
    expect(geminiHook({ hook_event_name: "BeforeAgent", cwd }, ctx())).toEqual({ hookSpecificOutput: { hookEventName: "BeforeAgent", additionalContext: DIRECTIVE } });
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "invoke_agent", tool_input: { agent_name: "generalist" } }, ctx())).toEqual({
      decision: "deny",
      reason: expect.stringContaining("launch_agent") as string,
    });
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "invoke_agent", tool_input: { agent_name: "reviewer" } }, ctx())).toMatchObject({ reason: expect.stringContaining('invoke with agent "reviewer"') as string });
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "run_shell_command", tool_input: {} }, ctx())).toBeUndefined();
    expect(codexHook({ hook_event_name: "UserPromptSubmit", cwd }, ctx())).toEqual({ hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext: DIRECTIVE } });
    expect(codexHook({ hook_event_name: "PreToolUse", cwd, tool_name: "spawn_agent", tool_input: { agent_type: "reviewer" } }, ctx())).toMatchObject({
      hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: expect.stringContaining("invoke") as string },
    });
  });

  it("stay silent for sub-agents (SUBAGENT_MCP_DEPTH > 0)", () => {
    setOrchestrating(state, cwd, true);
    expect(geminiHook({ hook_event_name: "BeforeAgent", cwd }, ctx({ SUBAGENT_MCP_DEPTH: "1" }))).toBeUndefined();
    expect(codexHook({ hook_event_name: "PreToolUse", cwd, tool_name: "spawn_agent" }, ctx({ SUBAGENT_MCP_DEPTH: "2" }))).toBeUndefined();
  });
});
