import { join } from "node:path";
import { Drafts, type FileChange } from "./files.js";
import type { HostContext } from "./host.js";
import { removeManagedBlock, upsertManagedBlock } from "./managed-block.js";
import { HOSTS, hostAdapter } from "./registry.js";

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

/**
 * The instruction files of a project root (by name: AGENTS.md first, the one CLAUDE.md often links
 * to), or the global ones of each host.
 */
export function instructionFiles(scope: { root: string } | { global: true; ctx: HostContext }): string[] {
  const each = HOSTS.flatMap((host) => hostAdapter(host).instructions ?? []);
  if ("root" in scope)
    return each
      .map((i) => i.file)
      .sort()
      .map((f) => join(scope.root, f));
  return each.map((i) => i.global(scope.ctx));
}

/**
 * The change that puts (or, with `remove`, takes out) our block in one instruction file; `drafts`
 * holds what earlier changes of the same run leave in it.
 */
export function planInstructions(path: string, remove = false, drafts = new Drafts()): FileChange {
  if (!remove) return drafts.plan(path, (text) => upsertManagedBlock(text, INSTRUCTIONS));
  // Taking the block out of a file that does not exist leaves it absent.
  if (drafts.text(path) === null) return { path, before: null, after: "" };
  return drafts.plan(path, removeManagedBlock);
}
