import { z } from "zod";
import { readStat } from "./proc.js";

/**
 * One process for good: its pid and, where the kernel tells it (/proc), its start time in clock
 * ticks since boot. A pid alone may name a later, unrelated process once the first has ended.
 * Records written before the start time was kept have none: they are checked by pid (and zombie) only.
 */
export const ProcessRefSchema = z.object({
  pid: z.number().int(),
  start: z.string().optional(),
});
export type ProcessRef = z.infer<typeof ProcessRefSchema>;

/**
 * Whether the process a ref names still runs. A zombie (ended, not yet reaped by its parent) is
 * dead, and so is a live process whose start time differs from the recorded one (the pid was
 * reused). Where there is no /proc (macOS), or the process's entry is hidden from us, signal 0
 * decides: it exists, whatever its start time (EPERM: it runs under another user).
 */
export function processAlive(ref: ProcessRef): boolean {
  const { pid, start } = ref;
  // A pid of 0 or less names a process group, never one process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = readStat(pid);
  if (stat === undefined) return signalZero(pid);
  if (stat.state === "Z" || stat.state === "X") return false;
  return start === undefined || start === "" || stat.start === start;
}

/** This process's ref: what an owner record stores so that a reader can tell it from a later one. */
export function selfRef(): ProcessRef {
  return processRef(process.pid) ?? { pid: process.pid };
}

/** The ref of a running process (its start time read now), or undefined when it is not running. */
export function processRef(pid: number): ProcessRef | undefined {
  if (!processAlive({ pid })) return undefined;
  const start = readStat(pid)?.start;
  return start === undefined || start === "" ? { pid } : { pid, start };
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
