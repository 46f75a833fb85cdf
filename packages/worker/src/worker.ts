import { tracer } from "@subagent-mcp/tracing";
import { DEFAULT_PERMISSION_TIMEOUT_MS, type Budget, type CostOf, type Driver, type TurnWitness } from "@subagent-mcp/core";
import { isRetryable, wakes, type MailboxStore, type Message } from "@subagent-mcp/mailbox";
import type { AuditLog, PermissionRules } from "@subagent-mcp/permissions";
import { setTimeout as sleep } from "node:timers/promises";
import { APPROVAL_THREAD_PREFIX } from "./approval.js";
import { Approver } from "./approver.js";
import { WorkerBudget } from "./budget.js";
import { conversations, renderTurn, type Conversation } from "./conversation.js";
import type { TurnLog } from "@subagent-mcp/contract";
import type { WorkerFiles } from "./state.js";
import { WorkerSession, type WorkerSpec } from "./worker-session.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/** What a worker does when its options do not say: the CLI's flags show the same values. */
export const WORKER_DEFAULTS = { turnTimeoutMs: 600_000, retryBaseMs: 2_000, batch: 20, graceMs: 30_000 } as const;

interface WorkerOptions {
  /** The worker's mailbox name. */
  name: string;
  /** Its mailbox store: a networked one may be out of reach for a while (see isRetryable), which the worker waits out. */
  mail: MailboxStore;
  driver: Driver;
  /** How to start the session (`resume` is filled from the saved session); its `permissionPolicy` answers requests before the approver. */
  spec: WorkerSpec;
  files: WorkerFiles;
  /** A turn running longer is interrupted and counts as failed (default 10 min). */
  turnTimeoutMs?: number;
  /** Backoff after a failed turn: base × 2^(attempt−1), at most 60 s (default 2 s). */
  retryBaseMs?: number;
  /** Most messages claimed per wake (default 20). */
  batch?: number;
  /** On stop, how long the running turn may still finish before it is interrupted and requeued (default 30 s). */
  graceMs?: number;
  /** Human-readable progress (stderr in the CLI). */
  say?: (line: string) => void;
  /** Permission rules for the session's requests (with `approver`, the session asks for what its mode does not allow). */
  rules?: PermissionRules;
  /** The mailbox that answers what the rules leave open; without one those requests are denied. */
  approver?: string;
  /** How long an asked request waits for its answer before it is denied (default 300 s). */
  permissionTimeoutMs?: number;
  /** Where every permission outcome is recorded. */
  audit?: AuditLog;
  /** Limits on what the worker spends over its life; `budget.json` in its state dir raises them. */
  budget?: Budget;
  /** A turn's cost when its CLI reports none (tokens times a price table). */
  costOf?: CostOf;
  /** While paused at its budget, how often the budget file is read when no file event came (default 60 s). */
  budgetFallbackMs?: number;
  /**
   * With a store shared by workers on several machines: how often to take over the claims that a
   * worker of the same name left when it died elsewhere (recover; only claims idle past the store's
   * own limit move). Without it, claims are recovered only at start.
   */
  recoverEveryMs?: number;
  /** Called after each turn with its log entry (presence records the last turn). */
  onTurn?: (entry: TurnLog) => void;
  /** What holds its provider now (a spend cap, `quota_percent`), said with when it resets; undefined when a turn may start. */
  heldBy?: () => string | undefined;
  /** Makes each turn's receipt (the receipts' witness, git read in its cwd): kept in its turn log and sent with its reply. */
  witness?: TurnWitness;
}

type Optional =
  | "say"
  | "rules"
  | "approver"
  | "permissionTimeoutMs"
  | "audit"
  | "budget"
  | "costOf"
  | "budgetFallbackMs"
  | "recoverEveryMs"
  | "onTurn"
  | "heldBy"
  | "witness";

/** The signal `subagent-mcp stop` sends a worker: its running turn ends as the user's stop (see {@link Worker.stopTurn}). */
export const WORKER_STOP_SIGNAL = "SIGUSR2";

