import { describe, expect, it } from "vitest";
import { Supervisor, type AgentChange } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

function setup(idleTtlMs = 60_000, extra: { maxLive?: number; caps?: { claude: number } } = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock, idleTtlMs, stallMs: 40_000, ...extra });
  return { clock, driver, supervisor };
}

const session = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no session ${i}`);
  return s;
};

describe("hibernation", () => {
  it("closes an idle agent's process after the TTL and keeps it alive; a follow-up resumes its session", () => {
    const { clock, driver, supervisor } = setup();
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "first" });
    const first = session(driver, 0);
    first.emit({ type: "started", sessionId: "sess-1", model: "m" });
    first.finish("done");
    clock.advance(59_000);
    expect(supervisor.get(view.id).status).toBe("finished");
    clock.advance(6_000);
    const asleep = supervisor.get(view.id);
    expect(asleep).toMatchObject({ status: "hibernated", alive: true, pid: undefined });
    expect(first.closed).toBe(true);
    supervisor.send(view.id, "second");
    const second = session(driver, 1);
    expect(second.spec.resume).toBe("sess-1");
    expect(second.sent).toEqual(["second"]);
    expect(supervisor.get(view.id).status).toBe("processing");
    second.finish("again");
    expect(supervisor.get(view.id)).toMatchObject({ status: "finished", turns: 2, alive: true });
  });

  it("never hibernates a running agent, a pool replica or one without a session id", () => {
    const { clock, driver, supervisor } = setup();
    const running = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "long" });
    session(driver, 0).emit({ type: "started", sessionId: "s0", model: "m" });
    const pinned = supervisor.launch({ provider: "claude", cwd: "/repo", pinned: true });
    session(driver, 1).emit({ type: "started", sessionId: "s1", model: "m" });
    const anonymous = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "x" });
    session(driver, 2).finish("done");
    clock.advance(120_000);
    expect(supervisor.get(running.id).status).not.toBe("hibernated");
    expect(supervisor.get(pinned.id).status).toBe("finished");
    expect(supervisor.get(anonymous.id).status).toBe("finished");
  });

  it("a hibernated agent can be killed, and interrupting it does nothing", async () => {
    const { clock, driver, supervisor } = setup();
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "first" });
    session(driver, 0).emit({ type: "started", sessionId: "s", model: "m" });
    session(driver, 0).finish("done");
    clock.advance(70_000);
    expect((await supervisor.interrupt(view.id)).status).toBe("hibernated");
    expect((await supervisor.kill(view.id)).status).toBe("stopped");
  });

  it("max_live hibernates the idlest agent instead of ending it", () => {
    const { driver, supervisor } = setup(0, { maxLive: 1, caps: { claude: 1 } });
    const a = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "a" });
    session(driver, 0).emit({ type: "started", sessionId: "sa", model: "m" });
    session(driver, 0).finish("done a");
    const b = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "b" });
    expect(supervisor.get(a.id)).toMatchObject({ status: "hibernated", alive: true });
    expect(supervisor.get(b.id).status).toBe("processing");
  });

  it("onChange tells launches, messages with their turn, visible events and status changes", () => {
    const { driver, supervisor } = setup();
    const changes: AgentChange[] = [];
    supervisor.onChange((c) => changes.push(c));
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "first" });
    session(driver, 0).emit({ type: "started", sessionId: "s", model: "m" });
    session(driver, 0).emit({ type: "tool", name: "Bash", input: { command: "ls" } });
    supervisor.send(view.id, "second");
    session(driver, 0).finish("one");
    session(driver, 0).finish("two");
    const kinds = changes.map((c) =>
      c.type === "event" ? `event:${c.event.type}` : c.type === "status" ? `status:${c.status}` : c.type === "sent" ? `sent:${c.turn}` : c.type,
    );
    expect(kinds).toEqual(["launched", "sent:1", "event:started", "event:tool", "sent:2", "status:finished"]);
  });
});

describe("launching an ended agent's id again (resume)", () => {
  it("replaces the ended record, goes on numbering turns, and refuses a live id", async () => {
    const { driver, supervisor } = setup(0);
    const first = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "one" });
    session(driver, 0).finish("done");
    expect(() => supervisor.launch({ provider: "claude", cwd: "/repo", id: first.id, prompt: "again" })).toThrow(/alive/);
    await supervisor.kill(first.id);
    const again = supervisor.launch({ provider: "claude", cwd: "/repo", id: first.id, prompt: "two", resume: "sess", priorTurns: 1 });
    expect(again).toMatchObject({ id: first.id, status: "processing", turns: 1 });
    expect(session(driver, 1).spec.resume).toBe("sess");
    const reported: number[] = [];
    supervisor.onTurn((r) => reported.push(r.turn));
    session(driver, 1).finish("two done");
    expect(reported).toEqual([2]);
    expect(supervisor.list().map((v) => v.id)).toEqual([first.id]);
  });
});
