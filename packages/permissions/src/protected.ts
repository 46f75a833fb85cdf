import { configDir, configLayout, stateDir, stateLayout } from "@subagent-mcp/state";
import type { PermissionRules } from "./rule.js";

// What lets a launch run lives in a few files of ours: the fleet key, the user's config (its
// mailbox URL may hold the Redis password) and the servers' records (each names its control
// endpoint with its token). Every sub-agent is denied them, whatever else its rules say: a read or
// an edit by a file tool, and a shell command naming one (the shell parser and real paths judge it).
// The state folder as a whole stays open: worktrees live there.

// A path as a gitignore pattern names it literally.
function literal(path: string): string {
  return path.replace(/[\\*?[\]!#]/g, (c) => `\\${c}`);
}

/** The files every sub-agent is denied, for this user (home and XDG folders from `env`). */
export function protectedPaths(ctx: { home: string; env: Record<string, string | undefined> }): { files: string[]; folders: string[] } {
  const config = configLayout(configDir(ctx));
  return { files: [config.fleetKey, config.config], folders: [stateLayout(stateDir(ctx)).servers] };
}

/** The deny rules that keep every sub-agent away from {@link protectedPaths}: merged into every launch's rules. */
export function protectedRules(ctx: { home: string; env: Record<string, string | undefined> }): PermissionRules {
  const { files, folders } = protectedPaths(ctx);
  const patterns = [...files.map(literal), ...folders.map((f) => `${literal(f)}/**`)];
  return { deny: patterns.flatMap((p) => [`Read(/${p})`, `Edit(/${p})`]) };
}
