import { describe, expect, it } from "vitest";
import { Supervisor, type CheckOutcome, type SupervisorOptions } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

// A check whose outcome the test decides: each run waits until `settle` is called.
function manualChecks() {
  const runs: { command: string; cwd: string; signal: AbortSignal; settle: (ok: boolean, output?: string) => void }[] = [];
  const runCheck: NonNullable<SupervisorOptions["runCheck"]> = ({ command, cwd, signal }) =>
    new Promise<CheckOutcome>((resolve) => {
      const settle = (ok: boolean, output = ok ? "all passed" : "1 test failed: expected 2, got 3") => {
        resolve({ command, ok, exitCode: ok ? 0 : 1, output, durationMs: 5 });
      };
      signal.addEventListener("abort", () => {
        resolve({ command, ok: false, exitCode: null, output: "stopped", durationMs: 1 });
      });
      runs.push({ command, cwd, signal, settle });
    });
  return { runs, runCheck };
}

function setup(on: "error" | "check" = "check", ladder = [{ provider: "codex", model: "strong" }]) {
  const clock = new FakeClock();
  const claude = new FakeDriver("claude");
  const codex = new FakeDriver("codex");
  const checks = manualChecks();
  const supervisor = new Supervisor({ drivers: { claude, codex }, clock, runCheck: checks.runCheck });
  const launch = () =>
    supervisor.launch({
      provider: "claude",
      model: "cheap",
      cwd: "/repo",
      prompt: "make the tests pass",
      escalate: { on, ...(on === "check" ? { check: "pnpm test" } : {}), ladder, task: "make the tests pass" },
    });
  return { claude, codex, supervisor, launch, checks };
}

