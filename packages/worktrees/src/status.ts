// What an agent did in its worktree, measured against the commit it started from.
import { stat } from "node:fs/promises";
import { WorktreeError } from "./errors.js";
import { git } from "./git.js";
import { ignoredWork } from "./ignored-work.js";
import type { WorktreeRecord } from "./record.js";

/** The state of one worktree relative to its base commit. */
export interface WorktreeStatus {
  /** sha of the worktree's HEAD. */
  head: string;
  /** Distinct paths changed against base_commit: tracked (committed or not) plus untracked files. */
  changed_files: number;
  /** Entries of `git status --porcelain` (untracked files one by one). */
  uncommitted: number;
  /** Commits on HEAD since base_commit. */
  ahead: number;
  /** Files the repository ignores that are not build output (see ignored-work.ts): work all the same. */
  ignored_work: number;
}

/** Measures a worktree; GIT_FAILED when its directory is gone. */
export async function worktreeStatus(record: WorktreeRecord): Promise<WorktreeStatus> {
  const dir = record.path;
  const isDir = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new WorktreeError("GIT_FAILED", `worktree ${dir} is gone`);
  const head = (await git(dir, ["rev-parse", "--verify", "HEAD"])).trim();
  const ahead = Number((await git(dir, ["rev-list", "--count", `${record.base_commit}..HEAD`])).trim());
  const { entries, untracked } = parsePorcelain(await git(dir, ["status", "--porcelain", "-z", "--untracked-files=all"]));
  const diffed = (await git(dir, ["diff", "--name-only", "-z", record.base_commit, "--"])).split("\0").filter(Boolean);
  const changed = new Set([...diffed, ...untracked]);
  const ignored = await ignoredWork(record);
  return { head, changed_files: changed.size + ignored.length, uncommitted: entries, ahead, ignored_work: ignored.length };
}

// `-z` porcelain v1: "XY path\0", renames and copies add the original path as one more field.
function parsePorcelain(text: string): { entries: number; untracked: string[] } {
  const fields = text.split("\0");
  let entries = 0;
  const untracked: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i] ?? "";
    if (field.length < 4) continue;
    entries++;
    const xy = field.slice(0, 2);
    if (xy === "??") untracked.push(field.slice(3));
    if (xy.includes("R") || xy.includes("C")) i++;
  }
  return { entries, untracked };
}
