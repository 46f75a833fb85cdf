// A turn's end read without writing anything: right after a snapshot the private index holds
// exactly the snapshot's tree (every tracked and untracked-not-ignored file, with its stat data),
// so what the turn changed is the working tree against that index. `git diff-files` names the
// files modified or deleted since (and counts their lines, as `diff-index` would); `git ls-files
// --others` names the files new since (ignored ones out), whose lines are counted here as git's
// numstat counts an added file's, binary or not as git says (its `diff` attribute, else a NUL in
// its first 8000 bytes). Nothing is staged or stored: the index and the objects stay as they were.
import { lstat, open, readlink } from "node:fs/promises";
import { join } from "node:path";
import type { ReceiptFile } from "@subagent-mcp/contract";
import { DIFF_FORMAT, diffEntries, type DiffEntry } from "./git-diff.js";

/** The files modified or deleted since the index was written. Submodules: their commit only, as `add` stages it (no git runs inside them). */
export const CHANGED_FILES = ["diff-files", ...DIFF_FORMAT, "--ignore-submodules=dirty"];
/** The files the index does not hold: new since it was written (ignored ones out). */
export const NEW_FILES = ["ls-files", "-z", "--others", "--exclude-standard"];
/** What git's attributes say of each new file (read from {@link NEW_FILES}' output): binary or not, and whether git would re-encode it. */
export const NEW_FILES_ATTRIBUTES = ["check-attr", "-z", "--stdin", "diff", "working-tree-encoding"];

/** A new file: binary or text as its `diff` attribute says, or `driver`, a diff driver's name, whose config may say. */
export interface NewFile {
  path: string;
  binary?: boolean;
  driver?: string;
}

/** What the two listings say, or why only staging the tree can say it (`full`). */
type EndListing = { changed: DiffEntry[]; unsure: DiffEntry[]; added: NewFile[] } | { full: string };

/**
 * Reads the outputs of {@link CHANGED_FILES} and {@link NEW_FILES_ATTRIBUTES} (given what {@link NEW_FILES} listed). `diff-files` also lists a file
 * whose stat data changed but whose content did not (touched, or written back as it was): a text
 * one has 0 lines added and removed and its mode unchanged, and is dropped here; a binary one has
 * no line counts to tell, so it is returned `unsure` (its content is compared by the caller).
 */
export function readListing(changedOutput: string, attributesOutput: string): EndListing {
  const changed: DiffEntry[] = [];
  const unsure: DiffEntry[] = [];
  for (const entry of diffEntries(changedOutput)) {
    const sameMode = entry.status === "M" && entry.modes[0] === entry.modes[1];
    if (sameMode && entry.binary === true) unsure.push(entry);
    else if (!sameMode || (entry.added ?? 0) + (entry.removed ?? 0) > 0) changed.push(entry);
  }
  const added = new Map<string, NewFile>();
  // "<path>\0<attribute>\0<value>\0", each path once per attribute asked, in the order given.
  const tokens = attributesOutput.split("\0");
  for (let i = 0; i + 2 < tokens.length; i += 3) {
    const [path = "", attribute, value = ""] = tokens.slice(i, i + 3);
    // A nested repository is listed as "dir/": staging it makes a submodule entry, or fails without a commit.
    if (path.endsWith("/")) return { full: `a nested repository (${path})` };
    const file = added.get(path) ?? { path };
    added.set(path, file);
    if (attribute === "working-tree-encoding" && value !== "unspecified" && value !== "unset") return { full: `a file git re-encodes (${path})` };
    if (attribute !== "diff" || value === "unspecified") continue;
    if (value === "set" || value === "unset") file.binary = value === "unset";
    else file.driver = value;
  }
  return { changed, unsure, added: [...added.values()] };
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
 * --ignore-errors` leaves it out. Undefined when the reading goes past `deadline` (a
 * `performance.now()` time): the bound a receipt puts on git holds for this reading too.
 */
export async function countAdded(top: string, files: readonly NewFile[], bigFileThreshold: number, deadline: number): Promise<ReceiptFile[] | undefined> {
  const counted: (ReceiptFile | undefined)[] = files.map(() => undefined);
  const late = (): boolean => performance.now() > deadline;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length && !late()) {
      const i = next;
      next += 1;
      const file = files[i];
      if (file !== undefined) counted[i] = await countOne(join(top, file.path), file, bigFileThreshold, late).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, files.length) }, worker));
  if (late()) return undefined;
  return counted.filter((file): file is ReceiptFile => file !== undefined);
}

async function countOne(full: string, { path, binary }: NewFile, bigFileThreshold: number, late: () => boolean): Promise<ReceiptFile | undefined> {
  const info = await lstat(full);
  if (info.isSymbolicLink()) return { path, change: "added", ...lines(await readlink(full, { encoding: "buffer" }), binary) };
  if (!info.isFile()) return undefined;
  if (binary === true || (binary === undefined && info.size > bigFileThreshold)) return { path, change: "added", binary: true };
  const handle = await open(full, "r");
  try {
    const buffer = Buffer.allocUnsafe(CHUNK);
    let read = 0;
    let newlines = 0;
    let last = -1;
    while (!late()) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      if (binary === undefined && read < FIRST_FEW_BYTES && chunk.subarray(0, FIRST_FEW_BYTES - read).includes(0))
        return { path, change: "added", binary: true };
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) newlines += 1;
      last = chunk[bytesRead - 1] ?? -1;
      read += bytesRead;
    }
    return { path, change: "added", added: newlines + (read > 0 && last !== 10 ? 1 : 0), removed: 0 };
  } finally {
    await handle.close();
  }
}

function lines(content: Buffer, binary: boolean | undefined): { binary: true } | { added: number; removed: 0 } {
  if (binary ?? content.subarray(0, FIRST_FEW_BYTES).includes(0)) return { binary: true };
  let newlines = 0;
  for (let at = content.indexOf(10); at >= 0; at = content.indexOf(10, at + 1)) newlines += 1;
  return { added: newlines + (content.length > 0 && content[content.length - 1] !== 10 ? 1 : 0), removed: 0 };
}

/** The `binary` settings of diff drivers (`git config -z --get-regexp` output of `diff.<name>.binary`), by driver name. */
export function driversBinary(configOutput: string): Map<string, boolean> {
  const drivers = new Map<string, boolean>();
  for (const entry of configOutput.split("\0")) {
    const newline = entry.indexOf("\n");
    const key = newline < 0 ? entry : entry.slice(0, newline);
    const value = newline < 0 ? "true" : entry.slice(newline + 1).toLowerCase();
    const name = /^diff\.(.+)\.binary$/s.exec(key)?.[1];
    if (name !== undefined) drivers.set(name, ["true", "yes", "on", "1"].includes(value) || /^[1-9]\d*$/.test(value));
  }
  return drivers;
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
