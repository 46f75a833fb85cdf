import { describe, expect, it } from "vitest";
import { Pool, Supervisor, type PoolAgentSpec } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

function setup(spec: Partial<PoolAgentSpec> = {}, options: { rss?: number; ceiling?: number } = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock });
  const pool = new Pool(supervisor, {
    clock,
    ...(options.rss === undefined ? {} : { memoryMb: () => options.rss }),
    ...(options.ceiling === undefined ? {} : { rssCeilingMb: options.ceiling }),
  });
  pool.define({ name: "helper", launch: { provider: "claude", cwd: "/tmp" }, replicas: 1, maxTurnsPerProcess: 50, resetStrategy: "reset", ...spec });
  return { clock, driver, supervisor, pool };
}

const sessionOf = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no session ${i}`);
  return s;
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("Pool", () => {
  it("runs tasks FIFO on a warm replica, resetting the context between them", async () => {
    const { driver, pool } = setup();
    const a = pool.invoke("helper", "task A", 5_000);
    const b = pool.invoke("helper", "task B", 5_000);
    expect(driver.sessions).toHaveLength(1);
    const s = sessionOf(driver, 0);
    expect(s.sent).toEqual(["task A"]);
    s.finish("answer A");
    expect(await a).toMatchObject({ status: "done", result: "answer A", replica: 0 });
    await tick();
    expect(s.resets).toBe(1);
    expect(s.sent).toEqual(["task A", "task B"]);
    s.finish("answer B");
    expect(await b).toMatchObject({ status: "done", result: "answer B" });
  });

  it("spreads queued tasks across replicas, each result to its own caller", async () => {
    const { driver, pool } = setup({ replicas: 2 });
    const tasks = ["one", "two", "three"].map((t) => pool.invoke("helper", t, 5_000));
    expect(driver.sessions.map((s) => s.sent)).toEqual([["one"], ["two"]]);
    sessionOf(driver, 1).finish("r-two");
    await tick();
    expect(sessionOf(driver, 1).sent).toEqual(["two", "three"]);
    sessionOf(driver, 0).finish("r-one");
    sessionOf(driver, 1).finish("r-three");
    expect((await Promise.all(tasks)).map((r) => (r.status === "done" ? r.result : r.status))).toEqual(["r-one", "r-two", "r-three"]);
  });

  it("returns running at the deadline; the task's result then goes to wait, not to the next caller", async () => {
    const { clock, driver, pool, supervisor } = setup();
    const slow = pool.invoke("helper", "slow task", 1_000);
    clock.advance(1_000);
    const running = await slow;
    expect(running).toMatchObject({ status: "running", replica: 0 });
    const next = pool.invoke("helper", "next task", 60_000);
    sessionOf(driver, 0).finish("late answer");
    const waited = await supervisor.wait({ ids: [running.agentId], mode: "any", timeoutMs: 1 });
    expect(waited.finished.map((f) => f.result)).toEqual(["late answer"]);
    await tick();
    sessionOf(driver, 0).finish("next answer");
    expect(await next).toMatchObject({ result: "next answer" });
  });

  it("detach hands the caller running before the deadline; the result then goes to wait", async () => {
    const { driver, pool, supervisor } = setup();
    const task = pool.invoke("helper", "asking task", 60_000);
    await tick();
    const agentId = pool.list("helper")[0]?.agentId as string;
    expect(pool.detach(agentId)).toBe(true);
    expect(await task).toEqual({ status: "running", replica: 0, agentId });
    expect(pool.detach(agentId)).toBe(false);
    sessionOf(driver, 0).finish("answer after asking");
    const waited = await supervisor.wait({ ids: [agentId], mode: "any", timeoutMs: 1 });
    expect(waited.finished.map((f) => f.result)).toEqual(["answer after asking"]);
  });

  it("interrupts a task that runs past the task timeout", () => {
    const clock = new FakeClock();
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock });
    const pool = new Pool(supervisor, { clock, taskTimeoutMs: 2_000 });
    pool.define({ name: "h", launch: { provider: "claude", cwd: "/" }, replicas: 1, maxTurnsPerProcess: 5, resetStrategy: "reset" });
    void pool.invoke("h", "forever", 500).catch(() => undefined);
    clock.advance(2_000);
    expect(sessionOf(driver, 0).interrupted).toBe(1);
  });

  it("recycles a replica after max turns without failing queued tasks", async () => {
    const { driver, pool } = setup({ maxTurnsPerProcess: 1 });
    const a = pool.invoke("helper", "a", 5_000);
    const b = pool.invoke("helper", "b", 5_000);
    sessionOf(driver, 0).finish("ra");
    await a;
    await tick();
    expect(sessionOf(driver, 0).killed).toBe(true);
    expect(sessionOf(driver, 1).sent).toEqual(["b"]);
    sessionOf(driver, 1).finish("rb");
    expect(await b).toMatchObject({ result: "rb" });
  });

  it("recycles a replica whose memory passes the ceiling", async () => {
    const { driver, pool } = setup({}, { rss: 900, ceiling: 500 });
    const a = pool.invoke("helper", "a", 5_000);
    sessionOf(driver, 0).finish("ra");
    await a;
    await tick();
    expect(sessionOf(driver, 0).killed).toBe(true);
    expect(driver.sessions).toHaveLength(2);
  });

  it("respawn strategy hands over to a pre-warmed spare", async () => {
    const { driver, pool } = setup({ resetStrategy: "respawn" });
    pool.warmup("helper");
    expect(driver.sessions).toHaveLength(2); // the replica and its spare
    const a = pool.invoke("helper", "a", 5_000);
    sessionOf(driver, 0).finish("ra");
    await a;
    await tick();
    expect(sessionOf(driver, 0).killed).toBe(true);
    const b = pool.invoke("helper", "b", 5_000);
    expect(sessionOf(driver, 1).sent).toEqual(["b"]);
    expect(driver.sessions).toHaveLength(3); // a new spare is warming
    sessionOf(driver, 1).finish("rb");
    expect(await b).toMatchObject({ result: "rb" });
  });

  it("a reset during a running task fails that task with a clear error", async () => {
    const { driver, pool } = setup();
    const a = pool.invoke("helper", "a", 5_000);
    await pool.reset("helper");
    await expect(a).rejects.toThrow(/was reset while this task was running/);
    expect(sessionOf(driver, 0).killed).toBe(true);
    const b = pool.invoke("helper", "b", 5_000);
    expect(sessionOf(driver, 1).sent).toEqual(["b"]);
    sessionOf(driver, 1).finish("rb");
    expect(await b).toMatchObject({ result: "rb" });
  });

  it("a task still queued at its deadline is taken back and reported, never run unseen", async () => {
    const { clock, driver, pool } = setup();
    void pool.invoke("helper", "a", 60_000);
    const b = pool.invoke("helper", "b", 1_000);
    clock.advance(1_000);
    await expect(b).rejects.toThrow(/not started/);
    sessionOf(driver, 0).finish("ra");
    await tick();
    expect(sessionOf(driver, 0).sent).toEqual(["a"]);
  });

  it("lists replicas and rejects unknown agents", () => {
    const { pool } = setup({ replicas: 2 }, { rss: 123 });
    pool.warmup("helper");
    expect(pool.list("helper").map((r) => [r.replica, r.busy, r.turnsServed, r.rssMb, r.pid])).toEqual([
      [0, false, 0, 123, 4242],
      [1, false, 0, 123, 4242],
    ]);
    expect(() => pool.invoke("nobody", "x", 1)).toThrow(/no pool agent named "nobody"/);
  });
});
