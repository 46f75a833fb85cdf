import { describe, expect, it } from "vitest";
import type { CoreError } from "../src/index.js";
import { Supervisor } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

function setup(options: { cap?: number; stallMs?: number } = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock, caps: { claude: options.cap ?? 5 }, stallMs: options.stallMs ?? 60_000 });
  const launch = (prompt = "task") => supervisor.launch({ provider: "claude", prompt, cwd: "/tmp" });
  return { clock, driver, supervisor, launch };
}

const session = (driver: FakeDriver, index: number) => {
  const s = driver.sessions[index];
  if (s === undefined) throw new Error(`no session ${index}`);
  return s;
};

describe("Supervisor", () => {
  it("launches through the driver and sends the first prompt", () => {
    const { driver, launch } = setup();
    const view = launch("hello");
    expect(view).toMatchObject({ status: "processing", alive: true, provider: "claude" });
    expect(session(driver, 0).sent).toEqual(["hello"]);
  });

  it("queues launches above the cap, FIFO, counting only processing agents", () => {
    const { driver, supervisor, launch } = setup({ cap: 1 });
    const a = launch("a");
    const b = launch("b");
    const c = launch("c");
    expect(b).toMatchObject({ status: "queued", queuePosition: 1 });
    expect(c).toMatchObject({ status: "queued", queuePosition: 2 });
    supervisor.send(b.id, "b2");
    expect(driver.sessions).toHaveLength(1);
    session(driver, 0).finish("done a");
    expect(supervisor.get(a.id).status).toBe("finished");
    expect(supervisor.get(b.id).status).toBe("processing");
    expect(session(driver, 1).sent).toEqual(["b", "b2"]);
    expect(supervisor.get(c.id)).toMatchObject({ status: "queued", queuePosition: 1 });
  });

  it("a launch queued on its machine is queued there, never stalled, runs once admitted, and an interrupt meanwhile cancels it", async () => {
    const { clock, supervisor } = setup({ stallMs: 1_000 });
    const remote = new FakeDriver("claude");
    const launch = () => supervisor.launch({ provider: "claude", prompt: "task", cwd: "/tmp", placement: { machine: "b", driver: remote } });
    const a = launch();
    session(remote, 0).emit({ type: "queued", position: 2 });
    expect(supervisor.get(a.id)).toMatchObject({ status: "queued", machine: "b", queuePosition: 2 });
    clock.advance(5_000);
    expect(supervisor.get(a.id).status).toBe("queued");
    session(remote, 0).emit({ type: "admitted" });
    expect(supervisor.get(a.id)).toMatchObject({ status: "processing", queuePosition: undefined, idleMs: 0 });
    session(remote, 0).finish("done");
    expect(supervisor.get(a.id).status).toBe("finished");
    const b = launch();
    session(remote, 1).emit({ type: "queued", position: 1 });
    expect((await supervisor.interrupt(b.id)).status).toBe("stopped");
    expect(session(remote, 1)).toMatchObject({ killed: true, interrupted: 0 });
  });

  it("marks stalls on the health tick and recovers when output resumes; reads never move the idle clock", () => {
    const { clock, driver, supervisor, launch } = setup({ stallMs: 10_000 });
    const a = launch();
    clock.advance(6_000);
    expect(supervisor.get(a.id).idleMs).toBe(6_000);
    supervisor.list();
    supervisor.tail(a.id);
    clock.advance(5_000);
    expect(supervisor.get(a.id)).toMatchObject({ status: "stalled", idleMs: 11_000 });
    session(driver, 0).emit({ type: "text", delta: "back" });
    expect(supervisor.get(a.id)).toMatchObject({ status: "processing", idleMs: 0 });
  });

  it("a stalled agent frees its slot for the queue", () => {
    const { clock, launch, supervisor } = setup({ cap: 1, stallMs: 1_000 });
    launch();
    const b = launch();
    expect(supervisor.get(b.id).status).toBe("queued");
    clock.advance(1_100);
    expect(supervisor.get(b.id).status).toBe("processing");
  });

  it("wait any returns the first finished turn, each turn once", async () => {
    const { driver, supervisor, launch } = setup();
    const a = launch();
    const b = launch();
    const waiting = supervisor.wait({ ids: [a.id, b.id], mode: "any", timeoutMs: 5_000 });
    session(driver, 1).finish("from b");
    const result = await waiting;
    expect(result.timedOut).toBe(false);
    expect(result.finished).toEqual([expect.objectContaining({ agentId: b.id, result: "from b", turn: 1, status: "finished" })]);
    expect(result.stillRunning).toEqual([a.id]);
    const again = await supervisor.wait({ ids: [b.id], mode: "any", timeoutMs: 5_000 });
    expect(again.finished).toEqual([]);
  });

  it("wait all returns when every agent is done, or at its deadline with what still runs", async () => {
    const { clock, driver, supervisor, launch } = setup();
    const a = launch();
    const b = launch();
    const all = supervisor.wait({ ids: [a.id, b.id], mode: "all", timeoutMs: 5_000 });
    session(driver, 0).finish("a");
    clock.advance(5_000);
    const result = await all;
    expect(result).toMatchObject({ timedOut: true, stillRunning: [b.id] });
    expect(result.finished.map((f) => f.result)).toEqual(["a"]);
    const rest = supervisor.wait({ ids: [a.id, b.id], mode: "all", timeoutMs: 5_000 });
    session(driver, 1).finish("b");
    expect(await rest).toMatchObject({ timedOut: false, stillRunning: [], finished: [expect.objectContaining({ result: "b" })] });
  });

  it("a follow-up while busy is answered after the current turn", async () => {
    const { driver, supervisor, launch } = setup();
    const a = launch("one");
    expect(supervisor.send(a.id, "two").queuedMessages).toBe(1);
    session(driver, 0).finish("r1");
    expect(supervisor.get(a.id).status).toBe("processing");
    session(driver, 0).finish("r2");
    const result = await supervisor.wait({ ids: [a.id], mode: "all", timeoutMs: 1 });
    expect(result.finished.map((f) => [f.turn, f.result])).toEqual([
      [1, "r1"],
      [2, "r2"],
    ]);
    expect(session(driver, 0).sent).toEqual(["one", "two"]);
  });

  it("kill stops the agent, wakes waiters with the lost turn, and refuses follow-ups", async () => {
    const { driver, supervisor, launch } = setup();
    const a = launch();
    const waiting = supervisor.wait({ ids: [a.id], mode: "any", timeoutMs: 5_000 });
    await supervisor.kill(a.id);
    expect(session(driver, 0).killed).toBe(true);
    const result = await waiting;
    expect(result.finished).toEqual([expect.objectContaining({ status: "stopped", isError: true })]);
    expect(supervisor.get(a.id)).toMatchObject({ status: "stopped", alive: false });
    expect(() => supervisor.send(a.id, "more")).toThrow(expect.objectContaining({ code: "AGENT_NOT_ALIVE" }) as CoreError);
  });

  it("a process that dies mid-turn makes the agent errored with the reason", async () => {
    const { driver, supervisor, launch } = setup();
    const a = launch();
    session(driver, 0).emit({ type: "exit", code: 137, signal: null });
    expect(supervisor.get(a.id)).toMatchObject({ status: "errored", alive: false });
    expect(supervisor.get(a.id).lastError?.message).toContain("137");
    const result = await supervisor.wait({ ids: [a.id], mode: "any", timeoutMs: 1 });
    expect(result.finished[0]).toMatchObject({ isError: true, status: "errored" });
  });

  it("a driver that cannot start errors the agent without throwing", () => {
    const { driver, supervisor, launch } = setup();
    driver.failNext = "claude: executable not found";
    const a = launch();
    expect(supervisor.get(a.id)).toMatchObject({ status: "errored", alive: false, lastError: { message: "claude: executable not found" } });
  });

  it("keeps output bounded and tracks totals", () => {
    const clock = new FakeClock();
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock, tailChars: 8 });
    const a = supervisor.launch({ provider: "claude", prompt: "p", cwd: "/" });
    session(driver, 0).emit({ type: "text", delta: "0123456789abcdef" });
    session(driver, 0).finish("r");
    expect(supervisor.tail(a.id)).toBe("89abcdef");
    expect(supervisor.get(a.id)).toMatchObject({ turns: 1, costUsd: 0.01, usage: { input: 10, output: 5 } });
    expect(supervisor.recent(a.id).map((r) => r.kind)).toEqual(["text", "turn_end"]);
  });

  it("rejects unknown ids and providers without a driver", () => {
    const { supervisor } = setup();
    expect(() => supervisor.get("nope")).toThrow(/no agent with id "nope"/);
    expect(() => supervisor.launch({ provider: "codex", prompt: "x", cwd: "/" })).toThrow(expect.objectContaining({ code: "UNKNOWN_PROVIDER" }) as CoreError);
  });

  it("an aborted wait resolves at once with what is known", async () => {
    const { supervisor, launch } = setup();
    const a = launch();
    const controller = new AbortController();
    const waiting = supervisor.wait({ ids: [a.id], mode: "any", timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    expect(await waiting).toEqual({ finished: [], permissionRequests: [], stillRunning: [a.id], timedOut: false });
  });

  it("fails over to the next candidate when the first turn fails transiently, under the same id", async () => {
    const clock = new FakeClock();
    const claude = new FakeDriver("claude");
    const codex = new FakeDriver("codex");
    const supervisor = new Supervisor({ drivers: { claude, codex }, clock });
    const a = supervisor.launch({
      provider: "claude",
      model: "opus",
      prompt: "do it",
      cwd: "/",
      fallbacks: [{ provider: "codex", model: "gpt-5.5", effort: "high" }],
    });
    supervisor.send(a.id, "and this");
    const first = session(claude, 0);
    first.emit({ type: "error", message: "API Error: 529 overloaded", transient: true });
    first.emit({
      type: "turn_end",
      result: "API Error: 529 overloaded",
      isError: true,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      durationMs: 5,
    });
    expect(first.killed).toBe(true);
    expect(supervisor.get(a.id)).toMatchObject({
      provider: "codex",
      model: "gpt-5.5",
      effort: "high",
      status: "processing",
      attempts: [{ provider: "claude", model: "opus", reason: "API Error: 529 overloaded" }],
    });
    const second = session(codex, 0);
    expect(second.sent).toEqual(["do it", "and this"]);
    second.finish("from codex");
    second.finish("second answer");
    const result = await supervisor.wait({ ids: [a.id], mode: "any", timeoutMs: 1 });
    expect(result.finished.map((f) => f.result)).toEqual(["from codex", "second answer"]);
  });

  it("stops at a permanent failure and lists every attempt in the error", async () => {
    const clock = new FakeClock();
    const claude = new FakeDriver("claude");
    const gemini = new FakeDriver("gemini");
    const supervisor = new Supervisor({ drivers: { claude, gemini }, clock });
    const a = supervisor.launch({ provider: "claude", prompt: "x", cwd: "/", fallbacks: [{ provider: "gemini" }, { provider: "claude", model: "haiku" }] });
    session(claude, 0).emit({ type: "error", message: "429 rate limited", transient: true });
    session(claude, 0).emit({
      type: "turn_end",
      result: "429 rate limited",
      isError: true,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      durationMs: 1,
    });
    session(gemini, 0).emit({ type: "error", message: "401 unauthenticated", transient: false });
    session(gemini, 0).emit({
      type: "turn_end",
      result: "401 unauthenticated",
      isError: true,
      usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
      durationMs: 1,
    });
    const result = await supervisor.wait({ ids: [a.id], mode: "any", timeoutMs: 1 });
    expect(result.finished[0]?.result).toBe(
      "401 unauthenticated\nattempts:\n1. claude/default: transient — 429 rate limited\n2. gemini/default: failed (above)",
    );
    expect(claude.sessions).toHaveLength(1);
  });
});
