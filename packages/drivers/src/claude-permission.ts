import type { PermissionDecision, PermissionKind, PermissionRequest } from "@subagent-mcp/core";
import { permissionRequest } from "./permissions.js";

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

/**
 * The `control_response` payload answering `can_use_tool` (the Agent SDK's PermissionResult).
 * `allow_always` hands back the CLI's own suggestions (rules for this session) so it stops asking;
 * without suggestions it adds a rule for the tool itself, for this session.
 */
export function claudePermissionResult(
  decision: PermissionDecision,
  tool: string,
  input: Record<string, unknown>,
  suggestions: unknown[] | undefined,
): Record<string, unknown> {
  if (decision.behavior === "deny") return { behavior: "deny", message: decision.message ?? "The user denied this tool use." };
  if (decision.behavior === "allow") return { behavior: "allow", updatedInput: input };
  const updatedPermissions =
    suggestions !== undefined && suggestions.length > 0
      ? suggestions
      : [{ type: "addRules", rules: [{ toolName: tool }], behavior: "allow", destination: "session" }];
  return { behavior: "allow", updatedInput: input, updatedPermissions };
}