const at = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no ${driver.provider} session ${i}`);
  return s;
};
const end = (session: FakeSession, result: string, isError = false) => {
  session.emit({ type: "turn_end", result, isError, usage: zero, costUsd: 0.01, durationMs: 1 });
};
const flush = () => new Promise((r) => setImmediate(r));

describe("escalation", () => {
  it("a failed check hands the task, the answer and the check's output to the stronger candidate", async () => {
    const { claude, codex, supervisor, launch, checks } = setup();
    const agent = launch();
    end(at(claude, 0), "I changed add() to return a - b");
    // The check runs in the agent's cwd; meanwhile the agent counts as processing and nothing is reported.
    expect(checks.runs.map((r) => [r.command, r.cwd])).toEqual([["pnpm test", "/repo"]]);
    expect(supervisor.get(agent.id)).toMatchObject({ status: "processing" });
    expect(supervisor.waitable()).toEqual([agent.id]);
    checks.runs[0]?.settle(false);
    await flush();
    const view = supervisor.get(agent.id);
    expect(view).toMatchObject({ provider: "codex", model: "strong", status: "processing" });
    expect(view.attempts).toEqual([
      expect.objectContaining({
        provider: "claude",
        model: "cheap",
        kind: "escalation",
        reason: "the check `pnpm test` exited with 1",
        result: "I changed add() to return a - b",
        check: expect.objectContaining({ ok: false, exitCode: 1 }) as unknown,
        costUsd: 0.01,
      }),
    ]);
    const handed = at(codex, 0).sent.join("\n");
    expect(handed).toContain("make the tests pass");
    expect(handed).toContain("I changed add() to return a - b");
    expect(handed).toContain("1 test failed: expected 2, got 3");
    // The stronger one passes: its turn is reported, once, as the agent's first.
    end(at(codex, 0), "fixed: add() returns a + b");
    expect(checks.runs).toHaveLength(2);
    checks.runs[1]?.settle(true);
    await flush();
    const done = await supervisor.wait({ ids: [agent.id], mode: "any", timeoutMs: 1 });
    expect(done.finished).toEqual([expect.objectContaining({ turn: 1, isError: false, result: "fixed: add() returns a + b" })]);
    expect(supervisor.get(agent.id).status).toBe("finished");
  });

  it("a passing check reports the turn as it was", async () => {
    const { claude, codex, supervisor, launch, checks } = setup();
    const agent = launch();
    end(at(claude, 0), "done");
    checks.runs[0]?.settle(true);
    await flush();
    expect((await supervisor.wait({ ids: [agent.id], mode: "any", timeoutMs: 1 })).finished[0]).toMatchObject({
      result: "done",
      isError: false,
      status: "finished",
    });
    expect(codex.sessions).toHaveLength(0);
    expect(supervisor.get(agent.id)).toMatchObject({ provider: "claude", status: "finished", attempts: [] });
  });

  it("with no stronger candidate left, the failed check is the turn's error, with its output", async () => {
    const { claude, supervisor, launch, checks } = setup("check", []);
    const agent = launch();
    end(at(claude, 0), "done");
    checks.runs[0]?.settle(false, "boom");
    await flush();
    const [report] = (await supervisor.wait({ ids: [agent.id], mode: "any", timeoutMs: 1 })).finished;
    expect(report).toMatchObject({ isError: true, status: "errored" });
    expect(supervisor.get(agent.id)).toMatchObject({
      status: "errored",
      lastError: { message: "the check `pnpm test` exited with 1; no stronger candidate is left" },
    });
    expect(report?.result).toContain("the check `pnpm test` exited with 1; no stronger candidate is left");
    expect(report?.result).toContain("boom");
  });

  it("on error: an errored first turn escalates at once, without a check", () => {
    const { claude, codex, supervisor, launch, checks } = setup("error");
    const agent = launch();
    end(at(claude, 0), "I could not do it", true);
    expect(checks.runs).toHaveLength(0);
    expect(supervisor.get(agent.id)).toMatchObject({ provider: "codex", attempts: [expect.objectContaining({ kind: "escalation" })] });
    expect(at(codex, 0).sent.join("\n")).toContain("I could not do it");
  });

  it("a follow-up sent during the check waits for it, then goes to the session", async () => {
    const { claude, supervisor, launch, checks } = setup();
    const agent = launch();
    end(at(claude, 0), "done");
    supervisor.send(agent.id, "now the docs");
    expect(at(claude, 0).sent).not.toContain("now the docs");
    checks.runs[0]?.settle(true);
    await flush();
    expect(at(claude, 0).sent).toContain("now the docs");
    expect(supervisor.get(agent.id).status).toBe("processing");
  });

  it("kill during the check stops it; nothing escalates", async () => {
    const { claude, codex, supervisor, launch, checks } = setup();
    const agent = launch();
    end(at(claude, 0), "done");
    await supervisor.kill(agent.id);
    expect(checks.runs[0]?.signal.aborted).toBe(true);
    await flush();
    expect(codex.sessions).toHaveLength(0);
    expect(supervisor.get(agent.id).status).toBe("stopped");
  });

  it("only the first turn is checked", async () => {
    const { claude, supervisor, launch, checks } = setup();
    const agent = launch();
    end(at(claude, 0), "done");
    checks.runs[0]?.settle(true);
    await flush();
    supervisor.send(agent.id, "more");
    end(at(claude, 0), "more done");
    expect(checks.runs).toHaveLength(1);
    expect(supervisor.get(agent.id).status).toBe("finished");
  });

  it("a launch that asks for a check needs a supervisor that runs them", () => {
    const supervisor = new Supervisor({ drivers: { claude: new FakeDriver("claude") }, clock: new FakeClock() });
    expect(() => supervisor.launch({ provider: "claude", cwd: "/", prompt: "x", escalate: { on: "check", check: "true", ladder: [], task: "x" } })).toThrow(
      /cannot run check commands/,
    );
  });
});

describe("headroom", () => {
  it("keeps each provider's tightest window in force, from any of its agents' CLIs", () => {
    const clock = new FakeClock();
    const claude = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude }, clock });
    supervisor.launch({ provider: "claude", cwd: "/", prompt: "x" });
    const s = at(claude, 0);
    s.emit({ type: "rate_limit", window: "seven_day", status: "ok", usedPercent: 40 });
    expect(supervisor.headroom("claude")).toMatchObject({ window: "seven_day", status: "ok" });
    s.emit({ type: "rate_limit", window: "five_hour", status: "exhausted", resetsAt: clock.now() + 60_000 });
    expect(supervisor.headroom("claude")).toMatchObject({ window: "five_hour", status: "exhausted" });
    clock.advance(60_001);
    expect(supervisor.headroom("claude")).toMatchObject({ window: "seven_day" });
    expect(supervisor.headroom("codex")).toBeUndefined();
  });
});
