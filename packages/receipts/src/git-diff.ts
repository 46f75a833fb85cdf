// Reads `git diff-tree`/`diff-index` output given `-r -z --raw --numstat --no-renames` into a
// receipt's files: the raw records say added / modified / deleted, the numstat records the lines.
import type { ReceiptFile, ReceiptFiles } from "@subagent-mcp/contract";

/** The arguments that make a diff command print what {@link parseDiff} reads. */
export const DIFF_FORMAT = ["-r", "-z", "--raw", "--numstat", "--no-renames", "--no-ext-diff", "--no-textconv"];

const CHANGE: Record<string, ReceiptFile["change"]> = { A: "added", D: "deleted" };

/**
 * The changed files of `output`, sorted by path (relative to the repository's root), the first
 * `maxFiles` listed and the rest only counted; a binary file has no line counts.
 */
export function parseDiff(output: string, maxFiles: number): ReceiptFiles {
  const files = new Map<string, ReceiptFile>();
  const tokens = output.split("\0");
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] ?? "";
    if (token === "") continue;
    if (token.startsWith(":")) {
      // ":100644 100644 <sha> <sha> M" then the path; T (a type change) counts as modified.
      const status = token.slice(token.lastIndexOf(" ") + 1, token.lastIndexOf(" ") + 2);
      i += 1;
      const path = tokens[i] ?? "";
      files.set(path, { ...files.get(path), path, change: CHANGE[status] ?? "modified" });
      continue;
    }
    // "<added>\t<removed>\t<path>", "-\t-\t<path>" for a binary file.
    const [added = "", removed = "", ...rest] = token.split("\t");
    const path = rest.join("\t");
    const file = files.get(path) ?? { path, change: "modified" as const };
    if (added === "-") files.set(path, { ...file, binary: true });
    else files.set(path, { ...file, added: Number(added), removed: Number(removed) });
  }
  return summarize([...files.values()], maxFiles);
}

function summarize(all: ReceiptFile[], maxFiles: number): ReceiptFiles {
  all.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const total = { files: all.length, added: 0, removed: 0 };
  for (const file of all) {
    total.added += file.added ?? 0;
    total.removed += file.removed ?? 0;
  }
  const cap = Math.max(0, maxFiles);
  const changed = all.slice(0, cap).map(tidy);
  const omitted = all.length - changed.length;
  return { source: "git", changed, total, ...(omitted > 0 ? { omitted } : {}) };
}

// Keys in one order whatever order the records came in.
const tidy = (f: ReceiptFile): ReceiptFile => ({
  path: f.path,
  change: f.change,
  ...(f.binary === true ? { binary: true } : { added: f.added ?? 0, removed: f.removed ?? 0 }),
});
