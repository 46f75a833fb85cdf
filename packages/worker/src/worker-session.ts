import { errorMessage, type AgentEvent, type Driver, type Session, type SessionSpec, type Usage } from "@subagent-mcp/core";
import type { Approver } from "./approver.js";
import type { TurnLog, WorkerFiles } from "./state.js";

type Exit = TurnLog["exit"];

/** How one turn of the worker's session ended. */
export interface TurnOutcome {
  exit: Exit;
  result: string;
  usage?: Usage;
  costUsd?: number;
  error?: string;
}

/** What the worker's session needs from the worker. */
export interface WorkerSessionOptions {
  driver: Driver;
  spec: SessionSpec;
  files: WorkerFiles;
  turnTimeoutMs: number;
  graceMs: number;
  say?: ((line: string) => void) | undefined;
  /** Answers the session's permission requests (none yet: they wait for the CLI's own timeout). */
  approver: () => Approver | undefined;
}

/**
 * The worker's one CLI session, kept across turns and resumed after a restart (its id saved in the
 * worker's files): a turn at a time, each bounded by the turn timeout and by a stop's grace period.
 */
export class WorkerSession {
  #session: Session | undefined;
  #current: ((outcome: TurnOutcome) => void) | undefined;
  #lastError: string | undefined;
  /** The CLI's session id, once it said it. */
  sessionId: string | undefined;
  /** The model the CLI says it runs, once it said it. */
  model: string | undefined;
  readonly #o: WorkerSessionOptions;

  constructor(options: WorkerSessionOptions) {
    this.#o = options;
  }

  /** Closes the CLI (the next turn starts or resumes one). */
  async close(): Promise<void> {
    await this.#session?.close();
    this.#session = undefined;
  }

  /** One turn on the session, bounded by the turn timeout; a stop lets it finish within the grace period. */
  turn(text: string, signal: AbortSignal): Promise<TurnOutcome> {
    const session = this.#ensureSession();
    this.#lastError = undefined;
    return new Promise<TurnOutcome>((resolve) => {
      let forced: Exit | undefined;
      const force = (exit: Exit): void => {
        if (forced !== undefined) return;
        forced = exit;
        void session.interrupt();
        // An interrupt the CLI does not honour in time ends the process (the next turn resumes it).
        killer = setTimeout(() => void session.kill(), 10_000);
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
      this.#current = (outcome) => {
        clearTimeout(timeout);
        clearTimeout(killer);
        clearTimeout(grace);
        signal.removeEventListener("abort", onStop);
        this.#current = undefined;
        resolve(
          forced === undefined || (outcome.exit === "ok" && forced === "stopped")
            ? outcome
            : { ...outcome, exit: forced, error: forced === "timeout" ? `turn exceeded ${this.#o.turnTimeoutMs} ms` : "stopped before the turn ended" },
        );
      };
      session.send(text);
    });
  }

  #ensureSession(): Session {
    if (this.#session !== undefined) return this.#session;
    const { driver, files, spec } = this.#o;
    const saved = files.loadSession((problem) => this.#o.say?.(`warning: ${problem}`));
    const resume = saved?.provider === driver.provider ? saved.sessionId : undefined;
    let confirmed = false;
    const session = driver.start({ ...spec, ...(resume === undefined ? {} : { resume }) }, (event) => {
      if (event.type === "started") confirmed = true;
      this.#onEvent(session, event, resume !== undefined && !confirmed);
    });
    this.#session = session;
    this.#o.say?.(resume === undefined ? `started a new ${driver.provider} session` : `resuming ${driver.provider} session ${resume}`);
    return session;
  }

  #onEvent(session: Session, event: AgentEvent, resumeUnconfirmed: boolean): void {
    switch (event.type) {
      case "started":
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
      case "permission_request":
        void this.#o.approver()?.handle(session, event.request);
        return;
      case "permission_withdrawn":
        this.#o.approver()?.withdraw(event.requestId);
        return;
      case "turn_end":
        this.#current?.({
          exit: event.isError ? "error" : event.interrupted === true ? "timeout" : "ok",
          result: event.result,
          usage: event.usage,
          ...(event.costUsd === undefined ? {} : { costUsd: event.costUsd }),
          ...(event.isError ? { error: event.result || (this.#lastError ?? "the turn failed") } : {}),
        });
        return;
      case "exit":
        if (this.#session === session) this.#session = undefined;
        // A session that could not be resumed (gone, or from another machine) is started afresh next time.
        if (resumeUnconfirmed) this.#o.files.forgetSession();
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
