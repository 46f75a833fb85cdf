import { hostname } from "node:os";
import { processAlive, processRef } from "@subagent-mcp/state";

/**
 * This reader's consumer name in each mailbox's group: the machine, the process and, where the
 * kernel tells it, the process's start time (`host:pid@start`), so that a later process given the
 * same pid is never taken for this reader.
 */
export function consumerName(pid: number = process.pid): string {
  const start = processRef(pid)?.start;
  return start === undefined ? `${hostname()}:${pid}` : `${hostname()}:${pid}@${start}`;
}

/**
 * Whether a consumer name says "a process on this machine that has ended" (a zombie, or its pid now
 * another process's): its claims are free to take over at once, without waiting for them to go
 * idle. Names of other machines (or custom ones) are never judged here; their claims are taken over
 * only once idle. A name without a start time (`host:pid`) is judged by the pid alone.
 */
export function deadHere(consumer: string): boolean {
  const at = consumer.lastIndexOf(":");
  if (at <= 0 || consumer.slice(0, at) !== hostname()) return false;
  const parsed = /^(\d+)(?:@(\d+))?$/.exec(consumer.slice(at + 1));
  if (parsed === null) return false;
  const pid = Number(parsed[1]);
  const start = parsed[2];
  return pid > 0 && pid !== process.pid && !processAlive(start === undefined ? { pid } : { pid, start });
}
