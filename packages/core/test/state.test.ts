import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { initialState, isRunning, MAX_PENDING_PERMISSIONS, transition, type AgentAction, type AgentEvent, type AgentState } from "../src/index.js";

const usage = { input: 3, output: 2, cacheRead: 1, cacheWrite: 0 };
const turnEnd = (over: Partial<Extract<AgentEvent, { type: "turn_end" }>> = {}): AgentAction => ({
  type: "event",
  at: 10,
  event: { type: "turn_end", result: "ok", isError: false, usage, costUsd: 0.5, durationMs: 5, ...over },
});
const ev = (event: AgentEvent, at = 10): AgentAction => ({ type: "event", at, event });
const run = (state: AgentState, ...actions: AgentAction[]): AgentState => actions.reduce(transition, state);

describe("transition", () => {
  it("runs a turn to finished and counts usage and cost", () => {
    const s = run(initialState(0, false), ev({ type: "started", sessionId: "s1", model: "m" }), ev({ type: "text", delta: "hi" }), turnEnd());
    expect(s).toMatchObject({ status: "finished", alive: true, turns: 1, pending: 0, sessionId: "s1", model: "m", costUsd: 0.5, usage });
  });

  it("queues follow-ups behind the running turn and finishes after the last", () => {
    const s1 = run(initialState(0, false), { type: "sent", at: 1 }, { type: "sent", at: 2 });
    expect(s1).toMatchObject({ status: "processing", pending: 3 });
    const s2 = run(s1, turnEnd(), turnEnd());
    expect(s2).toMatchObject({ status: "processing", pending: 1, turns: 2 });
    expect(run(s2, turnEnd())).toMatchObject({ status: "finished", pending: 0, turns: 3 });
  });

  it("a follow-up to a finished live agent starts a new turn and restarts the idle clock", () => {
    const s = run(initialState(0, false), turnEnd(), { type: "sent", at: 500 });
    expect(s).toMatchObject({ status: "processing", pending: 1, lastActivityAt: 500 });
  });

  it("marks a stall after the window and recovers on output", () => {
    const s = run(initialState(0, false), { type: "tick", at: 99, stallMs: 100 });
    expect(s.status).toBe("processing");
    const stalled = transition(s, { type: "tick", at: 100, stallMs: 100 });
    expect(stalled.status).toBe("stalled");
    expect(transition(stalled, ev({ type: "text", delta: "x" }, 150))).toMatchObject({ status: "processing", lastActivityAt: 150 });
  });

  it("a finished agent never stalls", () => {
    const s = run(initialState(0, false), turnEnd(), { type: "tick", at: 10_000, stallMs: 100 });
    expect(s.status).toBe("finished");
  });

  it("an error turn ends errored but alive; an interrupted turn ends finished", () => {
    const errored = run(initialState(0, false), ev({ type: "error", message: "429", transient: true }), turnEnd({ isError: true, result: "rate limited" }));
    expect(errored).toMatchObject({ status: "errored", alive: true, lastError: { message: "rate limited", transient: true } });
    expect(run(errored, { type: "sent", at: 20 }).status).toBe("processing");
    expect(run(initialState(0, false), turnEnd({ isError: true, interrupted: true })).status).toBe("finished");
  });

  it("an error mid-turn keeps the turn running until it ends", () => {
    const s = run(initialState(0, false), ev({ type: "error", message: "retrying", transient: true }));
    expect(s).toMatchObject({ status: "processing", lastError: { message: "retrying", transient: true } });
  });

  it("an exit mid-turn is an error with the reason; after a finished turn it only ends the session", () => {
    const crashed = run(initialState(0, false), ev({ type: "exit", code: null, signal: "SIGKILL" }));
    expect(crashed).toMatchObject({ status: "errored", alive: false });
    expect(crashed.lastError?.message).toContain("SIGKILL");
    const done = run(initialState(0, false), turnEnd(), ev({ type: "exit", code: 0, signal: null }));
    expect(done).toMatchObject({ status: "finished", alive: false });
  });

  it("stop is final", () => {
    const s = run(
      initialState(0, true),
      { type: "stop_requested", at: 1 },
      { type: "admitted", at: 2 },
      { type: "sent", at: 3 },
      turnEnd(),
      ev({ type: "exit", code: 0, signal: null }),
    );
    expect(s).toMatchObject({ status: "stopped", alive: false });
  });

  it("a failover restarts the lifecycle on the next candidate, replaying the first turn, and remembers the attempt", () => {
    const attempt = { provider: "claude" as const, model: "opus", effort: undefined, reason: "529 overloaded" };
    const failed = run(
      initialState(0, false),
      { type: "sent", at: 1 },
      ev({ type: "started", sessionId: "s1", model: "opus" }),
      ev({ type: "error", message: "529 overloaded", transient: true }),
      turnEnd({ isError: true, result: "529 overloaded" }),
    );
    expect(failed).toMatchObject({ status: "processing", pending: 1, turns: 1 });
    const moved = transition(failed, { type: "failover", at: 20, attempt, queued: false, replay: 2 });
    expect(moved).toEqual({ ...initialState(20, false), pending: 2, attempts: [attempt] });
    expect(transition(moved, { type: "failover", at: 30, attempt: { ...attempt, provider: "codex" }, queued: true, replay: 2 })).toMatchObject({
      status: "queued",
      attempts: [attempt, { provider: "codex" }],
    });
    const crashed = run(initialState(0, false), ev({ type: "exit", code: null, signal: "SIGKILL" }));
    expect(transition(crashed, { type: "failover", at: 5, attempt, queued: false, replay: 1 })).toMatchObject({
      status: "processing",
      alive: true,
      pending: 1,
    });
    const stopped = run(initialState(0, false), { type: "stop_requested", at: 1 });
    expect(transition(stopped, { type: "failover", at: 5, attempt, queued: false, replay: 1 })).toBe(stopped);
  });

  it("an exit mid-turn is classified like any failure", () => {
    const crashed = run(initialState(0, false), ev({ type: "exit", code: 1, signal: null }));
    expect(crashed.lastError).toEqual({ message: "the CLI process exited mid-turn (code 1)", transient: false });
  });

  it("a permission request parks a turn under way; the last answer resumes it", () => {
    const request = { requestId: "r1", tool: "Bash", kind: "shell" as const, command: "ls", input: {} };
    const asked = run(
      initialState(0, false),
      ev({ type: "permission_request", request }, 5),
      ev({ type: "permission_request", request: { ...request, requestId: "r2" } }, 6),
    );
    expect(asked).toMatchObject({ status: "permission_requested", permissions: [{ request, askedAt: 5 }, { askedAt: 6 }] });
    expect(transition(asked, { type: "tick", at: 1e6, stallMs: 1 }).status).toBe("permission_requested");
    const one = transition(asked, { type: "permission_answered", at: 7, requestId: "r1" });
    expect(one).toMatchObject({ status: "permission_requested", permissions: [{ request: { requestId: "r2" } }] });
    expect(transition(one, ev({ type: "permission_withdrawn", requestId: "r2" }, 8))).toMatchObject({
      status: "processing",
      permissions: [],
      lastActivityAt: 8,
    });
    expect(run(asked, turnEnd())).toMatchObject({ status: "finished", permissions: [] });
    expect(transition(run(initialState(0, false), turnEnd()), ev({ type: "permission_request", request }))).toMatchObject({
      status: "finished",
      permissions: [],
    });
  });

  it("a queued agent is admitted once", () => {
    const q = initialState(0, true);
    expect(q.status).toBe("queued");
    expect(transition(q, { type: "sent", at: 1 })).toMatchObject({ status: "queued", pending: 2 });
    expect(transition(q, { type: "admitted", at: 5 })).toMatchObject({ status: "processing", lastActivityAt: 5 });
  });

  it("a launch queued on its machine is queued, never stalled, and processing once its CLI starts there", () => {
    const waiting = run(initialState(0, false), ev({ type: "queued", position: 2 }, 10));
    expect(waiting).toMatchObject({ status: "queued", machinePosition: 2, lastActivityAt: 10 });
    expect(transition(waiting, { type: "tick", at: 1e6, stallMs: 1 })).toBe(waiting);
    const moved = transition(waiting, ev({ type: "queued", position: 1 }, 20));
    expect(moved).toMatchObject({ status: "queued", machinePosition: 1 });
    const started = transition(moved, ev({ type: "admitted" }, 500));
    expect(started).toMatchObject({ status: "processing", lastActivityAt: 500 });
    expect(started.machinePosition).toBeUndefined();
    // Once it runs, the stall window counts from its start, not from its launch.
    expect(transition(started, { type: "tick", at: 599, stallMs: 100 }).status).toBe("processing");
    expect(transition(started, { type: "tick", at: 600, stallMs: 100 }).status).toBe("stalled");
    // A finished agent is not queued by a stray report.
    expect(transition(run(initialState(0, false), turnEnd()), ev({ type: "queued", position: 1 })).status).toBe("finished");
  });
});

