import { z } from "zod";
import { permissionRequest } from "../permissions/permissions.js";
import type { PermissionDecision, PermissionKind, PermissionRequest } from "@subagent-mcp/contract";

const EDIT_TOOLS = new Set(["Edit", "Write", "MultiEdit", "NotebookEdit"]);
const READ_TOOLS = new Set(["Read", "Glob", "Grep", "LS"]);
const FETCH_TOOLS = new Set(["WebFetch", "WebSearch"]);

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** Claude Code's `can_use_tool` question as the normalized request (its tool names are the reference naming). */
export function claudePermissionRequest(requestId: string, tool: string, input: Record<string, unknown>, blockedPath?: string): PermissionRequest {
  const path = text(input.file_path) ?? text(input.notebook_path) ?? text(input.path) ?? blockedPath;
  let kind: PermissionKind = "other";
  if (tool === "Bash") kind = "shell";
  else if (EDIT_TOOLS.has(tool)) kind = "edit";
  else if (READ_TOOLS.has(tool)) kind = "read";
  else if (FETCH_TOOLS.has(tool)) kind = "fetch";
  else if (tool.startsWith("mcp__")) kind = "mcp";
  return permissionRequest(requestId, tool, kind, input, {
    command: kind === "shell" ? text(input.command) : undefined,
    path: kind === "edit" || kind === "read" ? path : undefined,
    url: kind === "fetch" ? text(input.url) : undefined,
  });
}

const AddRules = z.looseObject({ type: z.literal("addRules"), rules: z.array(z.looseObject({ toolName: z.string(), ruleContent: z.string().optional() })) });

/**
 * The `control_response` payload answering `can_use_tool` (the Agent SDK's PermissionResult).
 * `allow_always` hands back only the CLI's own rule suggestions (addRules, e.g. `Bash(touch x)`), for
 * this session: never its other suggestions (a whole mode, a directory) nor its settings files.
 */
export function claudePermissionResult(
  decision: PermissionDecision,
  input: Record<string, unknown>,
  suggestions: unknown[] | undefined,
): Record<string, unknown> {
  if (decision.behavior === "deny") return { behavior: "deny", message: decision.message ?? "The user denied this tool use." };
  const rules = decision.behavior === "allow_always" ? (suggestions ?? []).flatMap((s) => AddRules.safeParse(s).data ?? []) : [];
  if (rules.length === 0) return { behavior: "allow", updatedInput: input };
  return { behavior: "allow", updatedInput: input, updatedPermissions: rules.map((r) => ({ ...r, behavior: "allow", destination: "session" })) };
}

/** What makes two requests the same for `allow_always` when the CLI has no rule for it: tool and target. */
export function sameRequestKey(request: PermissionRequest): string {
  return JSON.stringify([request.tool, request.command ?? request.path ?? request.url ?? request.input]);
}
