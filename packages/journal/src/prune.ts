// Deletes journals nobody will resume any more.
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { readOwner, serverAlive } from "./owner.js";

const ID = /^[a-z0-9-]{1,64}$/;

/**
 * Deletes agent directories whose newest file is older than `maxAgeMs`, except those a live server
 * owns; resolves to how many. Asynchronous, one directory at a time: with thousands of past agents
 * the walk takes seconds, and a server's calls must not wait behind it.
 */
export async function pruneJournals(dir: string, maxAgeMs: number, now: number = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => ID.test(n));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!(await stat(path)).isDirectory()) continue;
      if (now - (await newest(path)) <= maxAgeMs) continue;
      const owner = readOwner(path);
      if (owner !== undefined && serverAlive(owner)) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Gone meanwhile or not ours to delete: leave it.
    }
  }
  return removed;
}

// The directory's own mtime counts too, so a just-claimed agent with no file yet is not old.
async function newest(path: string): Promise<number> {
  let mtime = (await stat(path)).mtimeMs;
  for (const name of await readdir(path)) {
    try {
      mtime = Math.max(mtime, (await stat(join(path, name))).mtimeMs);
    } catch {
      // Rotated away while we looked.
    }
  }
  return mtime;
}
