// Pool replicas between tasks: keep the task's work on a branch of its own, then return to the base.
import { git, gitFailed, gitTry, refSha } from "./git.js";
import type { WorktreeRecord } from "./record.js";
import { assertOurs } from "./repo.js";
import { worktreeStatus } from "./status.js";
import { hasSubmodules, updateSubmodules } from "./submodules.js";

// The user's identity when git has one; a placeholder only for what is unset, so commits never fail on it.
async function identityConfig(dir: string): Promise<string[]> {
  const args: string[] = [];
  const fallbacks = { "user.name": "subagent-mcp", "user.email": "subagent-mcp@localhost" };
  for (const [key, value] of Object.entries(fallbacks)) {
    const set = await gitTry(dir, ["config", "--get", key]);
    if (!set.ok || set.stdout.trim() === "") args.push("-c", `${key}=${value}`);
  }
  return args;
}

async function uniqueBranch(dir: string, wanted: string): Promise<string> {
  for (let n = 1; ; n++) {
    const name = n === 1 ? wanted : `${wanted}-${n}`;
    if ((await refSha(dir, `refs/heads/${name}`)) !== undefined) continue;
    const made = await gitTry(dir, ["branch", "--no-track", name, "HEAD"]);
    if (made.ok) return name;
    if (!made.stderr.includes("already exists")) throw gitFailed(dir, ["branch", name, "HEAD"], made);
  }
}

/**
 * Commits whatever the task left (hooks skipped, unsigned), puts it on `taskBranch` (made unique with -2, ...),
 * then resets the worktree to base_commit and removes untracked files (ignored ones, such as installed
 * dependencies, stay). Undefined when the task changed nothing.
 */
export async function snapshotAndReset(
  record: WorktreeRecord,
  taskBranch: string,
  message: string,
): Promise<{ branch: string; commit: string; changed_files: number } | undefined> {
  await assertOurs(record, { mustExist: true });
  const dir = record.path;
  const status = await worktreeStatus(record);
  if (status.uncommitted === 0 && status.ahead === 0) return undefined;
  if (status.uncommitted > 0) {
    await git(dir, ["add", "-A"]);
    const identity = await identityConfig(dir);
    await git(dir, ["-c", "commit.gpgsign=false", ...identity, "commit", "--no-verify", "--quiet", "-m", message]);
  }
  const commit = (await git(dir, ["rev-parse", "--verify", "HEAD"])).trim();
  const branch = await uniqueBranch(dir, taskBranch);
  await git(dir, ["reset", "--hard", "--quiet", record.base_commit]);
  await git(dir, ["clean", "-fd", "--quiet"]);
  if (await hasSubmodules(record)) await updateSubmodules(record);
  return { branch, commit, changed_files: status.changed_files };
}
