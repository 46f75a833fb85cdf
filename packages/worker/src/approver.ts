import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import type { Session } from "@subagent-mcp/core";
import { setTimeout as sleep } from "node:timers/promises";
import { isRetryable, type MailboxStore, type Message } from "@subagent-mcp/mailbox";
import { decide, describeRequest, type AuditLog, type PermissionRules } from "@subagent-mcp/permissions";
import { APPROVAL_THREAD_PREFIX, type PendingApprovals } from "./approval.js";
import { howToAnswer, newApprovalKey, readAnswer } from "./answer.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { PermissionDecision, PermissionRequest } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

interface ApproverOptions {
  worker: string;
  mail: MailboxStore;
  cwd: string;
  files: PendingApprovals;
  rules: PermissionRules;
  timeoutMs: number;
  /** The worker's stop: a pending request is denied when it fires. */
  signal: AbortSignal;
  approver?: string;
  audit?: AuditLog;
  say?: (line: string) => void;
}

type Who = "rule" | "approver" | "timeout";

/**
 * Answers a worker session's permission requests: the rules first; what they leave open goes to the
 * approver's mailbox as a message carrying a fresh key, and the answer is the first message in the
 * request's thread that comes from the approver and names that key. Anything else is ignored (and
 * said), and the request goes on waiting for the real answer or its timeout.
 */
export class Approver {
  readonly #waiting = new Map<string, AbortController>();

  constructor(private readonly o: ApproverOptions) {}

  async handle(session: Pick<Session, "respondPermission">, request: PermissionRequest): Promise<void> {
    const outcome = decide(request, this.o.rules, { cwd: this.o.cwd, home: homedir() });
    if (outcome.decision !== "ask") {
      const decision: PermissionDecision = outcome.decision === "allow" ? { behavior: "allow" } : { behavior: "deny", message: outcome.why };
      this.#answer(session, request, decision, "rule", outcome.why, outcome.rule);
      return;
    }
    if (this.o.approver === undefined) {
      this.#answer(session, request, { behavior: "deny", message: `${outcome.why}; this worker has no approver` }, "rule", outcome.why);
      return;
    }
    const stop = new AbortController();
    this.#waiting.set(request.requestId, stop);
    try {
      const [decision, who] = await this.#ask(request, this.o.approver, stop.signal);
      // A withdrawn request has nobody left to answer; it is still recorded.
      this.#answer(session, request, decision, who, decision.message ?? decision.behavior, undefined, !stop.signal.aborted);
    } catch (error) {
      this.#answer(session, request, { behavior: "deny", message: `asking ${this.o.approver} failed: ${errorMessage(error)}` }, "rule", errorMessage(error));
    } finally {
      this.#waiting.delete(request.requestId);
    }
  }

  /** The session no longer waits for it (the turn ended or was interrupted). */
  withdraw(requestId: string): void {
    this.#waiting.get(requestId)?.abort();
  }

  async #ask(request: PermissionRequest, approver: string, withdrawn: AbortSignal): Promise<[PermissionDecision, Who]> {
    const { worker, mail, files } = this.o;
    const id = `${APPROVAL_THREAD_PREFIX}${randomBytes(6).toString("hex")}`;
    const key = newApprovalKey();
    const summary = describeRequest(request);
    const body = (note: string): string => `${worker} asks permission: ${summary}. ${note}${howToAnswer(key)}\n${JSON.stringify(request)}`;
    const ask = (note: string, replyTo?: string): Promise<Message> =>
      mail.send({ from: worker, to: approver, body: body(note), priority: "high", threadId: id, ...definedFields({ replyTo }) });
    const first = await ask("");
    files.save({ id, worker, approver, messageId: first.id, key, summary, askedAt: new Date().toISOString(), request });
    this.o.say?.(`asked ${approver} (${id}): ${summary}`);
    const timeout = AbortSignal.timeout(this.o.timeoutMs);
    const signal = AbortSignal.any([timeout, withdrawn, this.o.signal]);
    const inThread = (m: Message): boolean => m.threadId === id;
    try {
      for (let tries = 0, reminded = false; ;) {
        const answer = await this.#next(inThread, signal);
        if (answer === undefined) {
          const why = timeout.aborted
            ? `no answer from ${approver} within ${Math.round(this.o.timeoutMs / 1000)} s`
            : withdrawn.aborted
              ? "the request was withdrawn"
              : "the worker stopped";
          return [{ behavior: "deny", message: why }, "timeout"];
        }
        const read = readAnswer(answer.body, key);
        // A sender name is only a claim and the thread id is listed: only the approver's mailbox got the key.
        if (answer.from !== approver || !read.keyed) {
          this.o.say?.(`ignored a message in ${id} from ${answer.from}: only an answer from ${approver} that names the request's key counts`);
          // The approver may have left the key out: told once (in its own mailbox, where the key already is).
          if (answer.from === approver && !reminded)
            await ask("That answer did not carry this request's key, so it was not taken. ", answer.id).catch((error: unknown) => {
              this.o.say?.(`could not remind ${approver} of the key: ${errorMessage(error)}`);
            });
          reminded ||= answer.from === approver;
          continue;
        }
        if (read.decision !== undefined) return [read.decision, "approver"];
        tries += 1;
        if (tries >= 2) return [{ behavior: "deny", message: `${approver} did not answer allow or deny` }, "approver"];
        await ask("That answer was not understood. ", answer.id);
      }
    } finally {
      files.remove(id);
    }
  }

  /** The next message in the thread, acknowledged; undefined once `signal` fires. */
  async #next(only: (m: Message) => boolean, signal: AbortSignal): Promise<Message | undefined> {
    const { worker, mail } = this.o;
    while (!signal.aborted) {
      try {
        const [message] = await mail.receive(worker, 1, only);
        if (message !== undefined) {
          await mail.ack(worker, message.id);
          return message;
        }
        await mail.wait(worker, 60_000, signal, only);
      } catch (error) {
        // A store out of reach for a while: the request keeps waiting (its timeout still runs).
        if (!isRetryable(error)) throw error;
        await sleep(1_000, undefined, { signal }).catch(() => undefined);
      }
    }
    return undefined;
  }

  #answer(
    session: Pick<Session, "respondPermission">,
    request: PermissionRequest,
    decision: PermissionDecision,
    by: Who,
    reason: string,
    rule?: string,
    respond = true,
  ): void {
    this.o.audit?.record({
      by,
      agentId: this.o.worker,
      requestId: request.requestId,
      tool: request.tool,
      request: describeRequest(request),
      decision: decision.behavior,
      reason,
      ...definedFields({ rule }),
    });
    this.o.say?.(`${decision.behavior} (${by}): ${describeRequest(request)}`);
    if (!respond) return;
    try {
      session.respondPermission?.(request.requestId, decision);
    } catch (error) {
      this.o.say?.(`could not answer the permission request: ${errorMessage(error)}`);
    }
  }
}
