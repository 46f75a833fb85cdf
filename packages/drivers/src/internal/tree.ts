import { readFileSync } from "node:fs";
import { DriverError } from "../errors.js";
import { processAlive, processTable, readStat, type ProcEntry } from "@subagent-mcp/state";

/** Every live descendant of `pid` (Linux /proc; elsewhere only the process group is reachable). */
export function descendants(pid: number): number[] {
  return [...members(processTable(), new Set([pid])).keys()].filter((p) => p !== pid);
}

/**
 * The processes of a tree in one table: the roots, every process in one of `groups`, and
 * (transitively) every child of a member and every process in a group a member leads (the CLI's
 * own group catches children that are mid-fork). Zombies are left out: they are dead already.
 */
function members(table: ProcEntry[], roots: Set<number>, groups = new Set<number>()): Map<number, ProcEntry> {
  const found = new Map<number, ProcEntry>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of table) {
      if (found.has(p.pid) || p.state === "Z") continue;
      if (roots.has(p.pid) || groups.has(p.pgrp) || found.has(p.ppid) || found.has(p.pgrp)) {
        found.set(p.pid, p);
        grew = true;
      }
    }
  }
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone (or not ours to signal: it then shows up as a survivor)
  }
}

/**
 * SIGKILLs a process, its process group and every descendant, and returns what it signalled (pid
 * to start time). The tree is frozen first (SIGSTOP, re-walked until nothing new appears), so a
 * child forked during the walk cannot slip out into a group of its own.
 */
export function killTreeNow(pid: number): Map<number, string> {
  signal(-pid, "SIGSTOP");
  const frozen = new Map<number, string>();
  // A bounded number of rounds: a tree forking faster than we walk still gets the group kill.
  for (let round = 0; round < 10; round++) {
    const fresh = [...members(processTable(), new Set([pid, ...frozen.keys()]), new Set([pid])).values()].filter((p) => !frozen.has(p.pid));
    if (fresh.length === 0) break;
    for (const p of fresh) {
      signal(p.pid, "SIGSTOP");
      frozen.set(p.pid, p.start);
    }
  }
  signal(-pid, "SIGKILL");
  for (const p of frozen.keys()) signal(p, "SIGKILL");
  return frozen;
}

/**
 * Kills a whole tree and resolves once every process of it is gone, re-sweeping anything that
 * joined it meanwhile. Rejects with TREE_SURVIVED, naming them, if some outlive `boundMs`.
 */
export async function killTree(pid: number, boundMs = 5_000): Promise<void> {
  const signalled = killTreeNow(pid);
  const deadline = Date.now() + boundMs;
  for (let delay = 2; ; delay = Math.min(50, delay * 2)) {
    for (const [p, start] of signalled) if (!processAlive({ pid: p, start })) signalled.delete(p);
    if (signalled.size === 0) return;
    // Late joiners: a child of a dying member, or a new member of the group. (The root's pid is no
    // root here: once reaped it could name another process; its group id cannot while in use.)
    for (const p of members(processTable(), new Set(signalled.keys()), new Set([pid])).values()) {
      if (signalled.has(p.pid)) continue;
      signal(p.pid, "SIGKILL");
      signalled.set(p.pid, p.start);
    }
    if (Date.now() > deadline) {
      const names = [...signalled.keys()].map((p) => `${p} (${readStat(p)?.comm ?? "?"})`).join(", ");
      throw new DriverError("TREE_SURVIVED", `process(es) of the tree of ${pid} still alive ${boundMs} ms after SIGKILL: ${names}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
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
