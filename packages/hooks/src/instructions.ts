import { join } from "node:path";
import { readOrNull, type FileChange } from "./files.js";
import type { HostContext } from "./hosts.js";
import { removeManagedBlock, upsertManagedBlock } from "./managed-block.js";

/** The instructions every agent reads: how to delegate through subagent-mcp. Byte-stable. */
export const INSTRUCTIONS = [
  "## Sub-agents (subagent-mcp)",
  "",
  "Delegate independent pieces of work to sub-agents through the subagent-mcp MCP tools:",
  "- `launch_agent` starts one (give `task_category`, or `provider` claude/codex/gemini) and returns at once;",
  "- `wait` blocks until turns finish (45 s by default; call it again while agents still run);",
  "- `poll_agent` shows status and output, `send_message` sends a follow-up, `kill_agent` stops one;",
  "- `invoke` runs a task on a named agent from the pool (`list_pool` shows them).",
  "Launch several agents in parallel, then wait for all of them, instead of doing their work yourself.",
].join("\n");

/** The instruction files of a project root, or the global ones of each host. */
export function instructionFiles(scope: { root: string } | { global: true; ctx: HostContext }): string[] {
  if ("root" in scope) return ["AGENTS.md", "CLAUDE.md", "GEMINI.md"].map((f) => join(scope.root, f));
  const { home, env } = scope.ctx;
  return [
    join(env.CLAUDE_CONFIG_DIR ?? join(home, ".claude"), "CLAUDE.md"),
    join(env.CODEX_HOME ?? join(home, ".codex"), "AGENTS.md"),
    join(home, ".gemini", "GEMINI.md"),
  ];
}

/**
 * The change that puts (or, with `remove`, takes out) our block in one instruction file; `current`
 * is its text when an earlier change of the same run already rewrote it.
 */
export function planInstructions(path: string, remove = false, current?: string | null): FileChange {
  const before = current === undefined ? readOrNull(path) : current;
  if (remove) return { path, before, after: before === null ? "" : removeManagedBlock(before) };
  return { path, before, after: upsertManagedBlock(before ?? "", INSTRUCTIONS) };
}
