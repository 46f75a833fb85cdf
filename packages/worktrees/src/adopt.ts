// A kept worktree taken back by a new owner: an agent resumed by another server works in it again.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { WorktreeError } from "./errors.js";
import { recordFile, stampOwner, writeRecord, WorktreeRecordSchema, type WorktreeRecord } from "./record.js";

/**
 * The record of the worktree at `path`, now owned by `owner` and no longer ended (so that prune
 * leaves it alone while its agent runs). NOT_OURS when no record of ours names that path, GIT_FAILED
 * when its directory is gone.
 */
export async function adoptWorktree(path: string, owner: WorktreeRecord["owner"]): Promise<WorktreeRecord> {
  let record: WorktreeRecord;
  try {
    record = WorktreeRecordSchema.parse(JSON.parse(await readFile(recordFile({ path }), "utf8")));
  } catch {
    throw new WorktreeError("NOT_OURS", `${path} is not a worktree subagent-mcp recorded (no readable ${recordFile({ path })})`);
  }
  if (!existsSync(path)) throw new WorktreeError("GIT_FAILED", `the worktree ${path} is gone (removed when its agent ended, or by hand)`);
  const { ended_at: _ended, ...rest } = record;
  const adopted: WorktreeRecord = { ...rest, owner: stampOwner(owner) };
  await writeRecord(adopted);
  return adopted;
}
