import { errorEvent, type AgentEvent, type Session } from "@subagent-mcp/core";
import { LineFramer, parseLine } from "../process/framing.js";
import { PendingPermissions } from "../permissions/permissions.js";
import type { CliProcess } from "../process/process.js";
import type { PermissionDecision } from "@subagent-mcp/contract";

/**
 * What every driver's session shares: its own FIFO of user turns (one turn on the wire at a time,
 * so each `send` gets exactly one `turn_end` however the CLI batches input), line framing of
 * stdout, and the translation of the process's end into `error` + `exit` events.
 */
type Work = { kind: "turn"; text: string } | { kind: "reset"; settle: (error?: Error) => void };

export abstract class BaseSession implements Session {
  readonly #queue: Work[] = [];
  #resetting: ((error?: Error) => void) | undefined;
  #busy = false;
  #ready = false;
  #stopping = false;
  #exited = false;
  /** Permission requests of the running turn that wait for `respondPermission`. */
  protected readonly permissions: PendingPermissions;

  constructor(
    protected readonly proc: CliProcess,
    protected readonly emit: (event: AgentEvent) => void,
    protected readonly cliName: string,
  ) {
    this.permissions = new PendingPermissions(emit);
    void proc.exited.then((exit) => {
      this.#exited = true;
      this.permissions.withdrawAll();
      const gone = new Error(`${cliName} exited before the context reset finished`);
      this.#resetting?.(gone);
      for (const work of this.#queue.splice(0)) if (work.kind === "reset") work.settle(gone);
      if (!this.#stopping && (this.#busy || exit.code !== 0)) {
        const how = exit.signal === null ? `exit code ${String(exit.code)}` : `signal ${exit.signal}`;
        const stderr = proc.stderrTail().trim().split("\n").slice(-5).join("\n");
        this.emit(errorEvent(`${cliName} exited (${how})${stderr ? `: ${stderr}` : ""}`));
      }
      this.emit({ type: "exit", code: exit.code, signal: exit.signal });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** True while a turn is on the wire. */
  protected get busy(): boolean {
    return this.#busy;
  }

  /** Feeds stdout through a framer into `onJson`; noise goes to `onNoise`. */
  protected readLines(onJson: (value: unknown) => void, onNoise: (text: string) => void = () => undefined): void {
    const framer = new LineFramer(
      (line) => {
        const parsed = parseLine(line);
        if (parsed.kind === "json") onJson(parsed.value);
        else if (parsed.kind === "noise") onNoise(parsed.text);
      },
      (bytes) => {
        onNoise(`[dropped a ${bytes}-byte line]`);
      },
    );
    this.proc.stdout.on("data", (chunk: Buffer) => {
      framer.push(chunk);
    });
    this.proc.stdout.on("end", () => {
      framer.end();
    });
  }

  send(text: string): void {
    this.#queue.push({ kind: "turn", text });
    this.#pump();
  }

  /** Starts a fresh conversation in the same process, after any queued turns; resolves once confirmed. */
  reset(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => {
        if (error === undefined) resolve();
        else reject(error);
      };
      this.#queue.push({ kind: "reset", settle });
      this.#pump();
    });
  }

  /** Puts a context reset on the wire; resolves when the CLI confirmed it. Emits no turn events. */
  protected abstract startReset(): Promise<void>;

  /** Marks the protocol handshake done: queued turns may go out. */
  protected markReady(): void {
    this.#ready = true;
    this.#pump();
  }

  /** To be called by the subclass when the CLI reports the end of the turn on the wire. */
  protected turnEnded(): void {
    // A request still pending when its turn is over was dropped by the CLI.
    this.permissions.withdrawAll();
    this.#busy = false;
    this.#pump();
  }

  /** Puts one user turn on the wire. */
  protected abstract startTurn(text: string): void;

  abstract interrupt(): Promise<void>;

  respondPermission(requestId: string, decision: PermissionDecision): void {
    this.permissions.respond(requestId, decision);
  }

  async close(): Promise<void> {
    this.#stopping = true;
    await this.proc.close();
  }

  // Not async: the process's own promise is returned, whose failure is logged even when nobody awaits it.
  kill(): Promise<void> {
    this.#stopping = true;
    return this.proc.kill();
  }

  /** Writes one JSON message as a line to the CLI's stdin (dropped once the process is gone). */
  protected writeJson(message: unknown): void {
    if (this.#exited || this.proc.stdin.destroyed) return;
    this.proc.stdin.write(`${JSON.stringify(message)}\n`);
  }

  #pump(): void {
    if (!this.#ready || this.#busy || this.#exited) return;
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#busy = true;
    if (next.kind === "turn") {
      this.startTurn(next.text);
      return;
    }
    const settle = (error?: Error): void => {
      if (this.#resetting !== settle) return;
      this.#resetting = undefined;
      this.#busy = false;
      next.settle(error);
      this.#pump();
    };
    this.#resetting = settle;
    this.startReset().then(
      () => {
        settle();
      },
      (error: unknown) => {
        settle(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}
