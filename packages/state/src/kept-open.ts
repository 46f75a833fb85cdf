import { readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";

// A file deleted while a process still holds it open lives on in that process: Linux shows it as the
// link /proc/PID/fd/N, "PATH (deleted)", which the same user (and root) may open and read.

/**
 * What a live process of this user still holds open under `path`, deleted or not, as the first text
 * `accept` takes; undefined where nothing does (or where there is no /proc). Costs one look at each
 * process's open files: for a file found missing, not for every read.
 */
export function keptOpen(path: string, accept: (text: string) => boolean): string | undefined {
  if (process.platform !== "linux") return undefined;
  const uid = process.getuid?.();
  const names = new Set([path, `${path} (deleted)`]);
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    let fds: string[];
    try {
      // Another user's process refuses (EACCES): only ours can hold our folder's files.
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const text = readThrough(`/proc/${pid}/fd/${fd}`, names, uid);
      if (text !== undefined && accept(text)) return text;
    }
  }
  return undefined;
}

// The file behind one open descriptor, when it is the one named and this user's own.
function readThrough(link: string, names: Set<string>, uid: number | undefined): string | undefined {
  try {
    if (!names.has(readlinkSync(link))) return undefined;
    if (uid !== undefined && statSync(link).uid !== uid) return undefined;
    return readFileSync(link, "utf8");
  } catch {
    return undefined;
  }
}
