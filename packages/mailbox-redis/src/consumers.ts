import { hostname } from "node:os";
import { isAlive } from "@subagent-mcp/state";

/** This reader's consumer name in each mailbox's group: the machine and the process. */
export function consumerName(pid: number = process.pid): string {
  return `${hostname()}:${pid}`;
}

/**
 * Whether a consumer name says "a process on this machine that has ended": its claims are free to
 * take over at once, without waiting for them to go idle. Names of other machines (or custom ones)
 * are never judged here; their claims are taken over only once idle.
 */
export function deadHere(consumer: string): boolean {
  const at = consumer.lastIndexOf(":");
  if (at <= 0 || consumer.slice(0, at) !== hostname()) return false;
  const pid = Number(consumer.slice(at + 1));
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid);
}
