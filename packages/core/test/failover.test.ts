import { describe, expect, it } from "vitest";
import { Supervisor, type SupervisorOptions } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

const zero = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

function setup(options: Partial<SupervisorOptions> = {}) {
  const clock = new FakeClock();
  const claude = new FakeDriver("claude");
  const codex = new FakeDriver("codex");
  const supervisor = new Supervisor({ drivers: { claude, codex }, clock, ...options });
  // null: a warm launch, without a first prompt.
  const launch = (prompt: string | null = "task") =>
    supervisor.launch({ provider: "claude", cwd: "/", fallbacks: [{ provider: "codex", model: "gpt" }], ...(prompt === null ? {} : { prompt }) });
  return { claude, codex, supervisor, launch };
}

const at = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no ${driver.provider} session ${i}`);
  return s;
};

// A failed turn as drivers report it: an error event they marked, then the turn's end.
function fail(session: FakeSession, message: string, transient: boolean): void {
  session.emit({ type: "error", message, transient });
  session.emit({ type: "turn_end", result: message, isError: true, usage: zero, durationMs: 1 });
}

describe("failover", () => {
  it("follows the driver's transient flag, not the wording of the error", async () => {
    const { claude, codex, supervisor, launch } = setup();
    const kept = launch();
    fail(at(claude, 0), "API Error: 529 overloaded", false);
    expect(supervisor.get(kept.id)).toMatchObject({ provider: "claude", status: "errored", attempts: [] });
    expect(codex.sessions).toHaveLength(0);
    const moved = launch();
    fail(at(claude, 1), "something odd happened", true);
    expect(supervisor.get(moved.id)).toMatchObject({
      provider: "codex",
      model: "gpt",
      status: "processing",
      attempts: [{ provider: "claude", reason: "something odd happened" }],
    });
    expect(at(codex, 0).sent).toEqual(["task"]);
    const result = await supervisor.wait({ ids: [kept.id], mode: "any", timeoutMs: 1 });
    expect(result.finished[0]).toMatchObject({ isError: true, result: "API Error: 529 overloaded" });
  });

  it("runs each candidate where it says: a placed one on its machine's driver, the next one here", () => {
    const { claude, codex, supervisor } = setup();
    const remote = new FakeDriver("claude");
    const elsewhere = new FakeDriver("codex");
    const a = supervisor.launch({
      provider: "claude",
      cwd: "/",
      prompt: "task",
      placement: { machine: "box-1", driver: remote },
      fallbacks: [{ provider: "codex", machine: "box-2", placement: { machine: "box-2", driver: elsewhere } }, { provider: "claude" }],
    });
    expect(claude.sessions).toHaveLength(0);
    expect(supervisor.get(a.id).machine).toBe("box-1");
    fail(at(remote, 0), "529 overloaded", true);
    expect(supervisor.get(a.id)).toMatchObject({ provider: "codex", machine: "box-2", attempts: [{ provider: "claude", machine: "box-1" }] });
    expect(at(elsewhere, 0).sent).toEqual(["task"]);
    fail(at(elsewhere, 0), "disconnected", true);
    const view = supervisor.get(a.id);
    expect(view.machine).toBeUndefined();
    expect(view.attempts.map((x) => x.machine)).toEqual(["box-1", "box-2"]);
    expect(at(claude, 0).sent).toEqual(["task"]);
    expect(codex.sessions).toHaveLength(0);
  });

  it("frees the failed provider's slot for a launch queued there", () => {
    const { claude, supervisor, launch } = setup({ caps: { claude: 1 } });
    const a = launch("a");
    const b = supervisor.launch({ provider: "claude", prompt: "b", cwd: "/" });
    expect(supervisor.get(b.id).status).toBe("queued");
    fail(at(claude, 0), "529 overloaded", true);
    expect(supervisor.get(a.id)).toMatchObject({ provider: "codex", status: "processing" });
    expect(supervisor.get(b.id)).toMatchObject({ status: "processing", queuePosition: undefined });
    expect(at(claude, 1).sent).toEqual(["b"]);
  });

  it("an agent whose CLI died and that failed over is live again: its record is not freed as ended", () => {
    const { claude, codex, supervisor, launch } = setup({ keepEnded: 1 });
    const a = launch();
    at(claude, 0).emit({ type: "error", message: "socket hang up", transient: true });
    at(claude, 0).emit({ type: "exit", code: null, signal: "SIGKILL" });
    expect(supervisor.get(a.id)).toMatchObject({ provider: "codex", status: "processing", alive: true });
    at(codex, 0).finish("done");
    const other = supervisor.launch({ provider: "codex", prompt: "other", cwd: "/" });
    at(codex, 1).finish("done too");
    void supervisor.kill(other.id);
    expect(supervisor.get(a.id)).toMatchObject({ provider: "codex", status: "finished", alive: true });
  });

  it("a warm agent's first turn has nothing to replay elsewhere: its error is reported where it ran", async () => {
    const { claude, codex, supervisor, launch } = setup();
    const a = launch(null);
    supervisor.send(a.id, "now work");
    fail(at(claude, 0), "529 overloaded", true);
    expect(codex.sessions).toHaveLength(0);
    const result = await supervisor.wait({ ids: [a.id], mode: "any", timeoutMs: 1 });
    expect(result.finished[0]).toMatchObject({ isError: true, status: "errored", result: "529 overloaded" });
  });

  it("a stopped agent never fails over", async () => {
    const { claude, codex, supervisor, launch } = setup();
    const a = launch();
    await supervisor.kill(a.id);
    at(claude, 0).emit({ type: "error", message: "529 overloaded", transient: true });
    expect(codex.sessions).toHaveLength(0);
    expect(supervisor.get(a.id)).toMatchObject({ provider: "claude", status: "stopped" });
  });
});
