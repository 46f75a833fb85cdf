import { McpTransportError } from "./errors.js";
import { TaskStore } from "./task-store.js";

// The delegation tasks' settings a server starts with: the poll hint and the store.

/**
 * How often a host should ask after a task (`tasks/get` is answered from memory in microseconds).
 * Claude Code honours it; it ignores pushed status notifications, so this bounds how late it hears
 * that a sub-agent finished.
 */
const TASK_POLL_MS = 250;

/** A server's task store: results held to `maxResultChars`, the poll interval from SUBAGENT_MCP_TASK_POLL_MS. */
export function taskStore(maxResultChars: number): TaskStore {
  const poll = taskPollMs(process.env);
  return new TaskStore({ maxResultChars, ...(poll === 0 ? {} : { pollIntervalMs: poll }) });
}

/** SUBAGENT_MCP_TASK_POLL_MS: the poll interval asked of a host (default 250); 0 asks for none (Claude Code then asks every 2 s). */
function taskPollMs(env: Record<string, string | undefined>): number {
  const raw = env.SUBAGENT_MCP_TASK_POLL_MS;
  if (raw === undefined || raw.trim() === "") return TASK_POLL_MS;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new McpTransportError("CONFIG_INVALID", `SUBAGENT_MCP_TASK_POLL_MS must be an integer >= 0, got "${raw}"`);
  return value;
}
