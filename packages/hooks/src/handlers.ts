import { HOOK_EVENTS, type HookHost } from "./events.js";
import { isOrchestrating } from "./mode.js";

/**
 * What a host hook receives on stdin (the fields we use). Claude Code and Codex send
 * UserPromptSubmit / PreToolUse, Gemini CLI sends BeforeAgent / BeforeTool; all three carry
 * `cwd`, `tool_name` and `tool_input`.
 */
export interface HookInput {
  hook_event_name?: string;
  /** The host's session id (all three hosts send it). */
  session_id?: string;
  cwd?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
}
export type ClaudeHookInput = HookInput;

/** The directive injected into each user prompt while orchestration mode is on. */
export const DIRECTIVE =
  "Orchestration mode is on: delegate the work instead of doing it yourself. Start sub-agents with the subagent-mcp tools (launch_agent with a task_category, or invoke for a named pool agent), run independent pieces in parallel, then call wait (again while agents still run) and combine their results.";

export interface HookContext {
  stateDir: string;
  /** Names of pool agent definitions, to point a custom-agent launch to `invoke`. */
  poolAgents: () => string[];
  env: Record<string, string | undefined>;
}

type Decision = { kind: "directive" } | { kind: "deny"; reason: string };

// The host-independent part: whether to inject the directive or deny a native sub-agent launch.
// Sub-agents we launched (SUBAGENT_MCP_DEPTH > 0) never get orchestrator directives.
function decide(host: HookHost, input: HookInput, ctx: HookContext): Decision | undefined {
  if (Number(ctx.env.SUBAGENT_MCP_DEPTH ?? 0) > 0) return undefined;
  if (!isOrchestrating(ctx.stateDir, input.cwd ?? process.cwd(), input.session_id)) return undefined;
  const spec = HOOK_EVENTS[host];
  if (input.hook_event_name === spec.prompt) return { kind: "directive" };
  if (input.hook_event_name !== spec.tool || !(spec.native as readonly string[]).includes(input.tool_name ?? "")) return undefined;
  const wanted = input.tool_input?.[spec.agentArg];
  const pooled = typeof wanted === "string" && ctx.poolAgents().includes(wanted);
  const reason = pooled
    ? `Orchestration mode is on: "${wanted}" is a pool agent; call the subagent-mcp tool invoke with agent "${wanted}" instead.`
    : "Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent (then wait) instead of the built-in agent tool.";
  return { kind: "deny", reason };
}

/**
 * Answers one hook event of `host`; returns the JSON to print, or undefined for "no opinion".
 * Claude Code and Codex read the same output shape; Gemini CLI reads `decision`/`reason` for a
 * denial and `hookSpecificOutput.additionalContext` for added context.
 */
export function hostHook(host: HookHost, input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  const decision = decide(host, input, ctx);
  if (decision === undefined) return undefined;
  const event = decision.kind === "directive" ? HOOK_EVENTS[host].prompt : HOOK_EVENTS[host].tool;
  if (decision.kind === "directive") return { hookSpecificOutput: { hookEventName: event, additionalContext: DIRECTIVE } };
  if (host === "gemini") return { decision: "deny", reason: decision.reason };
  return { hookSpecificOutput: { hookEventName: event, permissionDecision: "deny", permissionDecisionReason: decision.reason } };
}

/** Claude Code's UserPromptSubmit / PreToolUse handler. */
export function claudeHook(input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  return hostHook("claude", input, ctx);
}

/** Codex's UserPromptSubmit / PreToolUse handler (Claude Code's wire format). */
export function codexHook(input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  return hostHook("codex", input, ctx);
}

/** Gemini CLI's BeforeAgent / BeforeTool handler. */
export function geminiHook(input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  return hostHook("gemini", input, ctx);
}
