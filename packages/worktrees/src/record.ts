// The record of one worktree: a JSON file beside its directory, the only thing list and prune act on.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";
import { processRef, writeAtomic, stateLayout } from "@subagent-mcp/state";

/** One worktree made for an agent (or a pool replica), as stored in `<stateDir>/worktrees/<group>/<id>.json`. */
export const WorktreeRecordSchema = z.object({
  /** Unique slug, also the directory name. */
  id: z.string(),
  /** Absolute worktree root. */
  path: z.string(),
  /** `subagent/<id>`. */
  branch: z.string(),
  /** The ref as asked ("HEAD" by default). */
  base: z.string(),
  /** The sha `base` resolved to at creation. */
  base_commit: z.string(),
  /** Realpath of the repository's main worktree top level. */
  repo: z.string(),
  /** Sub-directory of the caller's cwd inside the repo ("" for the root), posix separators. */
  subdir: z.string(),
  kind: z.enum(["agent", "replica"]),
  // `start`: the owner's start time (state's ProcessRef), so that a reused pid is not the owner; absent from older records.
  owner: z.object({ pid: z.number(), start: z.string().optional(), agent_id: z.string().optional(), label: z.string().optional() }),
  /** ISO time of creation. */
  created_at: z.string(),
  /** Ignored entries the worktree had once readied (included files, the setup's output): never the agent's work. */
  ready_ignored: z.array(z.string()).optional(),
  /** Set when its agent ended and the worktree was kept. */
  ended_at: z.string().optional(),
});
export type WorktreeRecord = z.infer<typeof WorktreeRecordSchema>;

/** Directory holding every group of worktrees under a state dir. */
export const worktreesRoot = (stateDir: string): string => stateLayout(stateDir).worktrees;

/** One directory per repository: readable name plus a hash of its root so equal basenames don't collide. */
export function groupDir(stateDir: string, repo: string): string {
  const hash = createHash("sha256").update(repo).digest("hex").slice(0, 8);
  return join(worktreesRoot(stateDir), `${basename(repo)}-${hash}`);
}

/** The record file beside a worktree directory. */
export const recordFile = (record: Pick<WorktreeRecord, "path">): string => `${record.path}.json`;

// A name that is a valid directory name and a valid ref component: git check-ref-format's rules, narrowed.
export function slugify(name: string): string {
  let slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/\.{2,}/g, ".");
  for (let before = ""; before !== slug;) {
    before = slug;
    slug = slug
      .replace(/^[.-]+/, "")
      .slice(0, 60)
      .replace(/\.lock$/, "")
      .replace(/\.+$/, "");
  }
  return slug === "" ? "agent" : slug;
}

/** The n-th candidate for a slug: itself, then `-2`, `-3`, ... within 60 characters. */
export function nthSlug(slug: string, n: number): string {
  if (n === 1) return slug;
  const suffix = `-${n}`;
  return `${slug.slice(0, 60 - suffix.length)}${suffix}`;
}

/** A new owner, with its start time read now (while it runs) when the caller gave only its pid. */
export function stampOwner(owner: WorktreeRecord["owner"]): WorktreeRecord["owner"] {
  const start = owner.start ?? processRef(owner.pid)?.start;
  return start === undefined ? owner : { ...owner, start };
}

/** Writes a record atomically, readable by its owner only. */
export function writeRecord(record: WorktreeRecord): Promise<void> {
  writeAtomic(recordFile(record), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return Promise.resolve();
}

/** Deletes a record file; gone already is fine. */
export async function deleteRecord(record: WorktreeRecord): Promise<void> {
  await rm(recordFile(record), { force: true });
}

/** Makes the group directory (and its parents) private to the user. */
export async function ensureGroupDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Every well-formed record under `<stateDir>/worktrees`; unreadable or foreign files are skipped. */
export async function readRecords(stateDir: string): Promise<WorktreeRecord[]> {
  const root = worktreesRoot(stateDir);
  const groups = await readdir(root, { withFileTypes: true }).catch(() => []);
  const records: WorktreeRecord[] = [];
  for (const group of groups) {
    if (!group.isDirectory()) continue;
    const files = await readdir(join(root, group.name)).catch(() => []);
    for (const file of files.filter((f) => f.endsWith(".json")).sort()) {
      const text = await readFile(join(root, group.name, file), "utf8").catch(() => undefined);
      if (text === undefined) continue;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        continue;
      }
      const parsed = WorktreeRecordSchema.safeParse(json);
      // Only a record that sits beside its own directory is ours to act on.
      if (parsed.success && parsed.data.path === join(root, group.name, file.slice(0, -5))) {
        records.push(parsed.data);
      }
    }
  }
  return records;
}
