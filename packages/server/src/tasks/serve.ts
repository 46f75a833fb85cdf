import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import { acceptsTasks, type Delivery, type TaskStore, type TaskWork } from "@subagent-mcp/mcp-transport";
import { guard } from "../answers/result.js";

/** Where a tool call stands: its request, and what the host said it takes. */
export interface CallContext {
  requestId: RequestId;
  _meta?: unknown;
}

/**
 * Makes a tool call a task when its host takes tasks: starts `work` under `taskId`, and the answer
 * to the call becomes the task (the handler's own result, which the SDK checks, is not sent).
 * Returns false, and does nothing, for a host that does not (its call answers as always).
 */
export function delegate(
  deps: { tasks?: TaskStore; delivery: Delivery },
  call: CallContext,
  taskId: string,
  statusMessage: string,
  work: () => TaskWork,
): boolean {
  if (deps.tasks === undefined || !acceptsTasks(call._meta)) return false;
  const made = work();
  // Our errors end the task as they would have ended the call: a tool error saying what to fix.
  const task = deps.tasks.start(taskId, statusMessage, { run: (control) => guard(() => made.run(control)), cancel: () => made.cancel() });
  deps.delivery.instead(call.requestId, { resultType: "task", ...task });
  return true;
}
