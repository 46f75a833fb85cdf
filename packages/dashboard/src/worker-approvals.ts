// The workers' permission requests: workers run outside the servers, so the page reads their files and answers by mail.
import { errorMessage } from "@subagent-mcp/errors";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { approvalAnswer, pendingOfAllWorkers, type PendingApproval } from "@subagent-mcp/worker";
import { DashboardError } from "./errors.js";
import type { WorkerPermissionView } from "@subagent-mcp/contract";

/** The pending permission requests of every worker on this machine, oldest first. */
export const workerApprovals = pendingOfAllWorkers;

/** A worker's request as the page shows it. */
export function approvalView(p: PendingApproval): WorkerPermissionView {
  return { id: p.id, worker: p.worker, approver: p.approver, summary: p.summary, askedAt: p.askedAt };
}

/** A worker request's answer. */
export type WorkerDecision = "allow" | "allow_always" | "deny";

/**
 * Answers a worker's permission request as `subagent-mcp permissions allow|deny` does: a mail from
 * its approver in the request's thread naming the request's key (from the worker's private file),
 * which the worker takes as the approver's answer.
 */
export async function answerWorker(
  stateDir: string,
  mail: MailboxStore,
  id: string,
  decision: WorkerDecision,
  reason?: string,
): Promise<Record<string, unknown>> {
  const found = workerApprovals(stateDir).find((p) => p.id === id);
  if (found === undefined) throw new DashboardError("NOT_FOUND", `no pending worker request "${id}" (answered, timed out, or never asked)`);
  try {
    await mail.send(approvalAnswer(found, decision, reason));
  } catch (error) {
    throw new DashboardError("MAIL_FAILED", `cannot send the answer to ${found.worker}: ${errorMessage(error)}`);
  }
  return { id: found.id, worker: found.worker, decision, summary: found.summary };
}
