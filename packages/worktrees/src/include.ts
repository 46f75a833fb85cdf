// `.worktreeinclude`: gitignored files of the main worktree (.env, local config, dependencies) that a new
// worktree should have too. A file is copied only if it matches a pattern AND git ignores it.
import { constants } from "node:fs";
import { chmod, copyFile, lstat, mkdir, readdir, readFile, readlink, symlink } from "node:fs/promises";
import { dirname, join, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { WorktreeError } from "./errors.js";
import { git } from "./git.js";
import type { WorktreeRecord } from "./record.js";

/** Copies the ignored files that `.worktreeinclude` names from the main worktree into the record's worktree. */
export async function copyIncluded(record: WorktreeRecord): Promise<{ copied: number }> {
  let patterns: string;
  try {
    patterns = await readFile(join(record.repo, ".worktreeinclude"), "utf8");
  } catch {
    return { copied: 0 };
  }
  try {
    const matcher = ignore().add(patterns);
    // Our own worktrees may live inside the repo (an ignored state dir): never copy them into themselves.
    const skip = dirname(dirname(record.path));
    const listed = await git(record.repo, ["ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"]);
    let copied = 0;
    for (const entry of listed.split("\0").filter(Boolean)) {
      copied += await copyEntry(record, entry, matcher, skip);
    }
    return { copied };
  } catch (error) {
    if (error instanceof WorktreeError && error.code === "INCLUDE_FAILED") throw error;
    throw new WorktreeError("INCLUDE_FAILED", `copying the files .worktreeinclude names failed: ${String(error)}`);
  }
}

// An ignored directory is copied whole when it matches; otherwise its files are matched one by one.
async function copyEntry(record: WorktreeRecord, entry: string, matcher: Ignore, skip: string): Promise<number> {
  const isDir = entry.endsWith("/");
  const rel = isDir ? entry.slice(0, -1) : entry;
  const from = join(record.repo, rel);
  if (isWithin(from, skip)) return 0;
  if (matcher.ignores(entry) && !isWithin(skip, from)) return copyTree(from, join(record.path, rel));
  if (!isDir) return 0;
  let copied = 0;
  for (const child of await readdir(from, { withFileTypes: true })) {
    const childEntry = `${rel}/${child.name}${child.isDirectory() ? "/" : ""}`;
    copied += await copyEntry(record, childEntry, matcher, skip);
  }
  return copied;
}

function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

// Copies a file, symlink or directory tree keeping modes and links; never overwrites what the worktree has.
async function copyTree(from: string, to: string): Promise<number> {
  const stat = await lstat(from);
  if (stat.isDirectory()) {
    await mkdir(to, { recursive: true });
    let copied = 0;
    for (const name of await readdir(from)) copied += await copyTree(join(from, name), join(to, name));
    await chmod(to, stat.mode & 0o7777);
    return copied;
  }
  const exists = await lstat(to).then(
    () => true,
    () => false,
  );
  if (exists) return 0;
  await mkdir(dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) {
    await symlink(await readlink(from), to);
  } else if (stat.isFile()) {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    await chmod(to, stat.mode & 0o7777);
  } else {
    return 0; // sockets, fifos: nothing to copy
  }
  return 1;
}
