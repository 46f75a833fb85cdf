import { describe, expect, it } from "vitest";
import { Supervisor } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

// stopAtBudget with turnEnded: a limit held outside the agent (a spend cap over its provider) that
// its turn reached, told from that turn's report, parks it in budget_exceeded naming the limit.
describe("stopAtBudget told as a turn ends", () => {
  it("parks the agent whose turn just ended; without turnEnded an idle agent is left as it is", () => {
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock: new FakeClock(), stallMs: 40_000 });
    const capped = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "one" });
    const other = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "two" });
    const stops: (string | undefined)[] = [];
    supervisor.onChange((c) => {
      if (c.type === "status" && c.status === "budget_exceeded") stops.push(c.note);
    });
    supervisor.onTurn((report) => {
      if (report.agentId === capped.id) supervisor.stopAtBudget(capped.id, "spend cap claude day_turns 1 reached", true);
    });
    const end = { type: "turn_end", result: "done", isError: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 } as const;
    driver.sessions[0]?.emit(end);
    driver.sessions[1]?.emit(end);
    expect(supervisor.get(capped.id)).toMatchObject({ status: "budget_exceeded", alive: true });
    expect(stops).toEqual(["spend cap claude day_turns 1 reached"]);
    expect(() => supervisor.send(capped.id, "more")).toThrow(/stopped at its budget \(spend cap claude day_turns 1 reached\)/);
    // Told to an idle agent outside its turn's report, nothing happens (as before).
    supervisor.stopAtBudget(other.id, "spend cap claude day_turns 1 reached");
    expect(supervisor.get(other.id).status).toBe("finished");
  });

  it("a follow-up held behind the turn (send with hold) is dropped when that turn reached it, else sent as the turn ends", () => {
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock: new FakeClock(), stallMs: 40_000 });
    const capped = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "one" });
    const free = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "two" });
    supervisor.onTurn((report) => {
      if (report.agentId === capped.id) supervisor.stopAtBudget(capped.id, "spend cap claude day_turns 1 reached", true);
    });
    expect(supervisor.send(capped.id, "more", true).queuedMessages).toBe(1);
    supervisor.send(free.id, "more too", true);
    const [first, second] = driver.sessions;
    // Held in the supervisor while the turn runs: not in the CLI yet.
    expect([first?.sent, second?.sent]).toEqual([["one"], ["two"]]);
    const end = { type: "turn_end", result: "done", isError: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 } as const;
    first?.emit(end);
    second?.emit(end);
    expect(supervisor.get(capped.id)).toMatchObject({ status: "budget_exceeded", queuedMessages: 0, note: "spend cap claude day_turns 1 reached" });
    expect(first?.sent).toEqual(["one"]);
    expect(supervisor.get(free.id).status).toBe("processing");
    expect(second?.sent).toEqual(["two", "more too"]);
  });
});
