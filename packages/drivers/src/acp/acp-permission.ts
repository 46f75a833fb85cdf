import type { PermissionOption, RequestPermissionResponse, ToolCallUpdate } from "@agentclientprotocol/sdk";
import { permissionRequest } from "../permissions/permissions.js";
import { acceptsEdits, isBypass } from "../permissions/unasked.js";
import type { PermissionDecision, PermissionKind, PermissionRequest } from "@subagent-mcp/contract";

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const field = (input: unknown, ...names: string[]): string | undefined => {
  if (typeof input !== "object" || input === null) return undefined;
  const record = input as Record<string, unknown>;
  for (const name of names) if (text(record[name]) !== undefined) return record[name] as string;
  return undefined;
};

// Gemini CLI's tool names (the head of its toolCallId, `NAME__NAME_TIME_N`), which Qwen Code keeps, in Claude Code's naming.
const CLAUDE_NAME: Record<string, string> = {
  run_shell_command: "Bash",
  write_file: "Write",
  replace: "Edit",
  read_file: "Read",
  read_many_files: "Read",
  glob: "Glob",
  search_file_content: "Grep",
  grep_search: "Grep",
  list_directory: "LS",
  web_fetch: "WebFetch",
  google_web_search: "WebSearch",
};
const KIND_TOOL: Partial<Record<string, { tool: string; kind: PermissionKind }>> = {
  execute: { tool: "Bash", kind: "shell" },
  edit: { tool: "Edit", kind: "edit" },
  delete: { tool: "Edit", kind: "edit" },
  move: { tool: "Edit", kind: "edit" },
  read: { tool: "Read", kind: "read" },
  search: { tool: "Grep", kind: "read" },
  fetch: { tool: "WebFetch", kind: "fetch" },
};

/**
 * An ACP `session/request_permission` tool call as the normalized request: the kind from ACP's
 * kind, the tool in Claude Code's naming where the agent's own name is known. Gemini CLI sends no
 * `rawInput`, so the input is the call as shown (title, content, locations) and a shell command is
 * its title.
 */
export function acpPermissionRequest(requestId: string, call: ToolCallUpdate): PermissionRequest {
  // Qwen Code names its tool in `_meta.toolName`; Gemini CLI only in the head of the call's id.
  const named = (call._meta as { toolName?: unknown } | null | undefined)?.toolName;
  const own = typeof named === "string" && named !== "" ? named : (call.toolCallId.split("__")[0] ?? call.toolCallId);
  const input = call.rawInput ?? { title: call.title, content: call.content, locations: call.locations };
  const byKind = KIND_TOOL[call.kind ?? "other"] ?? { tool: own, kind: "other" as const };
  const mcp = /^mcp__(.+?)__(.+)$/.exec(own) ?? /^mcp_([^_]+)_(.+)$/.exec(own);
  const { tool, kind } =
    mcp !== null ? { tool: `mcp__${mcp[1] ?? ""}__${mcp[2] ?? ""}`, kind: "mcp" as const } : { tool: CLAUDE_NAME[own] ?? byKind.tool, kind: byKind.kind };
  const path = field(call.rawInput, "file_path", "absolute_path", "path", "dir_path") ?? call.locations?.[0]?.path;
  return permissionRequest(
    requestId,
    tool,
    kind,
    input,
    {
      command: kind === "shell" ? (field(call.rawInput, "command") ?? call.title ?? undefined) : undefined,
      path: kind === "edit" || kind === "read" ? path : undefined,
      url: kind === "fetch" ? (field(call.rawInput, "url") ?? field(call.rawInput, "prompt")) : undefined,
    },
    call.rawInput ?? shownArguments(call),
  );
}

// Gemini CLI shows an MCP tool call's arguments only as the JSON text of its content (when short enough).
function shownArguments(call: ToolCallUpdate): unknown {
  for (const item of call.content ?? []) {
    if (item.type !== "content" || item.content.type !== "text") continue;
    try {
      return JSON.parse(item.content.text) as unknown;
    } catch {
      // not the arguments
    }
  }
  return undefined;
}

/** Whether a session's permission mode allows a tool call by itself: bypass allows all, acceptEdits (and its aliases) edits. */
export function acpModeAllows(mode: string, call: ToolCallUpdate): boolean {
  return isBypass(mode) || (acceptsEdits(mode) && call.kind === "edit");
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
