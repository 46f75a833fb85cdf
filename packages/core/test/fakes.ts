import type { AgentEvent, Clock, Driver, Session, SessionSpec } from "../src/index.js";
import type { PermissionDecision, PermissionRequest, Provider } from "@subagent-mcp/contract";

/** A manual clock: time moves only when a test calls `advance`. */
export class FakeClock implements Clock {
  #now = 1_000_000;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].callback();
    }
    this.#now = end;
  }
}

/** A scripted session: the test decides when events happen. */
export class FakeSession implements Session {
  readonly sent: string[] = [];
  interrupted = 0;
  killed = false;
  constructor(
    readonly spec: SessionSpec,
    readonly emit: (event: AgentEvent) => void,
    readonly pid = 4242,
  ) {}
  send(text: string): void {
    this.sent.push(text);
  }
  interrupt(): Promise<void> {
    this.interrupted += 1;
    return Promise.resolve();
  }
  resets = 0;
  reset(): Promise<void> {
    this.resets += 1;
    return Promise.resolve();
  }
  closed = false;
  close(): Promise<void> {
    this.closed = true;
    return this.kill();
  }
  kill(): Promise<void> {
    this.killed = true;
    this.emit({ type: "exit", code: null, signal: "SIGKILL" });
    return Promise.resolve();
  }
  /** Decisions received, in order. */
  readonly answers: { requestId: string; decision: PermissionDecision }[] = [];
  respondPermission(requestId: string, decision: PermissionDecision): void {
    this.answers.push({ requestId, decision });
  }
  /** The CLI asks to run `command` (a shell request with id `requestId`). */
  ask(requestId: string, command = "touch x"): PermissionRequest {
    const request: PermissionRequest = { requestId, tool: "Bash", kind: "shell", command, input: { command } };
    this.emit({ type: "permission_request", request });
    return request;
  }
  /** Ends the running turn with `result`. */
  finish(result: string, usage = { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 }): void {
    this.emit({ type: "turn_end", result, isError: false, usage, costUsd: 0.01, durationMs: 100 });
  }
}

/** The one place a fake driver is right: unit tests of the supervisor. */
export class FakeDriver implements Driver {
  readonly sessions: FakeSession[] = [];
  failNext: string | undefined;
  constructor(readonly provider: Provider) {}
  start(spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session {
    if (this.failNext !== undefined) {
      const message = this.failNext;
      this.failNext = undefined;
      throw new Error(message);
    }
    const session = new FakeSession(spec, onEvent);
    this.sessions.push(session);
    return session;
  }
}
