// The server tools the dashboard uses, and how their results read.

/**
 * The tools the dashboard calls. Never `wait`: it reports each turn once and would take it from
 * the orchestrator; these only read, or act on the user's explicit request.
 */
export const DASHBOARD_TOOLS = new Set([
  "list_agents",
  "list_pool",
  "poll_agent",
  "transcript",
  "interrupt_agent",
  "kill_agent",
  "stop_agents",
  "resume_agent",
  "send_message",
  "respond_permission",
]);

/** The text parts of a tool result, joined. */
export function textOf(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: unknown; text?: unknown }) => (part.type === "text" && typeof part.text === "string" ? part.text : ""))
    .filter((t) => t !== "")
    .join("\n");
}
