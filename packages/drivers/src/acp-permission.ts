import type { PermissionOption, RequestPermissionResponse, ToolCallUpdate } from "@agentclientprotocol/sdk";
import type { PermissionDecision, PermissionKind, PermissionRequest } from "@subagent-mcp/core";
import { permissionRequest } from "./permissions.js";

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const field = (input: unknown, ...names: string[]): string | undefined => {
  if (typeof input !== "object" || input === null) return undefined;
  const record = input as Record<string, unknown>;
  for (const name of names) if (text(record[name]) !== undefined) return record[name] as string;
  return undefined;
};

/**
 * An ACP `session/request_permission` tool call as the normalized request. ACP names kinds, not
 * tools, so the tool is Claude Code's for the kind (a write of a whole file is `Write`).
 */
export function acpPermissionRequest(requestId: string, call: ToolCallUpdate): PermissionRequest {
  const input = call.rawInput;
  const own = call.name ?? call.title ?? "tool";
  const path = field(input, "file_path", "absolute_path", "path", "dir_path") ?? call.locations?.[0]?.path;
  const pick = (): { tool: string; kind: PermissionKind } => {
    if (/^mcp_/.test(own)) return { tool: own.replace(/^mcp_([^_]+)_/, "mcp__$1__"), kind: "mcp" };
    switch (call.kind) {
      case "execute":
        return { tool: "Bash", kind: "shell" };
      case "edit":
      case "delete":
      case "move":
        return { tool: field(input, "content") !== undefined ? "Write" : "Edit", kind: "edit" };
      case "read":
      case "search":
        return { tool: "Read", kind: "read" };
      case "fetch":
        return { tool: "WebFetch", kind: "fetch" };
      default:
        return { tool: own, kind: "other" };
    }
  };
  const { tool, kind } = pick();
  return permissionRequest(requestId, tool, kind, input, {
    command: kind === "shell" ? (field(input, "command") ?? call.title ?? undefined) : undefined,
    path: kind === "edit" || kind === "read" ? path : undefined,
    url: kind === "fetch" ? (field(input, "url") ?? field(input, "prompt")) : undefined,
  });
}

/**
 * The option answering a decision, from those the agent offered. ACP has no field for a deny's
 * reason: the model only learns that the user refused.
 */
export function acpPermissionOutcome(decision: PermissionDecision, options: PermissionOption[]): RequestPermissionResponse {
  const wanted =
    decision.behavior === "allow" ? ["allow_once"] : decision.behavior === "allow_always" ? ["allow_always", "allow_once"] : ["reject_once", "reject_always"];
  for (const kind of wanted) {
    const option = options.find((o) => o.kind === kind);
    if (option !== undefined) return { outcome: { outcome: "selected", optionId: option.optionId } };
  }
  // No option says yes or no as asked: cancelling is the one answer that never allows.
  return { outcome: { outcome: "cancelled" } };
}
