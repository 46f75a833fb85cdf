import { HOOK_EVENTS, type HookHost } from "./events.js";
import { isOrchestrating } from "./mode.js";
import { readPending } from "./pending.js";
import { pendingDigest, stopReason } from "./waiting.js";

/**
 * What a host hook receives on stdin (the fields we use). Claude Code and Codex send
 * UserPromptSubmit / PreToolUse / Stop / SessionStart, Gemini CLI sends BeforeAgent / BeforeTool /
 * AfterAgent / SessionStart; all three carry `cwd`, `tool_name` and `tool_input`.
 */
export interface HookInput {
  hook_event_name?: string;
  /** The host's session id (all three hosts send it). */
  session_id?: string;
  cwd?: string;
  tool_name?: string;
  tool_input?: Record<string, unknown>;
  /** On a stop event: true when this turn follows one a stop hook blocked (the host's loop guard). */
  stop_hook_active?: boolean;
}

/** The directive injected into each user prompt while orchestration mode is on. */
export const DIRECTIVE =
  "Orchestration mode is on: delegate the work instead of doing it yourself. Start sub-agents with the subagent-mcp tools (launch_agent with a task_category, or invoke for a named pool agent), run independent pieces in parallel, then call wait (again while agents still run) and combine their results. When a call goes to the background as a task (the host says so), do not call wait: carry on, and its result comes back to you by itself.";

export interface HookContext {
  stateDir: string;
  /** Names of pool agent definitions, to point a custom-agent launch to `invoke`. */
  poolAgents: () => string[];
  env: Record<string, string | undefined>;
}

type Decision = { kind: "context"; event: string; text: string } | { kind: "deny"; reason: string } | { kind: "block"; reason: string };

// What waits for this orchestrator, as its server published it (read only for the events that use it).
const waiting = (ctx: HookContext, input: HookInput, cwd: string) => readPending(ctx.stateDir, cwd, input.session_id);

// The host-independent part: whether to add context (the directive, what waits), deny a native
// sub-agent launch, or keep the orchestrator from finishing while its sub-agents need it.
// Sub-agents we launched (SUBAGENT_MCP_DEPTH > 0) never get orchestrator directives. The hook command
// answers for them in the shell already (command.ts); this holds for a command written some other way.
function decide(host: HookHost, input: HookInput, ctx: HookContext): Decision | undefined {
  if (Number(ctx.env.SUBAGENT_MCP_DEPTH ?? 0) > 0) return undefined;
  const spec = HOOK_EVENTS[host];
  const event = input.hook_event_name;
  // The host's loop guard: a turn that follows a blocked stop may always end.
  if (event === spec.stop && input.stop_hook_active === true) return undefined;
  const cwd = input.cwd ?? process.cwd();
  if (!isOrchestrating(ctx.stateDir, cwd, input.session_id)) return undefined;
  if (event === spec.prompt) {
    const pending = waiting(ctx, input, cwd);
    const digest = pending === undefined ? undefined : pendingDigest(pending);
    return { kind: "context", event, text: digest === undefined ? DIRECTIVE : `${DIRECTIVE}\n${digest}` };
  }
  if (event === spec.start || event === spec.stop) {
    const pending = waiting(ctx, input, cwd);
    if (pending === undefined) return undefined;
    if (event === spec.stop) {
      const reason = stopReason(pending);
      return reason === undefined ? undefined : { kind: "block", reason };
    }
    const digest = pendingDigest(pending);
    return digest === undefined ? undefined : { kind: "context", event, text: digest };
  }
  if (event !== spec.tool || !(spec.native as readonly string[]).includes(input.tool_name ?? "")) return undefined;
  const wanted = input.tool_input?.[spec.agentArg];
  const pooled = typeof wanted === "string" && ctx.poolAgents().includes(wanted);
  const reason = pooled
    ? `Orchestration mode is on: "${wanted}" is a pool agent; call the subagent-mcp tool invoke with agent "${wanted}" instead.`
    : "Orchestration mode is on: launch sub-agents with the subagent-mcp tool launch_agent (then wait, unless the host runs it as a background task) instead of the built-in agent tool.";
  return { kind: "deny", reason };
}

/**
 * Answers one hook event of `host`; returns the JSON to print, or undefined for "no opinion".
 * Claude Code and Codex read the same output shape; Gemini CLI reads `decision`/`reason` for a
 * denial and `hookSpecificOutput.additionalContext` for added context. All three read
 * `{decision: "block", reason}` from a stop hook as "go on, and here is why".
 */
export function hostHook(host: HookHost, input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  const decision = decide(host, input, ctx);
  if (decision === undefined) return undefined;
  if (decision.kind === "context") return { hookSpecificOutput: { hookEventName: decision.event, additionalContext: decision.text } };
  if (decision.kind === "block") return { decision: "block", reason: decision.reason };
  if (host === "gemini") return { decision: "deny", reason: decision.reason };
  return { hookSpecificOutput: { hookEventName: HOOK_EVENTS[host].tool, permissionDecision: "deny", permissionDecisionReason: decision.reason } };
}

/** Claude Code's UserPromptSubmit / PreToolUse / Stop / SessionStart handler. */
export function claudeHook(input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  return hostHook("claude", input, ctx);
}

/** Codex's UserPromptSubmit / PreToolUse / Stop / SessionStart handler (Claude Code's wire format). */
export function codexHook(input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  return hostHook("codex", input, ctx);
}

/** Gemini CLI's BeforeAgent / BeforeTool / AfterAgent / SessionStart handler. */
export function geminiHook(input: HookInput, ctx: HookContext): Record<string, unknown> | undefined {
  return hostHook("gemini", input, ctx);
}
