import { join } from "node:path";
import type { EditorAdapter } from "../adapter.js";
import { removeManagedBlock, upsertManagedBlock } from "../managed-block.js";

// A Cursor project rule (.cursor/rules/*.mdc) is Markdown under a YAML frontmatter that tells Cursor
// when to apply it. Ours applies to every request; our instructions are the same managed block as
// in AGENTS.md, kept in the body so that the user's own lines (and frontmatter) survive.

/** The frontmatter lines of the rule file `init --cursor` creates. */
export const CURSOR_FRONTMATTER = [
  "---",
  "description: How to delegate work to sub-agents through the subagent-mcp MCP tools",
  "globs:",
  "alwaysApply: true",
  "---",
];

const ours = (eol: string) => CURSOR_FRONTMATTER.map((l) => l + eol).join("");

// The frontmatter (from the opening `---` line through the closing one, its line ending included)
// and the body after it; no frontmatter when the text does not start with a closed one.
function split(text: string): { frontmatter: string; body: string } {
  const open = /^---[ \t]*\r?\n/.exec(text);
  if (open === null) return { frontmatter: "", body: text };
  const close = /^---[ \t]*(\r?\n|$)/m.exec(text.slice(open[0].length));
  if (close === null) return { frontmatter: "", body: text };
  const end = open[0].length + close.index + close[0].length;
  return { frontmatter: text.slice(0, end), body: text.slice(end) };
}

// The line ending a new frontmatter gets: the one most of the text uses.
function eolOf(text: string): string {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/(?<!\r)\n/g) ?? []).length;
  return crlf > lf ? "\r\n" : "\n";
}

/**
 * Puts `content` in the managed block of a Cursor rule file's text: the body's block is upserted
 * as in any instruction file, and a file without frontmatter gets ours (always applied).
 * Everything else, the user's own frontmatter included, is kept byte for byte.
 */
export function upsertCursorRule(text: string, content: string): string {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const { frontmatter, body } = split(text.slice(bom.length));
  const eol = eolOf(text);
  // A frontmatter closed on the file's last line, without a line ending, gets one before our block.
  const head = frontmatter === "" ? ours(eol) : frontmatter.endsWith("\n") ? frontmatter : frontmatter + eol;
  return bom + head + upsertManagedBlock(body, content);
}

/** Takes our block out of a Cursor rule file's text, and our frontmatter when it is exactly ours (the inverse of {@link upsertCursorRule}). */
export function removeCursorRule(text: string): string {
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  const { frontmatter, body } = split(text.slice(bom.length));
  const kept = frontmatter === ours("\n") || frontmatter === ours("\r\n") ? "" : frontmatter;
  return bom + kept + removeManagedBlock(body);
}

/** Cursor: our project rule, `init --cursor`'s file. */
export const cursor: EditorAdapter = {
  file: join(".cursor", "rules", "subagent-mcp.mdc"),
  // A Cursor rule (.mdc) also needs its frontmatter; every other instruction file is plain Markdown.
  format: { matches: (path) => path.endsWith(".mdc"), upsert: upsertCursorRule, remove: removeCursorRule },
};
