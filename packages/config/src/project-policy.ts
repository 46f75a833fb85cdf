import { trustNeeded } from "@subagent-mcp/contract";
import type { TrustStatus } from "./trust.js";

// What a project may decide on its own. A cloned repository is not the user: its files may tune how
// agents work, but never choose a program to run or grant an agent more than the user would.

/**
 * What a definition grants beyond what an untrusted project may (e.g. "permission_mode bypassPermissions"),
 * by contract's list of the launch options that need trust; empty when nothing. Its escalation's check
 * is not among them: without trust it escalates on errors only (@subagent-mcp/agents/pool).
 */
export function definitionPrivileges(d: {
  permissionMode?: string | undefined;
  allowedTools?: string[] | undefined;
  permissions?: { allow?: string[] | undefined } | undefined;
  machine?: string | undefined;
  mcpServers?: readonly unknown[] | undefined;
}): string[] {
  return trustNeeded({
    mcp_servers: d.mcpServers,
    machine: d.machine,
    permission_mode: d.permissionMode,
    allowed_tools: d.allowedTools,
    permissions: d.permissions,
  });
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
