import {
  Supervisor,
  type AgentEvent,
  type Driver,
  type LaunchOnly,
  type PermissionEvent,
  type SessionSpec,
  type TurnReport,
  type TurnWitness,
} from "@subagent-mcp/core";
import { describeRequest, type AuditLog } from "@subagent-mcp/permissions";
import type { Approver } from "./approver.js";
import type { WorkerFiles } from "./state.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { Receipt, TurnLog, Usage } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

type Exit = TurnLog["exit"];

/** How the worker's session starts: a session spec, and the rules that answer its permission requests first (as a launch's). */
export type WorkerSpec = SessionSpec & Pick<LaunchOnly, "permissionPolicy">;

/** How one turn of the worker's session ended. */
export interface TurnOutcome {
  exit: Exit;
  result: string;
  usage?: Usage;
  costUsd?: number;
  error?: string;
  /** The user stopped the turn (`subagent-mcp stop`): its messages are done with, not retried. */
  byUser?: boolean;
  /** What the turn did, from its events, the permission answers and git (with a witness). */
  receipt?: Receipt;
}

/** What the worker's session needs from the worker. */
export interface WorkerSessionOptions {
  driver: Driver;
  spec: WorkerSpec;
  files: WorkerFiles;
  turnTimeoutMs: number;
  graceMs: number;
  say?: ((line: string) => void) | undefined;
  /** Answers the session's permission requests (none yet: they wait for the CLI's own timeout). */
  approver: () => Approver | undefined;
  /** How long a request may wait for the approver; the supervisor denies it only a minute after that. */
  permissionTimeoutMs: number;
  /** Where the answers of the spec's rules are recorded (the approver records its own). */
  audit?: AuditLog | undefined;
  /** Makes each turn's receipt, as the server's witness does for its agents. */
  witness?: TurnWitness | undefined;
}

/**
 * The worker's one CLI session, kept across turns and resumed after a restart (its id saved in the
 * worker's files): a turn at a time, each bounded by the turn timeout and by a stop's grace period.
 * The session is an agent of core's supervisor, as the server's are: its lifecycle, events and
 * permission requests go the same way; what is the worker's is its one conversation resumed across
 * restarts, and the approver that answers by mail.
 */
export class WorkerSession {
  #made: Supervisor | undefined;
  /** The agent's id: the worker's name (a new life after an exit takes the same id). */
  readonly #id: string;
  #current: ((outcome: TurnOutcome) => void) | undefined;
  /** Stops the running turn as the user's stop, while one runs. */
  #stopByUser: (() => void) | undefined;
  #lastError: string | undefined;
  /** A resumed session the CLI has not confirmed yet: if it exits first, it is forgotten. */
  #resumeUnconfirmed = false;
  /** The CLI's session id, once it said it. */
  sessionId: string | undefined;
  /** The model the CLI says it runs, once it said it. */
  model: string | undefined;
  readonly #o: WorkerSessionOptions;

  constructor(name: string, options: WorkerSessionOptions) {
    this.#o = options;
    this.#id = name;
  }

