import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";
import { descendants } from "./tree.js";

/**
 * Lowers a just-started CLI's CPU priority to `nice` (1-19), so that when the agents saturate the
 * machine our server (the control plane) still gets the CPU it needs. Best effort: a process that
 * is already gone, or a system without /proc, keeps what it has.
 */
export function lowerPriority(pid: number, nice: number): void {
  // setpriority(2) on Linux sets one thread: every thread the CLI has started by now, then those of
  // the children it started before this ran (it runs after the spawn's own work: a shell forks
  // sooner); what they start later inherits it. Twice: a child mid-fork during the first walk
  // copied its parent's niceness already but was not yet listed.
  for (let round = 0; round < 2; round++) {
    for (const tid of treeThreads(pid)) {
      try {
        setPriority(tid, nice);
      } catch {
        // gone meanwhile
      }
    }
  }
  // The CLI is the leader of a session of its own (spawned detached), and where the kernel groups
  // sessions for scheduling (autogroup) a thread's niceness only counts within its session: the
  // session's own niceness is what weighs it against our server.
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // no autogroup (disabled, not Linux, or the process is gone)
  }
}

// Every thread of the process and of its descendants, walked down each thread's children (Linux):
// the tree only, not the machine's whole process table (a hundred agents' CLIs and their threads).
// Where the kernel lists no children, the process table's walk; without /proc, the process alone.
function treeThreads(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    let tids: number[];
    try {
      tids = readdirSync(`/proc/${next}/task`).map(Number);
    } catch {
      if (next === pid) return [pid];
      continue;
    }
    for (const tid of tids) {
      out.push(tid);
      let children: string;
      try {
        children = readFileSync(`/proc/${next}/task/${tid}/children`, "utf8");
      } catch {
        return [...new Set([...out, ...descendants(pid).flatMap(threadsOf)])];
      }
      for (const child of children.split(" ")) if (child !== "") todo.push(Number(child));
    }
  }
  return out;
}

// The process's threads (Linux), else the process alone.
function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [pid];
  }
}
