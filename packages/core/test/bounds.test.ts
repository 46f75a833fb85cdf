import { describe, expect, it } from "vitest";
import { Pool, Supervisor, type CoreError, type SupervisorOptions } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

function setup(options: Partial<SupervisorOptions> = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock, caps: { claude: 2 }, ...options });
  const launch = (prompt = "task") => supervisor.launch({ provider: "claude", prompt, cwd: "/tmp" });
  // Sessions still holding a live process: neither closed nor killed.
  const live = () => driver.sessions.filter((s) => !s.killed);
  return { clock, driver, supervisor, launch, live };
}

const at = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no session ${i}`);
  return s;
};

describe("live processes are bounded, not only turns", () => {
  it("with cap 2, twenty finished launches never hold more than max_live CLIs: the least recently active is closed, with a note", () => {
    const { clock, driver, supervisor, launch, live } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const a = launch(`task ${i}`);
      ids.push(a.id);
      clock.advance(10);
      at(driver, driver.sessions.length - 1).finish(`done ${i}`);
      expect(live().length).toBeLessThanOrEqual(4); // twice the cap by default
    }
    expect(live()).toHaveLength(4);
    // The oldest were closed politely; their state and results stay readable.
    expect(at(driver, 0).closed).toBe(true);
    const first = supervisor.get(ids[0] as string);
    expect(first).toMatchObject({ status: "finished", alive: false, lastTurn: expect.objectContaining({ result: "done 0" }) as unknown });
    expect(first.note).toMatch(/closed to keep at most 4 live claude processes \(max_live\)/);
    expect(() => supervisor.send(ids[0] as string, "more")).toThrow(/max_live/);
    // The newest four are alive and take follow-ups.
    expect(ids.slice(-4).map((id) => supervisor.get(id).alive)).toEqual([true, true, true, true]);
  });

  it("closes the least recently active one, even if it started first", () => {
    const { clock, driver, supervisor, launch } = setup({ maxLive: 2 });
    const a = launch("a");
    const b = launch("b");
    at(driver, 0).finish("a1");
    clock.advance(100);
    at(driver, 1).finish("b1");
    clock.advance(100);
    supervisor.send(a.id, "a again");
    at(driver, 0).finish("a2");
    launch("c");
    expect(supervisor.get(b.id).alive).toBe(false);
    expect(supervisor.get(a.id).alive).toBe(true);
  });

  it("queues a launch while every live process is busy, and starts it when one finishes", () => {
    const { clock, driver, supervisor, launch, live } = setup({ caps: { claude: 2 }, maxLive: 2, stallMs: 1_000 });
    launch("a");
    launch("b");
    clock.advance(1_500); // both stall: they free their processing slots, not their processes
    const c = launch("c");
    expect(c).toMatchObject({ status: "queued", queuePosition: 1 });
    expect(live()).toHaveLength(2);
    at(driver, 0).finish("a done");
    expect(supervisor.get(c.id).status).toBe("processing");
    expect(live()).toHaveLength(2);
    expect(at(driver, 0).closed).toBe(true);
  });

  it("never closes nor counts pool replicas", () => {
    const { driver, supervisor, launch, live } = setup({ maxLive: 2 });
    const pool = new Pool(supervisor);
    pool.define({ name: "helper", launch: { provider: "claude", cwd: "/tmp" }, replicas: 2, maxTurnsPerProcess: 50, resetStrategy: "reset" });
    pool.warmup("helper");
    for (let i = 0; i < 5; i++) {
      launch(`t${i}`);
      at(driver, driver.sessions.length - 1).finish("ok");
    }
    expect(at(driver, 0).closed || at(driver, 1).closed).toBe(false);
    expect(live()).toHaveLength(4); // 2 replicas + max_live 2
  });
});

describe("launch queues and ended records are bounded", () => {
  it("refuses a launch past the queue bound with QUEUE_FULL, and accepts again once there is room", () => {
    const { driver, launch } = setup({ caps: { claude: 1 }, maxQueued: 3 });
    launch("running");
    for (let i = 0; i < 3; i++) expect(launch(`q${i}`).status).toBe("queued");
    expect(() => launch("one too many")).toThrow(
      expect.objectContaining({ code: "QUEUE_FULL", message: expect.stringMatching(/3 claude launches are already waiting/) as unknown }) as CoreError,
    );
    at(driver, 0).finish("done");
    expect(launch("fits again").status).toBe("queued");
  });

  it("frees the records of ended agents beyond the newest keepEnded, oldest end first; live and waiting ones stay", async () => {
    const { driver, supervisor, launch } = setup({ caps: { claude: 1 }, keepEnded: 3 });
    const running = launch("running");
    const queued = Array.from({ length: 6 }, (_, i) => launch(`q${i}`).id);
    const waiting = supervisor.wait({ ids: queued, mode: "all", timeoutMs: 60_000 });
    for (const id of queued.slice(0, 5)) await supervisor.kill(id);
    expect(supervisor.list().map((v) => v.id)).toEqual([running.id, ...queued.slice(2)]);
    expect(() => supervisor.get(queued[0] as string)).toThrow(/records of ended agents beyond the newest 3 are freed/);
    // A wait that named a freed agent still completes, with what is left to report.
    await supervisor.kill(queued[5] as string);
    const result = await waiting;
    expect(result.stillRunning).toEqual([]);
    expect(supervisor.list()).toHaveLength(4);
    at(driver, 0).finish("still here");
    expect(supervisor.get(running.id).lastTurn?.result).toBe("still here");
  });
});
