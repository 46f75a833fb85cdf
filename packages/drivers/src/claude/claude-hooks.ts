import type { PermissionRuling } from "@subagent-mcp/core";
import { z } from "zod";
import { claudePermissionRequest } from "./claude-permission.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { PermissionRequest } from "@subagent-mcp/contract";

// Claude Code allows some tool uses on its own (reads inside its cwd, commands it deems read-only),
// so a deny rule that waited for `can_use_tool` would never see them. A PreToolUse hook registered
// over the control protocol (as the official Agent SDK does) is called before every tool use,
// whatever Claude would decide, and our rules can refuse it there.

/** The id our PreToolUse hook is registered under in `initialize`. */
export const PRECHECK_HOOK = "subagent-mcp-precheck";

/** The `initialize` control request that registers the hook for every tool. */
export function hookInitialize(requestId: string): Record<string, unknown> {
  return {
    type: "control_request",
    request_id: requestId,
    request: { subtype: "initialize", hooks: { PreToolUse: [{ matcher: null, hookCallbackIds: [PRECHECK_HOOK] }] } },
  };
}

const PreToolUseInput = z.looseObject({ tool_name: z.string(), tool_input: z.record(z.string(), z.unknown()).optional() });

/**
 * The hook's answer for one tool use: refused with the reason on deny; "ask" (Claude then asks us
 * through `can_use_tool`) when an ask rule names it; otherwise nothing, and Claude goes on as it would.
 */
export function precheckAnswer(requestId: string, input: unknown, precheck: (request: PermissionRequest) => PermissionRuling): Record<string, unknown> {
  const parsed = PreToolUseInput.safeParse(input);
  if (!parsed.success) return {};
  const request = claudePermissionRequest(`hook-${requestId}`, parsed.data.tool_name, parsed.data.tool_input ?? {});
  let ruling: PermissionRuling;
  try {
    ruling = precheck(request);
  } catch (error) {
    ruling = { decision: "deny", why: `the permission rules could not be checked: ${errorMessage(error)}` };
  }
  if (ruling.decision === "deny") return decision("deny", `Denied: ${ruling.why}.`);
  if (ruling.decision === "ask" && ruling.rule !== undefined) return decision("ask", ruling.why);
  return {};
}

function decision(permissionDecision: "deny" | "ask", reason: string): Record<string, unknown> {
  return { hookSpecificOutput: { hookEventName: "PreToolUse", permissionDecision, permissionDecisionReason: reason } };
}
