import { errorMessage } from "@subagent-mcp/errors";
// What lives outside the servers: mailboxes, workers' presence and the workers' permission requests.
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { approvalAnswer, pendingOfAllWorkers, type PendingApproval } from "@subagent-mcp/worker";
import { DashboardError } from "./errors.js";
import type { MailboxView, WorkerPermissionView } from "@subagent-mcp/contract";

/** Every mailbox with its waiting, claimed and dead messages, by name. */
export async function mailboxCounts(mail: MailboxStore): Promise<MailboxView[]> {
  const names = (await mail.names()).sort();
  return Promise.all(
    names.map(async (name) => {
      const [waiting, claimed, dead] = await Promise.all([mail.pending(name), mail.claimed(name), mail.dead(name)]);
      return { name, waiting, claimed, dead: dead.length };
    }),
  );
}

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
