// The end of an agent: an untouched worktree goes away, one with work in it stays for the user.
import { refSha } from "./git.js";
import { writeRecord, type WorktreeRecord } from "./record.js";
import { dirExists, removeAll } from "./remove.js";
import { worktreeStatus, type WorktreeStatus } from "./status.js";

/**
 * Its agent ended. A clean worktree (nothing uncommitted, no commit beyond base) is removed with its branch
 * and record; otherwise it is kept and `ended_at` is written. With force it is removed regardless.
 * Returns the status as measured before.
 */
export async function releaseWorktree(
  record: WorktreeRecord,
  opts: { force?: boolean } = {},
): Promise<{ removed: boolean; status: WorktreeStatus | undefined }> {
  const status = (await dirExists(record.path)) ? await worktreeStatus(record) : undefined;
  const force = opts.force ?? false;
  const tip = await refSha(record.repo, `refs/heads/${record.branch}`);
  const clean =
    status === undefined ? tip === undefined || tip === record.base_commit : status.uncommitted === 0 && status.ahead === 0 && status.ignored_work === 0;
  if (force || clean) {
    await removeAll(record, force);
    return { removed: true, status };
  }
  await writeRecord({ ...record, ended_at: new Date().toISOString() });
  return { removed: false, status };
}
