import { isOrchestrating } from "./mode.js";

/** What a Claude Code hook receives on stdin (the fields we use). */
export interface ClaudeHookInput {
  hook_event_name?: string;
  cwd?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
}

/** Claude Code's native sub-agent tools (named Task in older versions, Agent in the pinned one). */
const NATIVE_SUBAGENT_TOOLS = new Set(["Task", "Agent"]);

/** The directive injected into each user prompt while orchestration mode is on. */
export const DIRECTIVE =
  "Orchestration mode is on: delegate the work instead of doing it yourself. Start sub-agents with the subagent-mcp tools (launch_agent with a task_category, or invoke for a named pool agent), run independent pieces in parallel, then call wait (again while agents still run) and combine their results.";

export interface HookContext {
  stateDir: string;
  /** Names of pool agent definitions, to point a custom-agent launch to `invoke`. */
  poolAgents: () => string[];
  env: Record<string, string | undefined>;
}

/**
 * Answers one Claude Code hook event; returns the JSON to print, or undefined for "no opinion".
 * Sub-agents we launched (SUBAGENT_MCP_DEPTH > 0) never get orchestrator directives.
 */
export function claudeHook(input: ClaudeHookInput, ctx: HookContext): Record<string, unknown> | undefined {
  if (Number(ctx.env.SUBAGENT_MCP_DEPTH ?? 0) > 0) return undefined;
  const cwd = input.cwd ?? process.cwd();
  if (!isOrchestrating(ctx.stateDir, cwd)) return undefined;
  if (input.hook_event_name === "UserPromptSubmit") {
    return { hookSpecificOutput: { hookEventName: "UserPromptSubmit", additionalContext: DIRECTIVE } };
  }
  if (input.hook_event_name === "PreToolUse" && NATIVE_SUBAGENT_TOOLS.has(input.tool_name ?? "")) {
    const wanted = input.tool_input?.subagent_type;
    const pooled = typeof wanted === "string" && ctx.poolAgents().includes(wanted);
    const reason = pooled
      ? `Orchestration mode is on: "${wanted}" is a pool agent; call the subagent-mcp tool invoke with agent "${wanted}" instead.`
      : "Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent (then wait) instead of the built-in agent tool.";
    return { hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision: "deny", permissionDecisionReason: reason } };
  }
  return undefined;
}
