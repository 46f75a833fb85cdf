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
  const lines = [
    ...pending.permission_requests.map((p) => `- ${p.agent_id} asks permission (request ${p.request_id}): ${p.summary}; answer it with respond_permission.`),
    pending.running.length > 0
      ? `- Still running: ${pending.running.map((a) => (a.label === undefined ? a.agent_id : `${a.agent_id} (${a.label})`)).join(", ")}; call wait for their results.`
      : "",
    unread.length > 0 ? `- Finished and not read yet: ${unread.join(", ")}; call wait to read their results.` : "",
    pending.messages_waiting > 0 ? `- ${plural(pending.messages_waiting, "message waits", "messages wait")} in your inbox; read them with inbox.` : "",
  ].filter(Boolean);
  if (lines.length === 0) return undefined;
  return [
    "Orchestration mode is on and your sub-agents are not done: do not finish yet.",
    ...lines,
    "Combine their results before you answer (kill_agent ends an agent that is no longer needed).",
  ].join("\n");
}
