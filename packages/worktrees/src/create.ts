// Making a worktree: a unique slug and branch, the checkout at the base commit, submodules, and the record.
import { existsSync } from "node:fs";
import { mkdir, rm, rmdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { WorktreeError } from "./errors.js";
import { git, gitFailed, gitTry, refSha } from "./git.js";
import { ensureGroupDir, groupDir, nthSlug, recordFile, slugify, stampOwner, writeRecord, type WorktreeRecord } from "./record.js";
import { findRepo } from "./repo.js";
import { updateSubmodules } from "./submodules.js";

/** What {@link createWorktree} needs. */
export interface CreateWorktreeOptions {
  cwd: string;
  base?: string;
  name: string;
  stateDir: string;
  kind: "agent" | "replica";
  owner: { pid: number; start?: string; agent_id?: string; label?: string };
}

/**
 * Makes a worktree for one agent at `<stateDir>/worktrees/<repo>-<hash>/<slug>` on a new branch
 * `subagent/<slug>` at the resolved base, with submodules checked out and cwd's sub-directory present.
 */
export async function createWorktree(opts: CreateWorktreeOptions): Promise<WorktreeRecord> {
  const record = await planWorktree(opts);
  await checkoutWorktree(record);
  return record;
}

/**
 * The cheap half of {@link createWorktree}: checks the repository and the base, reserves the
 * directory and makes the branch (a few ms), and records it; the files come with
 * {@link checkoutWorktree}, which may run later (git's checkout is what costs).
 */
export async function planWorktree(opts: CreateWorktreeOptions): Promise<WorktreeRecord> {
  const { root, subdir } = await findRepo(opts.cwd);
  const base = opts.base ?? "HEAD";
  const baseCommit = base.startsWith("-") ? undefined : await refSha(resolve(opts.cwd), base);
  if (baseCommit === undefined) {
    throw new WorktreeError("BAD_BASE", `base "${base}" is not a commit in ${root}: name a branch, tag or sha that exists.`);
  }
  const group = groupDir(resolve(opts.stateDir), root);
  await ensureGroupDir(group);
  const slug = slugify(opts.name);
  for (let n = 1; ; n++) {
    const id = nthSlug(slug, n);
    const path = join(group, id);
    const branch = `subagent/${id}`;
    if (!(await reserve(path))) continue;
    if ((await refSha(root, `refs/heads/${branch}`)) !== undefined) {
      await rmdir(path).catch(() => undefined);
      continue;
    }
    const made = await gitTry(root, ["branch", "--no-track", branch, baseCommit]);
    if (!made.ok) {
      await rmdir(path).catch(() => undefined);
      if (made.stderr.includes("already exists")) continue;
      throw gitFailed(root, ["branch", branch, baseCommit], made);
    }
    const record: WorktreeRecord = {
      id,
      path,
      branch,
      base,
      base_commit: baseCommit,
      repo: root,
      subdir,
      kind: opts.kind,
      owner: stampOwner(opts.owner),
      created_at: new Date().toISOString(),
    };
    await writeRecord(record);
    return record;
  }
}

// mkdir of the final directory is the reservation between concurrent creators (git accepts an empty dir).
async function reserve(path: string): Promise<boolean> {
  try {
    await mkdir(path, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  // A record without its directory is a worktree someone deleted by hand: its name stays taken until pruned.
  if (existsSync(recordFile({ path }))) {
    await rmdir(path).catch(() => undefined);
    return false;
  }
  return true;
}

/** Checks out a planned worktree's files (and submodules); on failure nothing of it is left. */
export async function checkoutWorktree(record: WorktreeRecord): Promise<void> {
  const { repo, path, branch } = record;
  try {
    await git(repo, ["worktree", "add", path, branch]);
    await updateSubmodules(record);
    if (record.subdir !== "") await mkdir(join(path, record.subdir), { recursive: true });
  } catch (error) {
    await discardPlanned(record);
    throw error;
  }
}

/** Undoes a planned worktree whose files never came (its agent ended first): directory, branch (still at its base) and record. */
export async function discardPlanned(record: WorktreeRecord): Promise<void> {
  const { repo, path, branch } = record;
  await gitTry(repo, ["worktree", "remove", "--force", "--force", path]);
  await rm(path, { recursive: true, force: true });
  await gitTry(repo, ["worktree", "prune"]);
  // Only a branch still at its base goes: one that somehow holds commits stays.
  if ((await refSha(repo, `refs/heads/${branch}`)) === record.base_commit) await gitTry(repo, ["branch", "-D", branch]);
  await rm(recordFile(record), { force: true });
}

/** Where the agent starts: the worktree's copy of the caller's sub-directory. */
export function agentCwd(record: WorktreeRecord): string {
  return join(record.path, record.subdir);
}
