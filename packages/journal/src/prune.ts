// Deletes journals nobody will resume any more.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { readOwner, serverAlive } from "./owner.js";

const ID = /^[a-z0-9-]{1,64}$/;

/** Deletes agent directories whose newest file is older than `maxAgeMs`, except those a live server owns; returns how many. */
export function pruneJournals(dir: string, maxAgeMs: number, now: number = Date.now()): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => ID.test(n));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (!statSync(path).isDirectory()) continue;
      if (now - newest(path) <= maxAgeMs) continue;
      const owner = readOwner(path);
      if (owner !== undefined && serverAlive(owner)) continue;
      rmSync(path, { recursive: true, force: true });
      removed++;
    } catch {
      // Gone meanwhile or not ours to delete: leave it.
    }
  }
  return removed;
}

// The directory's own mtime counts too, so a just-claimed agent with no file yet is not old.
function newest(path: string): number {
  let mtime = statSync(path).mtimeMs;
  for (const name of readdirSync(path)) {
    try {
      mtime = Math.max(mtime, statSync(join(path, name)).mtimeMs);
    } catch {
      // Rotated away while we looked.
    }
  }
  return mtime;
}
