// Reads `git diff-tree`/`diff-index`/`diff-files` output given `-r -z --raw --numstat --no-renames`
// into a receipt's files: the raw records say added / modified / deleted, the numstat records the lines.
import type { ReceiptFile, ReceiptFiles } from "@subagent-mcp/contract";

/** The arguments that make a diff command print what {@link parseDiff} reads. */
export const DIFF_FORMAT = ["-r", "-z", "--raw", "--numstat", "--no-renames", "--no-ext-diff", "--no-textconv"];

const CHANGE: Record<string, ReceiptFile["change"]> = { A: "added", D: "deleted" };

/** One changed file of a diff, with what its raw record said: the modes and the old side's object. */
export interface DiffEntry extends ReceiptFile {
  /** The raw record's status letter (M, A, D, T...). */
  status: string;
  /** The modes before and after ("100644", "100755", "120000"...). */
  modes: [string, string];
  /** The object id before (all zeros for an added file). */
  before: string;
}

/** The changed files of `output`, in the order git gave them. */
export function diffEntries(output: string): DiffEntry[] {
  const files = new Map<string, DiffEntry>();
  const tokens = output.split("\0");
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] ?? "";
    if (token === "") continue;
    if (token.startsWith(":")) {
      // ":100644 100644 <sha> <sha> M" then the path; T (a type change) counts as modified.
      const [from = "", to = "", before = "", , state = ""] = token.slice(1).split(" ");
      const status = state.slice(0, 1);
      i += 1;
      const path = tokens[i] ?? "";
      const seen = files.get(path);
      files.set(path, { ...seen, path, change: CHANGE[status] ?? "modified", status, modes: [from, to], before });
      continue;
    }
    // "<added>\t<removed>\t<path>", "-\t-\t<path>" for a binary file.
    const [added = "", removed = "", ...rest] = token.split("\t");
    const path = rest.join("\t");
    const file = files.get(path) ?? { path, change: "modified" as const, status: "M", modes: ["", ""], before: "" };
    if (added === "-") files.set(path, { ...file, binary: true });
    else files.set(path, { ...file, added: Number(added), removed: Number(removed) });
  }
  return [...files.values()];
}

/**
 * The changed files of `output`, sorted by path (relative to the repository's root), the first
 * `maxFiles` listed and the rest only counted; a binary file has no line counts.
 */
export function parseDiff(output: string, maxFiles: number): ReceiptFiles {
  return summarizeFiles(diffEntries(output), maxFiles);
}

/** `all` as a receipt's files: sorted by path, the first `maxFiles` listed, every one counted in the total. */
export function summarizeFiles(all: readonly ReceiptFile[], maxFiles: number): ReceiptFiles {
  const sorted = [...all].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const total = { files: sorted.length, added: 0, removed: 0 };
  for (const file of sorted) {
    total.added += file.added ?? 0;
    total.removed += file.removed ?? 0;
  }
  const cap = Math.max(0, maxFiles);
  const changed = sorted.slice(0, cap).map(tidy);
  const omitted = sorted.length - changed.length;
  return { source: "git", changed, total, ...(omitted > 0 ? { omitted } : {}) };
}

// Keys in one order whatever order the records came in.
const tidy = (f: ReceiptFile): ReceiptFile => ({
  path: f.path,
  change: f.change,
  ...(f.binary === true ? { binary: true } : { added: f.added ?? 0, removed: f.removed ?? 0 }),
});
