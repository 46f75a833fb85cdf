import { Supervisor, type AgentEvent, type Driver, type Session, type Spent } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { SharedBudgets } from "../src/index.js";

// A driver whose sessions end each turn when the test says, with the usage it gives.
function scripted(): { driver: Driver; finish: (i: number, output: number, costUsd?: number) => void } {
  const sinks: ((event: AgentEvent) => void)[] = [];
  const session: Session = {
    pid: 1,
    send: () => undefined,
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  };
  const driver: Driver = {
    provider: "codex",
    start: (_spec, onEvent) => {
      sinks.push(onEvent);
      return session;
    },
  };
  const finish = (i: number, output: number, costUsd?: number): void => {
    sinks[i]?.({
      type: "turn_end",
      result: "ok",
      isError: false,
      usage: { input: 0, output, cacheRead: 0, cacheWrite: 0 },
      ...(costUsd === undefined ? {} : { costUsd }),
      durationMs: 10,
    });
  };
  return { driver, finish };
}

describe("session and daily budgets", () => {
  it("refuse launches once spent, naming the budget and what was spent; the day counts the journal's earlier turns once", async () => {
    const { driver, finish } = scripted();
    const supervisor = new Supervisor({ drivers: { codex: driver }, costOf: (_p, _m, usage) => usage.output / 1000 });
    let reads = 0;
    const before: Spent = { costUsd: 0.5, tokens: 500, turns: 3, seconds: 0 };
    const budgets = new SharedBudgets(supervisor, { session: { max_turns: 3 }, daily: { max_cost_usd: 1 } }, () => {
      reads += 1;
      return before;
    });
    await expect(budgets.check()).resolves.toBeUndefined();
    supervisor.launch({ provider: "codex", cwd: "/", prompt: "a" });
    finish(0, 300);
    expect(budgets.spent().session).toMatchObject({ turns: 1, tokens: 300, costUsd: 0.3 });
    expect(budgets.spent().today).toMatchObject({ turns: 4, tokens: 800, costUsd: 0.8 });
    supervisor.launch({ provider: "codex", cwd: "/", prompt: "b" });
    finish(1, 100, 0.25);
    await expect(budgets.check()).rejects.toThrow(/the daily budget of this project is spent \(max_cost_usd \$1\.0000: \$1\.0500 spent/);
    expect(reads).toBe(1);
  });

  it("the session budget counts this server's turns only", async () => {
    const { driver, finish } = scripted();
    const supervisor = new Supervisor({ drivers: { codex: driver } });
    const budgets = new SharedBudgets(supervisor, { session: { max_turns: 1 } }, () => ({ costUsd: 0, tokens: 0, turns: 100, seconds: 0 }));
    supervisor.launch({ provider: "codex", cwd: "/", prompt: "a" });
    finish(0, 10);
    await expect(budgets.check()).rejects.toThrow(/the session budget is spent \(max_turns 1 turns: 1 turns spent \(100 %\)\) by this server's agents/);
  });
});
