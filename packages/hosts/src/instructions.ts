import { join } from "node:path";
import type { EditorAdapter } from "./adapter.js";
import { Drafts, type FileChange } from "./files.js";
import type { HostContext } from "./host.js";
import { removeManagedBlock, upsertManagedBlock } from "./managed-block.js";
import { EDITORS, editorAdapter, HOSTS, hostAdapter, type Editor } from "./registry.js";

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

/** An editor's instruction file in a project root: GitHub Copilot's instructions, or our Cursor project rule. */
export function editorInstructionFile(editor: Editor, root: string): string {
  return join(root, editorAdapter(editor).file);
}

// Our managed block in Markdown: every instruction file's format but an editor's own (a Cursor rule's frontmatter).
const MARKDOWN: NonNullable<EditorAdapter["format"]> = { matches: () => true, upsert: upsertManagedBlock, remove: removeManagedBlock };

// The format of the instruction file at `path`.
function formatOf(path: string): NonNullable<EditorAdapter["format"]> {
  return EDITORS.map((editor) => editorAdapter(editor).format).find((format) => format?.matches(path) === true) ?? MARKDOWN;
}

/** Takes our part out of an instruction file's text (the inverse of what {@link planInstructions} adds there). */
export function removeInstructions(path: string): (text: string) => string {
  return formatOf(path).remove;
}

/**
 * The change that puts (or, with `remove`, takes out) our block in one instruction file; `drafts`
 * holds what earlier changes of the same run leave in it.
 */
export function planInstructions(path: string, remove = false, drafts = new Drafts()): FileChange {
  if (!remove) return drafts.plan(path, (text) => formatOf(path).upsert(text, INSTRUCTIONS));
  // Taking the block out of a file that does not exist leaves it absent.
  if (drafts.text(path) === null) return { path, before: null, after: "" };
  return drafts.plan(path, removeInstructions(path));
}
