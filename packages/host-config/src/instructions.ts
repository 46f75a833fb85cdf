import { join } from "node:path";
import { Drafts, type FileChange } from "./files.js";
import type { HostContext } from "./host.js";
import { removeCursorRule, upsertCursorRule } from "./cursor-rule.js";
import { removeManagedBlock, upsertManagedBlock } from "./managed-block.js";
import { HOSTS, hostAdapter } from "./registry.js";

/** The instructions every agent reads: how to delegate through subagent-mcp. Byte-stable. */
export const INSTRUCTIONS = [
  "## Sub-agents (subagent-mcp)",
  "",
  "Delegate independent pieces of work to sub-agents through the subagent-mcp MCP tools:",
  "- `launch_agent` starts one (give `task_category`, or `provider` claude/codex/gemini) and returns at once;",
  "- `wait` blocks until turns finish (45 s by default; call it again while agents still run);",
  "- in Claude Code, `launch_agent`, `send_message` and `invoke` run as background tasks whose results come back by themselves: carry on with other work instead of calling `wait`;",
  "- `poll_agent` shows status and output, `send_message` sends a follow-up, `kill_agent` stops one;",
  "- `invoke` runs a task on a named agent from the pool (`list_pool` shows them).",
  "Launch several agents in parallel, then wait for all of them, instead of doing their work yourself.",
].join("\n");

/**
 * The instruction files of a project root (by name: AGENTS.md first, the one CLAUDE.md often links
 * to), or the global ones of each host; each once, however many hosts read it.
 */
export function instructionFiles(scope: { root: string } | { global: true; ctx: HostContext }): string[] {
  const each = HOSTS.flatMap((host) => hostAdapter(host).instructions ?? []);
  if ("root" in scope) return [...new Set(each.map((i) => i.file))].sort().map((f) => join(scope.root, f));
  return [...new Set(each.map((i) => i.global(scope.ctx)))];
}

/** Editors whose project instruction file `init` writes on request (`--copilot`, `--cursor`). */
export const EDITORS = ["copilot", "cursor"] as const;
export type Editor = (typeof EDITORS)[number];

const EDITOR_FILES: Record<Editor, string> = {
  copilot: join(".github", "copilot-instructions.md"),
  cursor: join(".cursor", "rules", "subagent-mcp.mdc"),
};

/** An editor's instruction file in a project root: GitHub Copilot's instructions, or our Cursor project rule. */
export function editorInstructionFile(editor: Editor, root: string): string {
  return join(root, EDITOR_FILES[editor]);
}

// A Cursor rule (.mdc) also needs its frontmatter; every other instruction file is plain Markdown.
const isCursorRule = (path: string) => path.endsWith(".mdc");

/** Takes our part out of an instruction file's text (the inverse of what {@link planInstructions} adds there). */
export function removeInstructions(path: string): (text: string) => string {
  return isCursorRule(path) ? removeCursorRule : removeManagedBlock;
}

/**
 * The change that puts (or, with `remove`, takes out) our block in one instruction file; `drafts`
 * holds what earlier changes of the same run leave in it.
 */
export function planInstructions(path: string, remove = false, drafts = new Drafts()): FileChange {
  if (!remove) return drafts.plan(path, (text) => (isCursorRule(path) ? upsertCursorRule : upsertManagedBlock)(text, INSTRUCTIONS));
  // Taking the block out of a file that does not exist leaves it absent.
  if (drafts.text(path) === null) return { path, before: null, after: "" };
  return drafts.plan(path, removeInstructions(path));
}
