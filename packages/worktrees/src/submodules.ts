// Submodules of the base commit, checked out inside a worktree (a fresh worktree has none of them).
import { WorktreeError } from "./errors.js";
import { gitTry } from "./git.js";
import type { WorktreeRecord } from "./record.js";

/** Whether the worktree's HEAD has a .gitmodules. */
export async function hasSubmodules(record: WorktreeRecord): Promise<boolean> {
  return (await gitTry(record.path, ["cat-file", "-e", "HEAD:.gitmodules"])).ok;
}

/**
 * `git submodule update --init --recursive` in the worktree when there is a .gitmodules. Local (file://)
 * submodule URLs are allowed: they are the user's own repositories, as in their own checkout.
 */
export async function updateSubmodules(record: WorktreeRecord): Promise<void> {
  if (!(await hasSubmodules(record))) return;
  const args = ["-c", "protocol.file.allow=always", "submodule", "update", "--init", "--recursive"];
  const result = await gitTry(record.path, args);
  if (!result.ok) {
    const said = `${result.stdout}\n${result.stderr}`.trim();
    throw new WorktreeError("GIT_FAILED", `git ${args.join(" ")} failed in ${record.path}: ${said}`);
  }
}
