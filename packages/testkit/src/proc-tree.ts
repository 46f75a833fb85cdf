// Which processes in a server's tree are ours (the server, its helpers, any nested server of ours)
// and which are the CLIs', and what ours hold: resident memory and CPU time, from /proc. For the
// benchmarks' and tests' measures of what an agent costs us.
import { readdirSync, readFileSync } from "node:fs";

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime, in clock ticks. */
  ticks: number;
  cmdline: string;
}

/** The kernel's clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

function readProc(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), cmdline };
  } catch {
    return undefined;
  }
}

function table(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const p = readProc(Number(name));
    if (p !== undefined) out.push(p);
  }
  return out;
}

/** Ours: a process running our bundle, or a helper the server spawned that is no CLI (its guardian shell). */
function isOurs(p: Proc, serverPid: number, ourDist: string): boolean {
  return p.cmdline.includes(ourDist) || (p.ppid === serverPid && p.cmdline.startsWith("/bin/sh"));
}

/** The server's tree split into ours and the CLIs' (a CLI's children are the CLI's, unless they run our bundle). */
function splitTree(serverPid: number, ourDist: string): { ours: number[]; clis: number[] } {
  const procs = table();
  const children = new Map<number, Proc[]>();
  for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const ours: number[] = [serverPid];
  const clis: number[] = [];
  const walk = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      (isOurs(child, serverPid, ourDist) ? ours : clis).push(child.pid);
      walk(child.pid);
    }
  };
  walk(serverPid);
  return { ours, clis };
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** One reading of our processes: their summed RSS (MB), CPU (ms) and count; and the CLIs' RSS. */
export interface TreeSample {
  oursRssMb: number;
  oursCpuMs: number;
  ourProcesses: number;
  clisRssMb: number;
  /** The CLIs' CPU time (ms), for how much of the cores they take beside ours. */
  clisCpuMs: number;
  cliProcesses: number;
}

/** A reading of the tree under `serverPid`, where a process is ours when it runs a file of `ourDist` (the built CLI's folder). */
export function sampleTree(serverPid: number, ourDist: string): TreeSample {
  const { ours, clis } = splitTree(serverPid, ourDist);
  const mb = (pids: number[]): number => Math.round(pids.reduce((sum, p) => sum + rssKb(p), 0) / 102.4) / 10;
  const cpuMs = (pids: number[]): number => (pids.reduce((sum, p) => sum + (readProc(p)?.ticks ?? 0), 0) * 1000) / TICKS_PER_S;
  return {
    oursRssMb: mb(ours),
    oursCpuMs: cpuMs(ours),
    ourProcesses: ours.length,
    clisRssMb: mb(clis),
    clisCpuMs: cpuMs(clis),
    cliProcesses: clis.length,
  };
}
