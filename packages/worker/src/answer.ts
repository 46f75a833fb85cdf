import { randomBytes } from "node:crypto";
import type { OutgoingMessage } from "@subagent-mcp/mailbox";
import { parseApproval, type PendingApproval } from "./approval.js";
import type { PermissionDecision } from "@subagent-mcp/contract";

// A permission request's key: 128 random bits that only the approver's mailbox (and the worker's
// private pending file) ever hold. An answer counts only when it comes from the approver and names
// the key, so neither a sender name (anyone who can write mail can claim any) nor the thread id
// (listed by `permissions` and the dashboard) is enough to answer for the approver.

/** A fresh key for one request. */
export function newApprovalKey(): string {
  return randomBytes(16).toString("hex");
}

/** What the question asks for: the three answers, each carrying the key. */
export function howToAnswer(key: string): string {
  return `Answer with a reply to this message: "allow ${key}", "allow always ${key}" or "deny ${key}: reason" (an answer without this key is ignored).`;
}

/** What an answer says: whether it carries the key, and the decision read from its first line (undefined: not understood). */
interface KeyedAnswer {
  keyed: boolean;
  decision?: PermissionDecision;
}

/**
 * Reads an answer to the request whose key is `key`: the key may stand anywhere in the body; the
 * decision is the first line without it ("allow", "allow always", "deny: reason", quotes and a
 * final full stop forgiven).
 */
export function readAnswer(body: string, key: string): KeyedAnswer {
  if (!body.includes(key)) return { keyed: false };
  const first = (body.split("\n")[0] ?? "").split(key).join(" ");
  const plain = first
    .replace(/["'`*]/g, "")
    .replace(/\s+/g, " ")
    .replace(/^\s*(allow(?: always)?|deny)\s*\.\s*$/i, "$1")
    .trim();
  const decision = parseApproval(plain);
  return decision === undefined ? { keyed: true } : { keyed: true, decision };
}

/** A request's answer from a shell or the dashboard: the message its approver would send, key included. */
export function approvalAnswer(pending: PendingApproval, decision: "allow" | "allow_always" | "deny", reason?: string): OutgoingMessage {
  const why = reason === undefined ? "" : `: ${reason.replace(/\s+/g, " ")}`;
  const body = decision === "allow" ? `allow ${pending.key}` : decision === "allow_always" ? `allow always ${pending.key}` : `deny ${pending.key}${why}`;
  return { from: pending.approver, to: pending.worker, body, priority: "high", threadId: pending.id, replyTo: pending.messageId };
}

/** A pending request as listed to people: everything but its key. */
export function withoutKey(pending: PendingApproval): Omit<PendingApproval, "key"> {
  const { key: _key, ...rest } = pending;
  return rest;
}
