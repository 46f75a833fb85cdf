// A turn's end read without writing anything: right after a snapshot the private index holds
// exactly the snapshot's tree (every tracked and untracked-not-ignored file, with its stat data),
// so what the turn changed is the working tree against that index. `git diff-files` names the
// files modified or deleted since (and counts their lines, as `diff-index` would); `git ls-files
// --others` names the files new since (ignored ones out), whose lines are counted here as git's
// numstat counts an added file's. Nothing is staged, hashed into objects or written.
import { lstat, open, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { ReceiptFile } from "@subagent-mcp/contract";
import { DIFF_FORMAT, diffEntries, type DiffEntry } from "./git-diff.js";

/** The files modified or deleted since the index was written. Submodules: their commit only, as `add` stages it (no git runs inside them). */
export const CHANGED_FILES = ["diff-files", ...DIFF_FORMAT, "--ignore-submodules=dirty"];
/** The files the index does not hold: new since it was written (ignored ones out). */
export const NEW_FILES = ["ls-files", "-z", "--others", "--exclude-standard"];

/** What the two listings say, or why only staging the tree can say it (`full`). */
type EndListing = { changed: DiffEntry[]; unsure: DiffEntry[]; added: string[] } | { full: string };

/**
 * Reads the outputs of {@link CHANGED_FILES} and {@link NEW_FILES}. `diff-files` also lists a file
 * whose stat data changed but whose content did not (touched, or written back as it was): a text
 * one has 0 lines added and removed and its mode unchanged, and is dropped here; a binary one has
 * no line counts to tell, so it is returned `unsure` (its content is compared by the caller).
 */
export function readListing(changedOutput: string, newOutput: string): EndListing {
  const changed: DiffEntry[] = [];
  const unsure: DiffEntry[] = [];
  for (const entry of diffEntries(changedOutput)) {
    const sameMode = entry.status === "M" && entry.modes[0] === entry.modes[1];
    if (sameMode && entry.binary === true) unsure.push(entry);
    else if (!sameMode || (entry.added ?? 0) + (entry.removed ?? 0) > 0) changed.push(entry);
  }
  const added = newOutput.split("\0").filter((path) => path !== "");
  // A nested repository is listed as "dir/": staging it makes a submodule entry, or fails without a commit.
  const nested = added.find((path) => path.endsWith("/"));
  if (nested !== undefined) return { full: `a nested repository (${nested})` };
  return { changed, unsure, added };
}

// git's test for a binary file: a NUL in its first 8000 bytes (FIRST_FEW_BYTES in git's xdiff-interface.c).
const FIRST_FEW_BYTES = 8000;
const CHUNK = 64 * 1024;
const AT_ONCE = 16;

/**
 * The added files' entries, their lines counted as git's numstat counts an added file's (a line
 * per "\n", plus a last line without one; a symbolic link is its target's text); binary (no
 * counts) when a NUL is in the first 8000 bytes or the file is over `bigFileThreshold` bytes, as git
 * says. A file that cannot be read (gone since, or unreadable) is left out, as `git add
 * --ignore-errors` leaves it out.
 */
export async function countAdded(top: string, paths: readonly string[], bigFileThreshold: number): Promise<ReceiptFile[]> {
  const counted: (ReceiptFile | undefined)[] = paths.map(() => undefined);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const i = next;
      next += 1;
      const path = paths[i] ?? "";
      counted[i] = await countOne(join(top, path), path, bigFileThreshold).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, paths.length) }, worker));
  return counted.filter((file): file is ReceiptFile => file !== undefined);
}

async function countOne(full: string, path: string, bigFileThreshold: number): Promise<ReceiptFile | undefined> {
  const info = await lstat(full);
  if (info.isSymbolicLink()) return { path, change: "added", ...lines(await readlink(full, { encoding: "buffer" })) };
  if (!info.isFile()) return undefined;
  if (info.size > bigFileThreshold) return { path, change: "added", binary: true };
  const handle = await open(full, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let read = 0;
    let newlines = 0;
    let last = -1;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (read < FIRST_FEW_BYTES && chunk.subarray(0, FIRST_FEW_BYTES - read).includes(0)) return { path, change: "added", binary: true };
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) newlines += 1;
      last = chunk[bytesRead - 1] ?? -1;
      read += bytesRead;
    }
    return { path, change: "added", added: newlines + (read > 0 && last !== 10 ? 1 : 0), removed: 0 };
  } finally {
    await handle.close();
  }
}

function lines(content: Buffer): { binary: true } | { added: number; removed: 0 } {
  if (content.subarray(0, FIRST_FEW_BYTES).includes(0)) return { binary: true };
  let newlines = 0;
  for (let at = content.indexOf(10); at >= 0; at = content.indexOf(10, at + 1)) newlines += 1;
  return { added: newlines + (content.length > 0 && content[content.length - 1] !== 10 ? 1 : 0), removed: 0 };
}

/** git's `core.bigFileThreshold` in bytes ("512m", "100k", "1g" or a number); 512 MiB when unset or unreadable. */
export function bigFileThreshold(value: string | undefined): number {
  const match = /^\s*(\d+)\s*([kmg]?)\s*$/i.exec(value ?? "");
  if (match === null) return 512 * 1024 * 1024;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(match[2] ?? "").toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}

/** The `unsure` entries whose content did change: those whose object id now (`hashes`, `git hash-object` output, one a line) is not the one before. */
export function changedAfterAll(unsure: readonly DiffEntry[], hashes: string): DiffEntry[] {
  const now = hashes.split("\n");
  return unsure.filter((entry, i) => now[i] !== entry.before);
}