/**
 * An always-on agent: blocks on its mailbox, answers each conversation with one turn of a
 * persistent session (resumed after a restart), replies to the sender, then acknowledges. Failed
 * or timed-out turns go back to the mailbox with backoff until the mailbox dead-letters them.
 */
export class Worker {
  #approver: Approver | undefined;
  readonly #session: WorkerSession;
  #budget: WorkerBudget | undefined;
  readonly #o: Required<Omit<WorkerOptions, Optional>> & Pick<WorkerOptions, Optional>;

  constructor(options: WorkerOptions) {
    this.#o = { ...WORKER_DEFAULTS, ...options };
    const { driver, spec, files, turnTimeoutMs, graceMs, say } = this.#o;
    this.#session = new WorkerSession(options.name, {
      driver,
      spec,
      files,
      turnTimeoutMs,
      graceMs,
      say,
      approver: () => this.#approver,
      permissionTimeoutMs: options.permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS,
      audit: options.audit,
      witness: options.witness,
    });
  }

  /**
   * Interrupts the running turn as the user's stop: its messages are acknowledged (each sender told
   * it was stopped by the user) and the worker goes on with its inbox. False when no turn runs.
   */
  stopTurn(): boolean {
    return this.#session.stopTurn();
  }

  /** Serves the mailbox until `signal` aborts (or after one wake with `once`). */
  async run(signal: AbortSignal, options: { once?: boolean } = {}): Promise<void> {
    const { name, mail } = this.#o;
    // Claims left by a worker that died mid-turn come back first (they count as a failed attempt).
    await this.#recover(signal);
    // Requests left by a run that died while asking have no session waiting for them any more.
    const stale = this.#o.files.approvals.clear();
    if (stale > 0) this.#o.say?.(`dropped ${stale} permission request(s) left pending by an earlier run`);
    this.#approver = new Approver({
      worker: name,
      mail,
      cwd: this.#o.spec.cwd,
      files: this.#o.files.approvals,
      rules: this.#o.rules ?? {},
      timeoutMs: this.#o.permissionTimeoutMs ?? DEFAULT_PERMISSION_TIMEOUT_MS,
      signal,
      ...definedFields({ approver: this.#o.approver, audit: this.#o.audit, say: this.#o.say }),
    });
    // Its spending is its whole life's: a restart reads it back from the turn log.
    const budget = (this.#budget = new WorkerBudget({
      name,
      dir: this.#o.files.dir,
      budget: this.#o.budget,
      costOf: this.#o.costOf,
      defaults: { provider: this.#o.driver.provider, model: this.#o.spec.model },
      turns: this.#o.files.turns(),
      say: this.#o.say,
    }));
    this.#o.say?.("waiting on its mailbox");
    try {
      while (!signal.aborted) {
        // At its budget it takes nothing: the messages wait in the mailbox until a raise.
        if (await budget.hold(signal, options.once !== true, this.#o.budgetFallbackMs)) {
          if (options.once === true) break;
          continue;
        }
        const every = this.#o.recoverEveryMs;
        const batch = await this.#persist(
          "wait on its mailbox",
          async () => ((await mail.wait(name, every ?? 300_000, signal, wakes)) ? mail.receive(name, this.#o.batch) : []),
          signal,
        );
        if (every !== undefined && batch.length === 0) await this.#recover(signal);
        // An answer to a permission request that is no longer pending (timed out, withdrawn) is no task.
        for (const m of batch.filter((m) => m.threadId.startsWith(APPROVAL_THREAD_PREFIX))) {
          await this.#persist("acknowledge a late answer", () => mail.ack(name, m.id), signal);
          this.#o.say?.(`ignored a late answer from ${m.from} in ${m.threadId}`);
        }
        const queue = conversations(batch.filter((m) => !m.threadId.startsWith(APPROVAL_THREAD_PREFIX)));
        const stopping = (): boolean => signal.aborted || budget.reached() !== undefined;
        while (queue.length > 0) {
          const next = queue.shift() as Conversation;
          if (stopping()) {
            for (const m of [next, ...queue].flatMap((c) => c.messages))
              await this.#persist("release", () => mail.release(name, m.id, { count: false }), signal);
            break;
          }
          const held = this.#o.heldBy?.();
          if (held === undefined) await this.#answer(next, signal);
          else await this.#refuse(next, held, signal);
        }
        if (options.once === true) break;
      }
    } finally {
      await this.#session.close();
    }
  }

  async #answer(conversation: Conversation, signal: AbortSignal): Promise<void> {
    const { name, mail, files } = this.#o;
    const started = Date.now();
    const outcome = await this.#session.turn(renderTurn(name, conversation), signal);
    const ids = conversation.messages.map((m) => m.id);
    const attempt = Math.max(...conversation.messages.map((m) => m.attempts)) + 1;
    const model = this.#session.model ?? this.#o.spec.model;
    const entry: TurnLog = {
      at: new Date(started).toISOString(),
      worker: name,
      messages: ids,
      from: [...new Set(conversation.messages.map((m) => m.from))],
      thread: (conversation.replyTo ?? conversation.messages[0])?.threadId ?? "",
      attempt,
      latencyMs: Date.now() - started,
      exit: outcome.exit,
      outcome: "acked",
      ...definedFields({ tokens: outcome.usage, costUsd: outcome.costUsd }),
      provider: this.#o.driver.provider,
      ...definedFields({ model, sessionId: this.#session.sessionId, error: outcome.error, receipt: outcome.receipt }),
    };
    let failure = outcome.exit === "ok" || outcome.exit === "stopped" ? undefined : (outcome.error ?? outcome.exit);
    if (outcome.byUser === true) {
      // Done with, not retried: the sender hears that the user stopped it.
      for (const id of ids) await this.#persist("acknowledge", () => mail.ack(name, id), signal);
      const to = conversation.replyTo;
      if (to !== undefined) await this.#bounce(to, attempt, "stopped by the user", false);
      entry.outcome = "acked";
    } else if (outcome.exit === "ok") {
      const to = conversation.replyTo;
      if (to !== undefined) {
        // Reply first, ack second: a crash in between repeats the reply, it never loses the message.
        // A reply that cannot be sent (too large, disk full) fails the turn: retried, then dead-lettered.
        try {
          const reply = {
            from: name,
            to: to.from,
            body: outcome.result,
            priority: "normal" as const,
            replyTo: to.id,
            threadId: to.threadId,
            auto: true,
            ...definedFields({ receipt: outcome.receipt }),
          };
          entry.reply = (await this.#persist("send the reply", () => mail.send(reply), signal)).id;
          entry.outcome = "replied";
        } catch (error) {
          failure = entry.error = `the reply could not be sent: ${errorMessage(error)}`;
        }
      }
      if (failure === undefined) for (const id of ids) await this.#persist("acknowledge", () => mail.ack(name, id), signal);
    } else if (outcome.exit === "stopped") {
      for (const id of ids) await this.#persist("release", () => mail.release(name, id, { count: false }), signal);
      entry.outcome = "released";
    }
    if (failure !== undefined) {
      const results: string[] = [];
      for (const id of ids) results.push(await this.#persist("release", () => mail.release(name, id), signal));
      entry.outcome = results.includes("dead") ? "dead" : "requeued";
      const to = conversation.replyTo;
      if (entry.outcome === "dead" && to !== undefined) await this.#bounce(to, attempt, failure);
    }
    files.appendTurn(entry);
    if (tracer().on) traceTurn(entry, started);
    this.#o.onTurn?.(entry);
    this.#budget?.record(entry);
    this.#budget?.save();
    this.#o.say?.(
      `turn ${entry.exit} (${entry.outcome}) for ${ids.length} message(s) in ${entry.latencyMs} ms${entry.error === undefined ? "" : `: ${entry.error}`}`,
    );
    if (entry.outcome === "requeued" && !signal.aborted) {
      await sleep(Math.min(this.#o.retryBaseMs * 2 ** (attempt - 1), 60_000), undefined, { signal }).catch(() => undefined);
    }
  }

  // Held by a cap that resets in hours or days: acknowledged and its sender told which and when, rather
  // than kept unanswered while the sender waits (a raise of the worker's own budget is what messages wait for).
  async #refuse(conversation: Conversation, held: string, signal: AbortSignal): Promise<void> {
    const { name, mail } = this.#o;
    for (const m of conversation.messages) await this.#persist("acknowledge", () => mail.ack(name, m.id), signal);
    const to = conversation.replyTo;
    if (to !== undefined) await this.#bounce(to, Math.max(...conversation.messages.map((m) => m.attempts)) + 1, held, false);
    this.#o.say?.(`no turn for ${conversation.messages.length} message(s), acknowledged: ${held}`);
  }

  // Requeues what a dead reader of this mailbox left claimed; what used its last attempt is bounced.
  async #recover(signal: AbortSignal): Promise<void> {
    const { name, mail } = this.#o;
    const recovered = await this.#persist("recover its mailbox", () => mail.recover(name), signal);
    if (recovered.requeued > 0) this.#o.say?.(`requeued ${recovered.requeued} message(s) left claimed by a worker that stopped`);
    if (recovered.quarantined > 0) this.#o.say?.(`quarantined ${recovered.quarantined} claimed file(s) that are not messages (subagent-mcp mail ${name})`);
    // A message whose every delivery ended the worker (a crash mid-turn or mid-reply) stops here, and its sender hears so.
    for (const m of recovered.dead) {
      if (m.broadcast !== true && m.auto !== true) await this.#bounce(m, m.attempts, "the worker stopped while answering it, every time");
    }
  }

  /**
   * A mailbox call that a networked store out of reach (Redis restarting) would fail: retried with
   * backoff (250 ms doubling to 5 s) until it works, so nothing answered is left unacknowledged and
   * nothing unanswered is acknowledged. Once the worker stops, the next failure is final: what was
   * not acknowledged is delivered again to its next run. Other errors are final at once.
   */
  async #persist<T>(what: string, op: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let backoff = 250, failed = false; ; backoff = Math.min(backoff * 2, 5_000)) {
      try {
        const done = await op();
        if (failed) this.#o.say?.(`mailbox reachable again (${what})`);
        return done;
      } catch (error) {
        if (!isRetryable(error) || signal.aborted) throw error;
        if (!failed) this.#o.say?.(`mailbox out of reach (${what}), retrying until it is back: ${errorMessage(error)}`);
        failed = true;
        await sleep(backoff, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Like a mail server's bounce: whoever waits for an answer learns that none will come. */
  async #bounce(to: Message, attempts: number, why: string, dead = true): Promise<void> {
    const { name, mail } = this.#o;
    // The reason can be a whole failed answer: a bounce stays a short notice.
    const reason = why.length > 2_000 ? `${why.slice(0, 2_000)}…` : why;
    try {
      await mail.send({
        from: name,
        to: to.from,
        body: dead
          ? `${name} gave up on your message after ${attempts} attempt(s): ${reason}. It is in ${name}'s dead letters (subagent-mcp mail ${name}).`
          : `${name} did not answer your message: ${reason}.`,
        priority: "normal",
        replyTo: to.id,
        threadId: to.threadId,
        auto: true,
        bounce: true,
      });
    } catch (error) {
      this.#o.say?.(`could not tell ${to.from} that message ${to.id} is in the dead letters: ${errorMessage(error)}`);
    }
  }
}

// A worker's turn as a span, written once its outcome is known (while tracing is on).
function traceTurn(entry: TurnLog, started: number): void {
  const span = tracer().start(`worker_turn ${entry.worker}`, {
    at: started,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": entry.provider,
      "gen_ai.request.model": entry.model,
      "gen_ai.conversation.id": entry.sessionId,
      "gen_ai.usage.input_tokens": entry.tokens?.input,
      "gen_ai.usage.output_tokens": entry.tokens?.output,
      "subagent_mcp.worker": entry.worker,
      "subagent_mcp.worker.messages": entry.messages.length,
      "subagent_mcp.worker.thread": entry.thread,
      "subagent_mcp.worker.exit": entry.exit,
      "subagent_mcp.worker.outcome": entry.outcome,
      "subagent_mcp.cost_usd": entry.costUsd,
    },
  });
  if (entry.error !== undefined) span.fail(entry.error.slice(0, 200));
  span.end(started + entry.latencyMs);
}
