// Finding the repository around a directory, and checking that a path is one of our worktrees of it.
import { realpath } from "node:fs/promises";
import { basename, dirname, relative, resolve } from "node:path";
import { WorktreeError } from "./errors.js";
import { gitTry } from "./git.js";
import type { WorktreeRecord } from "./record.js";

/** Repo containing cwd: its main worktree's top level (realpath) and cwd's sub-directory in it (posix). */
export async function findRepo(cwd: string): Promise<{ root: string; subdir: string }> {
  const dir = resolve(cwd);
  const probe = await gitTry(dir, ["rev-parse", "--is-bare-repository", "--is-inside-work-tree", "--show-prefix"]);
  const [bare, inside, prefix = ""] = probe.stdout.split("\n");
  if (!probe.ok || bare !== "false" || inside !== "true") {
    const what = bare === "true" ? "is in a bare git repository (it has no working tree)" : "is not inside a git repository";
    throw new WorktreeError(
      "NOT_A_REPO",
      `${dir} ${what}: worktree isolation needs one. Run \`git init\` (and commit) there, or start the agent without isolation.`,
    );
  }
  return { root: await mainWorktree(dir), subdir: prefix.replace(/\/$/, "") };
}

// The first entry of `git worktree list` is always the main worktree, also when asked from a linked one.
async function mainWorktree(dir: string): Promise<string> {
  const list = await gitTry(dir, ["worktree", "list", "--porcelain", "-z"]);
  const first = list.stdout.split("\0").find((line) => line.startsWith("worktree "));
  if (!list.ok || first === undefined) {
    throw new WorktreeError("NOT_A_REPO", `could not find the main worktree of the repository at ${dir}: ${list.stderr.trim()}`);
  }
  return realpath(first.slice("worktree ".length));
}

async function real(path: string): Promise<string | undefined> {
  return realpath(path).catch(() => undefined);
}

/**
 * Refuses (NOT_OURS) unless record.path is `<stateDir>/worktrees/<group>/<id>`, is not the repository's main
 * worktree and, when present, is the top level of a worktree of record.repo. Guards every destructive git call.
 */
export async function assertOurs(record: WorktreeRecord, opts: { mustExist: boolean }): Promise<void> {
  const refuse = (why: string): never => {
    throw new WorktreeError("NOT_OURS", `refusing to touch ${record.path}: ${why}`);
  };
  const path = resolve(record.path);
  if (basename(dirname(dirname(path))) !== "worktrees" || basename(path) !== record.id) {
    refuse("it is not a worktree directory made by this package");
  }
  const repo = await real(record.repo);
  const here = await real(path);
  if (repo === undefined) return refuse(`its repository ${record.repo} is gone`);
  if (here === undefined) return opts.mustExist ? refuse("it does not exist") : undefined;
  if (!relative(here, repo).startsWith("..")) {
    refuse("it is (or contains) the repository's main worktree");
  }
  const top = await gitTry(here, ["rev-parse", "--show-toplevel", "--git-common-dir"]);
  const common = await gitTry(repo, ["rev-parse", "--git-common-dir"]);
  const [topLevel = "", commonDir = ""] = top.stdout.split("\n");
  if (!top.ok || !common.ok || (await real(topLevel)) !== here) refuse("it is not the top level of a git worktree");
  const ours = await real(resolve(here, commonDir));
  if (ours === undefined || ours !== (await real(resolve(repo, common.stdout.trim())))) {
    refuse(`it is not a worktree of ${record.repo}`);
  }
}
