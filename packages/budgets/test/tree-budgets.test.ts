import { Supervisor, type AgentEvent, type Budget, type Driver } from "@subagent-mcp/core";
import { describe, expect, it, vi } from "vitest";
import { TreeBudgets, type AgentLineage } from "../src/index.js";

// A driver whose sessions end each turn when the test says, with the tokens it gives; each session counts its interrupts.
function scripted(): { driver: Driver; finish: (i: number, output: number) => void; interrupts: number[] } {
  const sinks: ((event: AgentEvent) => void)[] = [];
  const interrupts: number[] = [];
  const driver: Driver = {
    provider: "codex",
    start: (_spec, onEvent) => {
      const i = sinks.push(onEvent) - 1;
      interrupts[i] = 0;
      return {
        pid: 1,
        send: () => undefined,
        interrupt: () => {
          interrupts[i] = (interrupts[i] ?? 0) + 1;
          return Promise.resolve();
        },
        reset: () => Promise.resolve(),
        close: () => Promise.resolve(),
        kill: () => Promise.resolve(),
      };
    },
  };
  const finish = (i: number, output: number): void => {
    sinks[i]?.({ type: "turn_end", result: "ok", isError: false, usage: { input: 0, output, cacheRead: 0, cacheWrite: 0 }, costUsd: 0, durationMs: 10 });
  };
  return { driver, finish, interrupts };
}

// Who started whom, as the server's map of parents holds it.
function lineageOf(parents: Map<string, string>): AgentLineage {
  const isUnder = (id: string, above: string): boolean => {
    for (let at = parents.get(id); at !== undefined; at = parents.get(at)) if (at === above) return true;
    return false;
  };
  return { parentOf: (id) => parents.get(id), descendants: (id) => [...parents.keys()].filter((k) => isUnder(k, id)) };
}

// A supervisor with the tree's budgets over it; `launch` starts an agent (its session the next index) under `parent`.
function tree(): {
  supervisor: Supervisor;
  budgets: TreeBudgets;
  launch: (budget: Budget | undefined, parent?: string) => string;
  finish: (i: number, output: number) => void;
  interrupts: number[];
} {
  const { driver, finish, interrupts } = scripted();
  const supervisor = new Supervisor({ drivers: { codex: driver } });
  const parents = new Map<string, string>();
  const budgets = new TreeBudgets(supervisor, lineageOf(parents));
  const launch = (budget: Budget | undefined, parent?: string): string => {
    const { id } = supervisor.launch({ provider: "codex", cwd: "/", prompt: "work", ...(budget === undefined ? {} : { budget }) });
    if (parent !== undefined) parents.set(id, parent);
    return id;
  };
  return { supervisor, budgets, launch, finish, interrupts };
}

describe("a launch's budget over its tree", () => {
  it("counts a grandchild's turns against every ancestor's budget; what an agent has left is the tighter of its own and its ancestors'", () => {
    const { budgets, launch, finish } = tree();
    const grandparent = launch({ max_tokens: 1000 });
    const child = launch({ max_turns: 5, max_tokens: 2000 }, grandparent);
    const grandchild = launch(undefined, child);
    const other = launch(undefined);
    finish(0, 100);
    finish(1, 200);
    finish(2, 300);
    // The grandparent's tree spent 600 tokens: its own turn, its child's and its grandchild's.
    expect(budgets.left(grandparent)).toEqual({ max_tokens: 400 });
    // The child's own budget counts its turn and its grandchild's (2 of 5 turns, 500 of 2000 tokens); the grandparent's leaves fewer tokens.
    expect(budgets.left(child)).toEqual({ max_turns: 3, max_tokens: 400 });
    // The grandchild has no budget of its own: it has what its ancestors leave.
    expect(budgets.left(grandchild)).toEqual({ max_turns: 3, max_tokens: 400 });
    expect(budgets.left(other)).toBeUndefined();
    expect(budgets.exceeded(grandchild)).toBeUndefined();
    expect(budgets.warnings(grandchild)).toEqual([]);
    // From 80 %: the grandchild is told of its grandparent's budget, with the numbers.
    finish(2, 250);
    expect(budgets.warnings(grandchild)).toEqual([`agent ${grandparent}'s budget, over its tree: max_tokens 1000 tokens: 850 tokens spent (85 %)`]);
    expect(budgets.warnings(other)).toEqual([]);
  });

  it("stops every agent under an ancestor whose tree spent its budget, and names that ancestor", () => {
    const { supervisor, budgets, launch, finish, interrupts } = tree();
    const stops = vi.spyOn(supervisor, "stopAtBudget");
    const grandparent = launch({ max_tokens: 1000 });
    const child = launch({ max_tokens: 5000 }, grandparent);
    const grandchild = launch(undefined, child);
    // A sibling of the child, at work on its first turn.
    const sibling = launch(undefined, grandparent);
    const other = launch({ max_tokens: 1000 });
    finish(0, 100);
    finish(1, 100);
    expect(stops).not.toHaveBeenCalled();
    // The grandchild's turn spends the rest of the grandparent's budget (and more): none of the agents' own budgets is spent.
    finish(2, 900);
    const note = `of the agent tree of ${grandparent}: max_tokens 1000 tokens: 1100 tokens spent (110 %)`;
    expect(stops.mock.calls.map(([id, why]) => [id, why]).sort()).toEqual([child, grandchild, sibling].map((id) => [id, note]).sort());
    // The sibling's running turn is interrupted, as its own budget would interrupt it.
    expect(interrupts[3]).toBe(1);
    expect(interrupts[4]).toBe(0);
    expect(budgets.exceeded(grandchild)).toBe(`agent ${grandparent}'s budget, over its tree: max_tokens 1000 tokens: 1100 tokens spent (110 %)`);
    expect(budgets.exceeded(sibling)).toBe(budgets.exceeded(grandchild));
    expect(budgets.exceeded(other)).toBeUndefined();
    expect(budgets.left(child)).toEqual({ max_tokens: 0 });
  });
});
