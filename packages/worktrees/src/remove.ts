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

/**
 * Commits on the record's branch, or on the worktree's HEAD (a detached HEAD can hold commits no
 * branch has), that neither its base nor any other local branch or kept ref contains.
 */
export async function unmergedCommits(record: WorktreeRecord, head?: string): Promise<number> {
  const tip = await refSha(record.repo, `refs/heads/${record.branch}`);
  const tips = [...new Set([tip, head].filter((t): t is string => t !== undefined && t !== record.base_commit))];
  if (tips.length === 0) return 0;
  const args = ["rev-list", "--count", ...tips, `^${record.base_commit}`, "--not", `--exclude=${record.branch}`, "--branches", `--glob=${KEPT}*`];
  const result = await gitTry(record.repo, args);
  if (!result.ok) throw gitFailed(record.repo, args, result);
  return Number(result.stdout.trim());
}

/** Where commits of a removed worktree that no branch holds are kept: never made unreachable. */
export const KEPT = "refs/subagent-mcp/kept/";

/**
 * Keeps the worktree's HEAD and branch tip under refs/subagent-mcp/kept/<agent>-head|-branch when
 * they hold commits nothing else does, so that removing the worktree or its branch loses none.
 * Returns the refs it wrote.
 */
export async function keepUnreachable(record: WorktreeRecord, head: string | undefined): Promise<string[]> {
  const kept: string[] = [];
  const tip = await refSha(record.repo, `refs/heads/${record.branch}`);
  for (const [name, sha] of [
    ["head", head],
    ["branch", tip],
  ] as const) {
    if (sha === undefined || sha === record.base_commit) continue;
    const args = ["rev-list", "--count", sha, `^${record.base_commit}`, "--not", `--exclude=${record.branch}`, "--branches", `--glob=${KEPT}*`];
    const count = await gitTry(record.repo, args);
    if (!count.ok || Number(count.stdout.trim()) === 0) continue;
    const ref = `${KEPT}${record.id}-${name}`;
    const made = await gitTry(record.repo, ["update-ref", ref, sha]);
    if (!made.ok) throw gitFailed(record.repo, ["update-ref", ref, sha], made);
    kept.push(ref);
  }
  return kept;
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

/** Worktree, branch (as {@link deleteBranch} allows) and record, in that order; commits only they held are kept first. */
export async function removeAll(record: WorktreeRecord, force: boolean): Promise<string[]> {
  // Only force removes what holds unmerged commits; without it, nothing removed here holds any.
  const head = force && (await dirExists(record.path)) ? await refSha(record.path, "HEAD") : undefined;
  const kept = force ? await keepUnreachable(record, head) : [];
  await removeWorktree(record, force);
  await deleteBranch(record, force);
  await deleteRecord(record);
  return kept;
}
