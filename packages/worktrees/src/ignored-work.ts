import { git } from "./git.js";
import { writeRecord, type WorktreeRecord } from "./record.js";

// Files an agent wrote that the repository ignores are still its work (a `.env.local`, notes, a
// generated key), unless they are build output that can be made again, or were there before the
// agent started (files `.worktreeinclude` copied, the setup command's output). These are the names
// counted as build output, in any folder; everything else ignored counts as work.

/** Folders of build output and caches: ignored files under them are not work. */
const BUILD_OUTPUT_DIRS = [
  "node_modules",
  "dist",
  "build",
  "out",
  "target",
  "coverage",
  ".cache",
  ".turbo",
  ".next",
  ".nuxt",
  ".parcel-cache",
  "__pycache__",
  ".pytest_cache",
  ".mypy_cache",
  ".ruff_cache",
  ".venv",
  "venv",
  ".gradle",
  ".tox",
] as const;

/** Single files of build output. */
const BUILD_OUTPUT_FILES = /(?:\.pyc|\.pyo|\.o|\.obj|\.class|\.tsbuildinfo|\.log)$|(?:^|\/)\.DS_Store$/;

const dirs = new Set<string>(BUILD_OUTPUT_DIRS);

/** Whether an ignored path (a file, or a folder ending in `/`) is build output. */
export function isBuildOutput(path: string): boolean {
  const parts = path.replace(/\/$/, "").split("/");
  return parts.some((part) => dirs.has(part)) || BUILD_OUTPUT_FILES.test(path);
}

/** Every ignored entry of the worktree (a wholly ignored folder once, as `dir/`). */
export async function ignoredEntries(dir: string): Promise<string[]> {
  const out = await git(dir, ["status", "--porcelain", "-z", "--ignored=traditional", "--untracked-files=normal"]);
  return out
    .split("\0")
    .filter((field) => field.startsWith("!! "))
    .map((field) => field.slice(3));
}

/** Ignored entries that are the agent's work: not build output, and not there when the worktree was readied. */
export async function ignoredWork(record: WorktreeRecord): Promise<string[]> {
  const ready = new Set(record.ready_ignored ?? []);
  return (await ignoredEntries(record.path)).filter((path) => !isBuildOutput(path) && !ready.has(path));
}

/** The record with what is ignored now noted as the worktree's own (call once it is readied), and saved. */
export async function markReady(record: WorktreeRecord): Promise<WorktreeRecord> {
  const marked = { ...record, ready_ignored: await ignoredEntries(record.path) };
  await writeRecord(marked);
  return marked;
}
