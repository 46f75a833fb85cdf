import { LEVEL, levelRank, permissionLevelOf, PermissionModeSchema } from "@subagent-mcp/contract";
import type { TrustStatus } from "./trust.js";

// What a project may decide on its own. A cloned repository is not the user: its files may tune how
// agents work, but never choose a program to run or grant an agent more than the user would.

/**
 * Permission modes a project's own agent definition may ask for without trust: every name of a level
 * up to acceptEdits (each still asks, or headless refuses, before anything but reading and editing
 * in the project); auto and bypassPermissions need trust.
 */
const UNTRUSTED_PERMISSION_MODES: ReadonlySet<string> = new Set(
  PermissionModeSchema.options.filter((mode) => levelRank(permissionLevelOf(mode) ?? LEVEL.bypassPermissions) <= levelRank(LEVEL.acceptEdits)),
);

/** Tools a project's own definition may pre-approve without trust: reading, searching, a to-do list. */
const UNTRUSTED_TOOLS: ReadonlySet<string> = new Set([
  // Claude Code
  "Read",
  "Grep",
  "Glob",
  "LS",
  "NotebookRead",
  "TodoWrite",
  // Gemini CLI
  "read_file",
  "read_many_files",
  "list_directory",
  "glob",
  "grep_search",
  "search_file_content",
  "write_todos",
]);

// "Read(src/**)" is the Read tool with a path rule.
function toolName(tool: string): string {
  const paren = tool.indexOf("(");
  return (paren === -1 ? tool : tool.slice(0, paren)).trim();
}

/** What a definition grants beyond what an untrusted project may (e.g. "permission_mode bypassPermissions"); empty when nothing. */
export function definitionPrivileges(d: {
  permissionMode?: string | undefined;
  allowedTools?: string[] | undefined;
  permissions?: { allow?: string[] | undefined } | undefined;
  machine?: string | undefined;
  mcpServers?: readonly unknown[] | undefined;
}): string[] {
  const out: string[] = [];
  // Each names a program to run (or a URL to send to) with the user's rights and secrets.
  const servers = (d.mcpServers ?? []).map((s) => (typeof s === "string" ? s : ((s as { name?: string }).name ?? "?")));
  if (servers.length > 0) out.push(`mcp_servers ${servers.join(", ")}`);
  // Its tasks (and the repository they name) would go to another machine of the fleet.
  if (d.machine !== undefined) out.push(`machine ${d.machine}`);
  if (d.permissionMode !== undefined && !UNTRUSTED_PERMISSION_MODES.has(d.permissionMode)) out.push(`permission_mode ${d.permissionMode}`);
  const wide = (d.allowedTools ?? []).filter((t) => !UNTRUSTED_TOOLS.has(toolName(t)));
  if (wide.length > 0) out.push(`allowed_tools ${wide.join(", ")}`);
  // An allow rule answers a request without anyone seeing it, whatever its tool (as in a project's config).
  const allow = d.permissions?.allow ?? [];
  if (allow.length > 0) out.push(`permissions.allow ${allow.join(", ")}`);
  return out;
}

/** The command that grants trust, for messages (the path quoted for a POSIX shell when it needs it). */
export function trustCommand(root: string): string {
  const arg = /^[\w@%+=:,./-]+$/.test(root) ? root : `'${root.replace(/'/g, "'\\''")}'`;
  return `subagent-mcp trust --root ${arg}`;
}

/** Why a project's file is not trusted, for messages. */
export function untrustedReason(status: Exclude<TrustStatus, "trusted">): string {
  return status === "changed" ? "the file changed since you trusted this project" : "this project is not trusted";
}
