import { readdirSync, readFileSync } from "node:fs";

/** Every live descendant of `pid` (Linux /proc; elsewhere only the process group is reachable). */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = parentOf(Number(entry));
    if (ppid === undefined) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    for (const child of children.get(stack.pop() as number) ?? []) {
      found.push(child);
      stack.push(child);
    }
  }
  return found;
}

function parentOf(pid: number): number | undefined {
  try {
    // The command name (field 2) is in parentheses and may contain spaces: parse after the last ")".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/**
 * SIGKILLs a process, its process group and every descendant found, at once. The group catches
 * children that are mid-fork; the /proc walk catches those that moved to their own group.
 */
export function killTreeNow(pid: number): void {
  const all = [pid, ...descendants(pid)];
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
  for (const p of all) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Resident memory of a process and all its descendants, in MB (undefined when it is gone). */
export function treeRssMb(pid: number): number | undefined {
  let kb = 0;
  let found = false;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const value = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))?.[1];
      if (value !== undefined) {
        kb += Number(value);
        found = true;
      }
    } catch {
      // exited meanwhile
    }
  }
  return found ? Math.round(kb / 102.4) / 10 : undefined;
}

/** True while a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