  // One supervisor from a turn until close() (a run of the worker); the next run makes another.
  get #supervisor(): Supervisor {
    if (this.#made !== undefined) return this.#made;
    const supervisor = new Supervisor({
      drivers: { [this.#o.driver.provider]: this.#o.driver },
      // The approver answers (or denies) first; this only ends a request everyone forgot.
      permissionTimeoutMs: this.#o.permissionTimeoutMs + 60_000,
      ...(this.#o.audit === undefined ? {} : { onPermission: auditRuled(this.#o.audit, this.#o.say) }),
      ...(this.#o.witness === undefined ? {} : { witness: this.#o.witness }),
    });
    supervisor.onChange((change) => {
      if (change.type === "event") this.#onEvent(change.event);
    });
    supervisor.onTurn((report) => {
      supervisor.takeReport(report.agentId, report.turn);
      this.#onTurn(report);
    });
    return (this.#made = supervisor);
  }

  /** Closes the CLI politely, so that the next run resumes its conversation. */
  async close(): Promise<void> {
    const supervisor = this.#made;
    if (supervisor === undefined) return;
    this.#made = undefined;
    if (this.#alive(supervisor)) supervisor.hibernate(this.#id);
    await supervisor.shutdown();
  }

  /** One turn on the session, bounded by the turn timeout; a stop lets it finish within the grace period. */
  turn(text: string, signal: AbortSignal): Promise<TurnOutcome> {
    this.#lastError = undefined;
    return new Promise<TurnOutcome>((resolve) => {
      let forced: Exit | undefined;
      const force = (exit: Exit): void => {
        if (forced !== undefined) return;
        forced = exit;
        void this.#supervisor.interrupt(this.#id).catch(() => undefined);
        // An interrupt the CLI does not honour in time ends the process (the next turn resumes it).
        killer = setTimeout(() => void this.#supervisor.kill(this.#id).catch(() => undefined), 10_000);
      };
      let killer: NodeJS.Timeout | undefined;
      let grace: NodeJS.Timeout | undefined;
      const timeout = setTimeout(() => {
        force("timeout");
      }, this.#o.turnTimeoutMs);
      const onStop = (): void => {
        grace = setTimeout(() => {
          force("stopped");
        }, this.#o.graceMs);
      };
      signal.addEventListener("abort", onStop, { once: true });
      if (signal.aborted) onStop();
      let byUser = false;
      this.#stopByUser = () => {
        byUser = true;
        force("stopped");
      };
      this.#current = (outcome) => {
        clearTimeout(timeout);
        clearTimeout(killer);
        clearTimeout(grace);
        signal.removeEventListener("abort", onStop);
        this.#current = this.#stopByUser = undefined;
        if (byUser) {
          resolve({ ...outcome, exit: "stopped", error: "stopped by the user", byUser });
          return;
        }
        resolve(
          forced === undefined || (outcome.exit === "ok" && forced === "stopped")
            ? outcome
            : { ...outcome, exit: forced, error: forced === "timeout" ? `turn exceeded ${this.#o.turnTimeoutMs} ms` : "stopped before the turn ended" },
        );
      };
      try {
        if (this.#alive()) this.#supervisor.send(this.#id, text);
        else this.#launch(text);
      } catch (error) {
        this.#current({ exit: "exited", result: "", error: errorMessage(error) });
      }
    });
  }

  /** Interrupts the running turn as the user's stop (the session lives on); false when no turn runs. */
  stopTurn(): boolean {
    const stop = this.#stopByUser;
    stop?.();
    return stop !== undefined;
  }

  #alive(supervisor = this.#made): boolean {
    try {
      return supervisor?.get(this.#id).alive === true;
    } catch {
      return false;
    }
  }

  // A new life of the session: resumed from the saved id when there is one of this CLI's.
  #launch(prompt: string): void {
    const { driver, files, spec } = this.#o;
    const saved = files.loadSession((problem) => this.#o.say?.(`warning: ${problem}`));
    const resume = saved?.provider === driver.provider ? saved.sessionId : undefined;
    this.#resumeUnconfirmed = resume !== undefined;
    this.#o.say?.(resume === undefined ? `started a new ${driver.provider} session` : `resuming ${driver.provider} session ${resume}`);
    this.#supervisor.launch({ ...spec, id: this.#id, provider: driver.provider, prompt, ...definedFields({ resume }) });
  }

  #onTurn(report: TurnReport): void {
    // A turn lost to an exit is the exit's to report (below).
    if (!report.isError || report.interrupted || this.#alive())
      this.#current?.({
        exit: report.isError ? "error" : report.interrupted ? "timeout" : "ok",
        result: report.result,
        usage: report.usage,
        ...definedFields({ costUsd: report.costUsd, receipt: report.receipt }),
        ...(report.isError ? { error: report.result || (this.#lastError ?? "the turn failed") } : {}),
      });
  }

  #onEvent(event: AgentEvent): void {
    switch (event.type) {
      case "started":
        this.#resumeUnconfirmed = false;
        this.sessionId = event.sessionId;
        if (event.model !== "") this.model = event.model;
        try {
          this.#o.files.saveSession({ provider: this.#o.driver.provider, sessionId: event.sessionId });
        } catch (error) {
          // The turn goes on; only a restart would begin a new session.
          this.#o.say?.(`warning: cannot save the session id: ${errorMessage(error)}`);
        }
        return;
      case "error":
        this.#lastError = event.message;
        return;
      case "permission_request": {
        // The approver's answer goes through the supervisor, which parked the agent on the request.
        const id = this.#id;
        const supervisor = this.#supervisor;
        const answering = {
          respondPermission: (requestId: string, decision: Parameters<Supervisor["respondPermission"]>[2]): void => {
            try {
              supervisor.respondPermission(id, requestId, decision);
            } catch {
              // withdrawn meanwhile (the turn ended or was interrupted): nothing waits for it
            }
          },
        };
        // Told before the supervisor parks the agent on it: the approver starts once it has.
        const approver = this.#o.approver();
        queueMicrotask(() => void approver?.handle(answering, event.request));
        return;
      }
      case "permission_withdrawn":
        this.#o.approver()?.withdraw(event.requestId);
        return;
      case "exit":
        // A session that could not be resumed (gone, or from another machine) is started afresh next time.
        if (this.#resumeUnconfirmed) this.#o.files.forgetSession();
        this.#resumeUnconfirmed = false;
        this.#current?.({
          exit: "exited",
          result: "",
          error: this.#lastError ?? `the CLI exited (code ${String(event.code)}, signal ${String(event.signal)})`,
        });
        return;
      default:
        return;
    }
  }
}

// What the rules answered at once, and a request nobody answered: what the approver answers it records itself.
function auditRuled(audit: AuditLog, say: ((line: string) => void) | undefined): (event: PermissionEvent) => void {
  return (event) => {
    if (event.decision === "ask" || event.by === "orchestrator") return;
    const request = describeRequest(event.request);
    audit.record({
      by: event.by,
      agentId: event.agentId,
      requestId: event.request.requestId,
      tool: event.request.tool,
      request,
      decision: event.decision,
      ...definedFields({ rule: event.rule }),
      reason: event.reason,
    });
    say?.(`${event.decision} (${event.by}): ${request}`);
  };
}