const eventArb: fc.Arbitrary<AgentEvent> = fc.oneof(
  fc.record({ type: fc.constant("started" as const), sessionId: fc.string(), model: fc.string() }),
  fc.record({ type: fc.constant("text" as const), delta: fc.string() }),
  fc.record({ type: fc.constant("tool" as const), name: fc.string(), input: fc.anything() }),
  fc.record({ type: fc.constant("tool_result" as const), name: fc.string(), ok: fc.boolean() }),
  fc.record({
    type: fc.constant("turn_end" as const),
    result: fc.string(),
    isError: fc.boolean(),
    interrupted: fc.option(fc.boolean(), { nil: undefined }),
    usage: fc.record({ input: fc.nat(1000), output: fc.nat(1000), cacheRead: fc.nat(1000), cacheWrite: fc.nat(1000) }),
    costUsd: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    durationMs: fc.nat(),
  }),
  fc.record({ type: fc.constant("error" as const), message: fc.string(), transient: fc.boolean() }),
  fc.record({
    type: fc.constant("permission_request" as const),
    request: fc.record({
      requestId: fc.constantFrom("r1", "r2", "r3"),
      tool: fc.constant("Bash"),
      kind: fc.constant("shell" as const),
      command: fc.constant("ls"),
      input: fc.constant({}),
    }),
  }),
  fc.record({ type: fc.constant("permission_withdrawn" as const), requestId: fc.constantFrom("r1", "r2", "r3") }),
  fc.record({ type: fc.constant("queued" as const), position: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ type: fc.constant("admitted" as const) }),
  fc.record({ type: fc.constant("exit" as const), code: fc.option(fc.integer(), { nil: null }), signal: fc.option(fc.constant("SIGTERM"), { nil: null }) }),
);
const actionArb: fc.Arbitrary<AgentAction> = fc.oneof(
  fc.record({ type: fc.constant("admitted" as const), at: fc.nat(1e6) }),
  fc.record({ type: fc.constant("sent" as const), at: fc.nat(1e6) }),
  fc.record({ type: fc.constant("stop_requested" as const), at: fc.nat(1e6) }),
  fc.record({ type: fc.constant("tick" as const), at: fc.nat(1e6), stallMs: fc.integer({ min: 1, max: 1e5 }) }),
  fc.record({ type: fc.constant("event" as const), at: fc.nat(1e6), event: eventArb }),
  fc.record({ type: fc.constant("permission_answered" as const), at: fc.nat(1e6), requestId: fc.constantFrom("r1", "r2", "r3") }),
  fc.record({
    type: fc.constant("failover" as const),
    at: fc.nat(1e6),
    attempt: fc.record({
      provider: fc.constantFrom("claude" as const, "codex" as const, "gemini" as const),
      model: fc.option(fc.string(), { nil: undefined }),
      effort: fc.constant(undefined),
      reason: fc.string(),
    }),
    queued: fc.boolean(),
    replay: fc.nat(3),
  }),
);

