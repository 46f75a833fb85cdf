import { oneLine } from "./one-line.js";
import type { Pending } from "./pending.js";

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/**
 * One line on what waits for the orchestrator, for a prompt's or a session start's context, e.g.
 * "2 sub-agents finished and not read yet (wait), 1 permission request (respond_permission),
 * 1 message (inbox)"; undefined when nothing waits.
 */
export function pendingDigest(pending: Pending): string | undefined {
  const unread = pending.unread.filter((id) => !pending.running.some((a) => a.agent_id === id));
  const parts = [
    unread.length > 0 ? `${plural(unread.length, "sub-agent", "sub-agents")} finished and not read yet (wait)` : "",
    pending.running.length > 0 ? `${plural(pending.running.length, "sub-agent", "sub-agents")} still running (wait)` : "",
    pending.permission_requests.length > 0
      ? `${plural(pending.permission_requests.length, "permission request", "permission requests")} (respond_permission)`
      : "",
    pending.messages_waiting > 0 ? `${plural(pending.messages_waiting, "message", "messages")} (inbox)` : "",
  ].filter(Boolean);
  return parts.length === 0 ? undefined : `subagent-mcp: ${parts.join(", ")}.`;
}

/**
 * Why the orchestrator may not finish yet, naming the agents and what to call; undefined when
 * nothing waits.
 */
export function stopReason(pending: Pending): string | undefined {
  const unread = pending.unread.filter((id) => !pending.running.some((a) => a.agent_id === id));
  // Every item is folded into one bounded line: a sub-agent's command text must not add lines of its own.
  const asks = shown(
    pending.permission_requests,
    (p) => `- ${oneLine(p.agent_id)} asks permission (request ${oneLine(p.request_id)}): ${oneLine(p.summary)}; answer it with respond_permission.`,
  );
  const running = pending.running.map((a) => (a.label === undefined ? oneLine(a.agent_id) : `${oneLine(a.agent_id)} (${oneLine(a.label)})`));
  const lines = [
    ...asks,
    running.length > 0 ? `- Still running: ${listed(running)}; call wait for their results.` : "",
    unread.length > 0 ? `- Finished and not read yet: ${listed(unread.map((id) => oneLine(id)))}; call wait to read their results.` : "",
    pending.messages_waiting > 0 ? `- ${plural(pending.messages_waiting, "message waits", "messages wait")} in your inbox; read them with inbox.` : "",
  ].filter(Boolean);
  if (lines.length === 0) return undefined;
  return [
    "Orchestration mode is on and your sub-agents are not done: do not finish yet.",
    ...lines,
    "Combine their results before you answer (kill_agent ends an agent that is no longer needed).",
  ].join("\n");
}

/** The most items of one kind a stop reason names; the rest are counted. */
const MAX_ITEMS = 20;

function shown<T>(items: T[], line: (item: T) => string): string[] {
  const out = items.slice(0, MAX_ITEMS).map(line);
  if (items.length > MAX_ITEMS) out.push(`- and ${items.length - MAX_ITEMS} more permission request(s) (wait lists them all).`);
  return out;
}

function listed(names: string[]): string {
  const head = names.slice(0, MAX_ITEMS).join(", ");
  return names.length > MAX_ITEMS ? `${head} and ${names.length - MAX_ITEMS} more` : head;
}
