import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { codexHook, DIRECTIVE, geminiHook, type HookContext } from "../src/handlers.js";
import { setOrchestrating } from "../src/mode.js";

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
    expect(geminiHook({ hook_event_name: "BeforeAgent", cwd }, ctx())).toEqual({
      hookSpecificOutput: { hookEventName: "BeforeAgent", additionalContext: DIRECTIVE },
    });
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "invoke_agent", tool_input: { agent_name: "generalist" } }, ctx())).toEqual({
      decision: "deny",
      reason: expect.stringContaining("launch_agent") as string,
    });
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "invoke_agent", tool_input: { agent_name: "reviewer" } }, ctx())).toMatchObject({
      reason: expect.stringContaining('invoke with agent "reviewer"') as string,
    });
    expect(geminiHook({ hook_event_name: "BeforeTool", cwd, tool_name: "run_shell_command", tool_input: {} }, ctx())).toBeUndefined();
    expect(codexHook({ hook_event_name: "UserPromptSubmit", cwd }, ctx())).toEqual({
      hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext: DIRECTIVE },
    });
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
