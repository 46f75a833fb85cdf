import type { AgentRecord } from "../lifecycle/agent.js";
import { CoreError } from "../errors.js";
import type { PendingPermission } from "../lifecycle/state.js";

/**
 * The pending request an answer is for: the one named, or the only one when none is named. The
 * errors say what is pending, so the caller can name the right one.
 */
export function findPending(record: AgentRecord, requestId: string | undefined): PendingPermission {
  const id = record.id;
  const pending = record.state.permissions;
  const list = pending.map((p) => p.request.requestId).join(", ");
  if (requestId === undefined && pending.length !== 1) {
    throw new CoreError(
      "INVALID_ARGUMENT",
      pending.length === 0
        ? `agent ${id} has no pending permission request`
        : `agent ${id} has ${pending.length} pending permission requests (${list}); name one with request_id`,
    );
  }
  const found = pending.find((p) => requestId === undefined || p.request.requestId === requestId);
  if (found === undefined) {
    const known = pending.length === 0 ? "it has none pending" : `pending: ${list}`;
    throw new CoreError(
      "PERMISSION_NOT_FOUND",
      `agent ${id} has no pending permission request "${String(requestId)}" (${known}); it may have been answered, timed out or withdrawn`,
    );
  }
  return found;
}
