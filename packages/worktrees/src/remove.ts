// The destructive steps, each behind the checks that keep them to our own worktrees and merged work.
import { stat } from "node:fs/promises";
import { gitFailed, gitTry, refSha } from "./git.js";
import { deleteRecord, type WorktreeRecord } from "./record.js";
import { assertOurs } from "./repo.js";

/** Whether the worktree directory is there. */
export async function dirExists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Commits on the record's branch that neither its base nor any other local branch contains (0 if no branch). */
export async function unmergedCommits(record: WorktreeRecord): Promise<number> {
  const tip = await refSha(record.repo, `refs/heads/${record.branch}`);
  if (tip === undefined || tip === record.base_commit) return 0;
  const args = ["rev-list", "--count", tip, `^${record.base_commit}`, "--not", `--exclude=${record.branch}`, "--branches"];
  const result = await gitTry(record.repo, args);
  if (!result.ok) throw gitFailed(record.repo, args, result);
  return Number(result.stdout.trim());
}

/**
 * Removes the worktree (or prunes its metadata when the directory is gone). Without force git refuses
 * modified or untracked files; `--force` then only goes past what git still objects to once the worktree
 * is measured clean (ignored files, checked-out submodules).
 */
export async function removeWorktree(record: WorktreeRecord, force: boolean): Promise<void> {
  await assertOurs(record, { mustExist: false });
  if (await dirExists(record.path)) {
    const plain = ["worktree", "remove", ...(force ? ["--force", "--force"] : []), record.path];
    let result = await gitTry(record.repo, plain);
    if (!result.ok && !force && (await onlyIgnoredLeft(record))) {
      result = await gitTry(record.repo, ["worktree", "remove", "--force", record.path]);
    }
    if (!result.ok) throw gitFailed(record.repo, plain, result);
  }
  await gitTry(record.repo, ["worktree", "prune"]);
}

async function onlyIgnoredLeft(record: WorktreeRecord): Promise<boolean> {
  const status = await gitTry(record.path, ["status", "--porcelain", "--untracked-files=all", "--ignore-submodules=none"]);
  return status.ok && status.stdout.trim() === "";
}

/** Deletes the record's branch: with force always, otherwise only when it holds no unmerged commit. */
export async function deleteBranch(record: WorktreeRecord, force: boolean): Promise<boolean> {
  const tip = await refSha(record.repo, `refs/heads/${record.branch}`);
  if (tip === undefined) return true;
  if (!force && (await unmergedCommits(record)) > 0) return false;
  const result = await gitTry(record.repo, ["branch", "-D", record.branch]);
  if (!result.ok) throw gitFailed(record.repo, ["branch", "-D", record.branch], result);
  return true;
}

/** Worktree, branch (as {@link deleteBranch} allows) and record, in that order. */
export async function removeAll(record: WorktreeRecord, force: boolean): Promise<void> {
  await removeWorktree(record, force);
  await deleteBranch(record, force);
  await deleteRecord(record);
}
