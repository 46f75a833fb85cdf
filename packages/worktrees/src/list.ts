// Every worktree recorded under a state dir, and the clean-up of those whose agents are gone.
import { resolve } from "node:path";
import { gitTry } from "./git.js";
import { deleteRecord, readRecords, type WorktreeRecord } from "./record.js";
import { assertOurs } from "./repo.js";
import { deleteBranch, dirExists, keepUnreachable, removeAll, unmergedCommits } from "./remove.js";
import { worktreeStatus, type WorktreeStatus } from "./status.js";
import { processAlive } from "@subagent-mcp/state";

/** One recorded worktree as {@link listWorktrees} sees it. */
export interface ListedWorktree {
  record: WorktreeRecord;
  status: WorktreeStatus | undefined;
  /** Its directory is gone. */
  missing: boolean;
  /** Its owner process is alive and it was not released. */
  live: boolean;
  /** Uncommitted changes, or commits on its branch that no other local branch contains. */
  unmerged: boolean;
}

interface Inspected extends ListedWorktree {
  unmergedCommits: number;
}

async function inspect(record: WorktreeRecord): Promise<Inspected> {
  const missing = !(await dirExists(record.path));
  const status = missing ? undefined : await worktreeStatus(record).catch(() => undefined);
  const commits = await unmergedCommits(record, status?.head).catch(() => 0);
  const live = record.ended_at === undefined && processAlive(record.owner);
  const unmerged = (status?.uncommitted ?? 0) > 0 || (status?.ignored_work ?? 0) > 0 || commits > 0;
  return { record, status, missing, live, unmerged, unmergedCommits: commits };
}

/** Every record under `<stateDir>/worktrees` with its status, liveness and unmerged work. */
export async function listWorktrees(stateDir: string): Promise<ListedWorktree[]> {
  const records = await readRecords(resolve(stateDir));
  const listed = await Promise.all(records.map(inspect));
  return listed.map(({ unmergedCommits: _, ...entry }) => entry);
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;

/**
 * Removes the worktrees whose owner is not live: missing ones (metadata pruned, record deleted, branch only
 * if merged), clean and merged ones, and with force the rest too. Never touches anything not recorded.
 */
export async function pruneWorktrees(
  stateDir: string,
  opts: { force?: boolean; dryRun?: boolean } = {},
): Promise<{ removed: WorktreeRecord[]; kept: Array<{ record: WorktreeRecord; reason: string }>; keptRefs: string[] }> {
  const force = opts.force ?? false;
  const removed: WorktreeRecord[] = [];
  const keptRefs: string[] = [];
  const kept: Array<{ record: WorktreeRecord; reason: string }> = [];
  for (const record of await readRecords(resolve(stateDir))) {
    const entry = await inspect(record);
    if (entry.live) {
      kept.push({ record, reason: "agent still running" });
      continue;
    }
    if (!entry.missing && !force && entry.unmerged) {
      const parts: string[] = [];
      const uncommitted = entry.status?.uncommitted ?? 0;
      if (uncommitted > 0) parts.push(plural(uncommitted, "uncommitted change"));
      if (entry.unmergedCommits > 0) parts.push(plural(entry.unmergedCommits, "unmerged commit"));
      if ((entry.status?.ignored_work ?? 0) > 0) parts.push(plural(entry.status?.ignored_work ?? 0, "ignored file that is not build output"));
      kept.push({ record, reason: `${parts.join(", ")}: use --force` });
      continue;
    }
    try {
      if (!opts.dryRun) keptRefs.push(...(await removeOne(entry, force)));
      removed.push(record);
    } catch (error) {
      kept.push({ record, reason: (error as Error).message });
    }
  }
  return { removed, kept, keptRefs };
}

// Returns the refs under which commits nothing else held were kept.
async function removeOne(entry: Inspected, force: boolean): Promise<string[]> {
  const { record } = entry;
  if (!entry.missing) return removeAll(record, force);
  await assertOurs(record, { mustExist: false });
  await gitTry(record.repo, ["worktree", "prune"]);
  const kept = force ? await keepUnreachable(record, undefined) : [];
  await deleteBranch(record, force);
  await deleteRecord(record);
  return kept;
}
