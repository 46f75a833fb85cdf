import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensurePrivateDir, writePrivate, stateLayout } from "@subagent-mcp/state";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * The file name of a host session's (if given) or a project's own file in one of our state
 * folders: a hash of the session id, or of the project's absolute path.
 */
export function scopeFileName(cwd: string, session?: string): string {
  const key = createHash("sha256")
    .update(session === undefined ? resolve(cwd) : `session:${session}`)
    .digest("hex")
    .slice(0, 16);
  return session === undefined ? `${key}.json` : `session-${key}.json`;
}

/**
 * Orchestration mode is kept per host session where the host tells both sides its id (Claude Code
 * gives its MCP servers CLAUDE_CODE_SESSION_ID and its hooks session_id), otherwise per project.
 * A session's own setting wins; a session that never set one follows its project's.
 */
export function modeFile(stateDir: string, cwd: string, session?: string): string {
  return join(stateLayout(stateDir).mode, scopeFileName(cwd, session));
}

function read(path: string): boolean | undefined {
  try {
    const enabled = (JSON.parse(readFileSync(path, "utf8")) as { enabled?: unknown }).enabled;
    return typeof enabled === "boolean" ? enabled : undefined;
  } catch {
    return undefined;
  }
}

/** Whether orchestration mode is on for this host session (if given) or the project at `cwd` (off unless turned on). */
export function isOrchestrating(stateDir: string, cwd: string, session?: string): boolean {
  const own = session === undefined || session === "" ? undefined : read(modeFile(stateDir, cwd, session));
  return own ?? read(modeFile(stateDir, cwd)) ?? false;
}

/** Turns orchestration mode on or off for this host session (if given) or the project at `cwd`. */
export function setOrchestrating(stateDir: string, cwd: string, enabled: boolean, session?: string): void {
  const scoped = session === undefined || session === "" ? undefined : session;
  ensurePrivateDir(stateDir);
  writePrivate(modeFile(stateDir, cwd, scoped), `${JSON.stringify({ enabled, cwd: resolve(cwd), ...definedFields({ session: scoped }) })}\n`);
}
