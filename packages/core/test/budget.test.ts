import { describe, expect, it } from "vitest";
import { standing, Supervisor, type CostOf } from "../src/index.js";
import { FakeClock, FakeDriver, type FakeSession } from "./fakes.js";

const session = (driver: FakeDriver, i: number): FakeSession => {
  const s = driver.sessions[i];
  if (s === undefined) throw new Error(`no session ${i}`);
  return s;
};

function setup(costOf?: CostOf) {
  const clock = new FakeClock();
  const driver = new FakeDriver("claude");
  const supervisor = new Supervisor({ drivers: { claude: driver }, clock, stallMs: 40_000, ...(costOf === undefined ? {} : { costOf }) });
  return { clock, driver, supervisor };
}

describe("standing", () => {
  it("warns from 80 % and names the first limit reached with its numbers", () => {
    expect(standing({ max_tokens: 100 }, { costUsd: 0, tokens: 79, turns: 1, seconds: 1 })).toEqual({ warnings: [], exceeded: undefined });
    expect(standing({ max_tokens: 100 }, { costUsd: 0, tokens: 80, turns: 1, seconds: 1 }).warnings).toEqual(["max_tokens 100 tokens: 80 tokens spent (80 %)"]);
    expect(standing({ max_turns: 2, max_cost_usd: 1 }, { costUsd: 1.5, tokens: 0, turns: 2, seconds: 0 }).exceeded).toBe(
      "max_cost_usd $1.0000: $1.5000 spent (150 %)",
    );
    // An unknown cost never counts as zero against a cost limit, nor as reached.
    expect(standing({ max_cost_usd: 1 }, { costUsd: undefined, tokens: 0, turns: 0, seconds: 0 })).toEqual({ warnings: [], exceeded: undefined });
  });
});

describe("budgets in the supervisor", () => {
  it("a max_tokens budget interrupts a streaming turn, keeps its partial output, and parks the agent alive until raised", () => {
    const { driver, supervisor } = setup();
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "write a lot", budget: { max_tokens: 100 } });
    const s = session(driver, 0);
    s.emit({ type: "text", delta: "x".repeat(200) });
    expect(supervisor.get(view.id).budget?.warnings).toEqual([]);
    s.emit({ type: "text", delta: "y".repeat(250) });
    expect(s.interrupted).toBe(1);
    const reports: string[] = [];
    supervisor.onTurn((r) => reports.push(r.result));
    s.emit({ type: "turn_end", result: "", isError: false, interrupted: true, usage: { input: 10, output: 113, cacheRead: 0, cacheWrite: 0 }, durationMs: 5 });
    expect(reports[0]).toMatch(/^x{200}y{250}\n\[stopped: budget max_tokens 100 tokens: \d+ tokens spent/);
    const after = supervisor.get(view.id);
    expect(after).toMatchObject({ status: "budget_exceeded", alive: true });
    expect(after.budget?.exceeded).toMatch(/max_tokens/);
    expect(() => supervisor.send(view.id, "more")).toThrow(/stopped at its budget \(max_tokens/);
    expect(() => supervisor.raiseBudget(view.id, { max_tokens: 120 })).toThrow(/still exceeded/);
    supervisor.raiseBudget(view.id, { max_tokens: 10_000 });
    expect(supervisor.get(view.id).status).toBe("finished");
    supervisor.send(view.id, "more");
    expect(s.sent).toEqual(["write a lot", "more"]);
  });

  it("max_turns stops it after its last turn; max_seconds interrupts a turn that runs too long", () => {
    const { clock, driver, supervisor } = setup();
    // The status change says which limit stopped it (the journal records it as the stop's note).
    const stops: (string | undefined)[] = [];
    supervisor.onChange((c) => {
      if (c.type === "status" && c.status === "budget_exceeded") stops.push(c.note);
    });
    const turns = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "one", budget: { max_turns: 1 } });
    session(driver, 0).finish("done");
    expect(supervisor.get(turns.id).status).toBe("budget_exceeded");
    expect(stops).toEqual([expect.stringMatching(/^max_turns 1 turns: 1 turns spent/)]);
    const slow = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "slow", budget: { max_seconds: 30 } });
    clock.advance(25_000);
    expect(supervisor.get(slow.id).budget?.warnings[0]).toMatch(/^max_seconds 30 s: 25 s spent/);
    clock.advance(10_000);
    expect(session(driver, 1).interrupted).toBe(1);
  });

  it("prices a turn whose CLI reports no cost, and counts an unknown price as unknown, never 0", () => {
    const { driver, supervisor } = setup((_p, model, usage) => (model === "priced" ? usage.output / 1000 : undefined));
    const priced = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "a", model: "priced", budget: { max_cost_usd: 1 } });
    session(driver, 0).emit({ type: "turn_end", result: "ok", isError: false, usage: { input: 0, output: 900, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 });
    expect(supervisor.get(priced.id).budget).toMatchObject({ spent: { costUsd: 0.9 }, unknownCostTurns: 0 });
    expect(supervisor.get(priced.id).budget?.warnings[0]).toMatch(/^max_cost_usd/);
    const unknown = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "b", model: "other", budget: { max_cost_usd: 1 } });
    session(driver, 1).emit({ type: "turn_end", result: "ok", isError: false, usage: { input: 0, output: 900, cacheRead: 0, cacheWrite: 0 }, durationMs: 1 });
    expect(supervisor.get(unknown.id).budget).toMatchObject({ spent: { costUsd: 0 }, unknownCostTurns: 1 });
  });
});

describe("budget periods", () => {
  it("a new period counts from zero and lifts a stop: a pool task's budget is its own", () => {
    const { driver, supervisor } = setup();
    const view = supervisor.launch({ provider: "claude", cwd: "/repo", prompt: "one", budget: { max_turns: 1 } });
    session(driver, 0).finish("done");
    expect(supervisor.get(view.id).status).toBe("budget_exceeded");
    supervisor.newBudgetPeriod(view.id);
    expect(supervisor.get(view.id)).toMatchObject({ status: "finished", budget: { spent: { turns: 0, tokens: 0 } } });
    supervisor.send(view.id, "two");
    expect(session(driver, 0).sent).toEqual(["one", "two"]);
  });
});