describe("transition properties", () => {
  it("keeps its invariants over any sequence of actions", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(actionArb, { maxLength: 60 }), (queued, actions) => {
        let state = initialState(0, queued);
        let usageIn = 0;
        let turns = 0;
        for (const action of actions) {
          const prev = state;
          state = transition(state, action);
          const failedOver = action.type === "failover" && state !== prev;
          if (action.type === "event" && action.event.type === "turn_end") {
            usageIn += action.event.usage.input;
            turns += 1;
          }
          if (failedOver) {
            // A fresh start on the next candidate: the counts are the new candidate's alone.
            usageIn = 0;
            turns = 0;
            expect(state).toMatchObject({ alive: true, pending: action.replay, costUsd: undefined, lastError: undefined, stopRequested: false });
            expect(state.attempts).toEqual([...prev.attempts, action.attempt]);
            expect(state.status).toBe(action.replay === 0 ? "finished" : action.queued ? "queued" : "processing");
          } else {
            // Only a failover adds to the attempts, and it leaves only a stopped agent alone.
            expect(state.attempts).toBe(prev.attempts);
            if (action.type === "failover") expect(prev.status).toBe("stopped");
          }
          expect(state.pending).toBeGreaterThanOrEqual(0);
          expect(state.turns).toBe(turns);
          expect(state.usage.input).toBe(usageIn);
          if (prev.status === "stopped") expect(state.status).toBe("stopped");
          if (!prev.alive && !failedOver) expect(state.alive).toBe(false);
          // Queued only from the start, by a failover, or by its machine while its turn was under way there.
          const queuedThere = action.type === "event" && action.event.type === "queued";
          if (state.status === "queued" && !failedOver) expect(queuedThere ? ["queued", "processing", "stalled"] : ["queued"]).toContain(prev.status);
          if (state.status === "stalled") expect(["processing", "stalled"]).toContain(prev.status);
          if (!state.alive) expect(isRunning(state.status)).toBe(false);
          if (state.status === "processing" || state.status === "stalled") expect(state.pending).toBeGreaterThan(0);
          // Waiting on an answer is exactly having requests pending, which only a live turn under way has.
          expect(state.status === "permission_requested").toBe(state.permissions.length > 0);
          if (state.permissions.length > 0) expect(state.alive && state.pending > 0).toBe(true);
          expect(state.permissions.length).toBeLessThanOrEqual(MAX_PENDING_PERMISSIONS);
          expect(new Set(state.permissions.map((p) => p.request.requestId)).size).toBe(state.permissions.length);
          if (state.status === "permission_requested" && prev.status !== "permission_requested")
            expect(isRunning(prev.status) && prev.status !== "queued").toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never mutates its input", () => {
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 30 }), (actions) => {
        let state = Object.freeze(initialState(0, false));
        for (const action of actions) state = Object.freeze(transition(state, action));
      }),
    );
  });
});
