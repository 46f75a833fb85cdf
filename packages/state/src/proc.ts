import { readdirSync, readFileSync } from "node:fs";

// The process table as Linux shows it in /proc: what liveness and process-tree walks read.

/** One line of the process table, from /proc/PID/stat. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Single-letter state; "Z" is a zombie (dead, not yet reaped). */
  state: string;
  /** Start time in clock ticks since boot: with the pid, it names one process for good. */
  start: string;
  /** The command name (truncated by the kernel to 15 characters). */
  comm: string;
}

/** One process's stat line, or undefined when it is gone (or there is no /proc). */
export function readStat(pid: number): ProcEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ")".
  const close = stat.lastIndexOf(")");
  const fields = stat.slice(close + 2).split(" ");
  return {
    pid,
    comm: stat.slice(stat.indexOf("(") + 1, close),
    state: fields[0] ?? "",
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    start: fields[19] ?? "",
  };
}

/** Every process visible in /proc (empty where there is none). */
export function processTable(): ProcEntry[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const table: ProcEntry[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat !== undefined) table.push(stat);
  }
  return table;
}
