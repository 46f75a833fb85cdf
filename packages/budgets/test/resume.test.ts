import { describe, expect, it } from "vitest";
import { BudgetError, resumeBudget } from "../src/index.js";

const spent = { turns: 2, tokens: 400, costUsd: 0.5, seconds: 30 };

describe("resumeBudget", () => {
  it("keeps the launch's limits less what earlier lives spent", () => {
    expect(resumeBudget("a1", { budget: { max_turns: 5, max_tokens: 1000, max_cost_usd: 2 }, spent }, undefined)).toEqual({
      max_turns: 3,
      max_tokens: 600,
      max_cost_usd: 1.5,
    });
  });

  it("takes limits given on resume as they are, and none when there were none", () => {
    expect(resumeBudget("a1", { budget: { max_turns: 2 }, spent }, { max_turns: 9 })).toEqual({ max_turns: 9 });
    expect(resumeBudget("a1", { spent }, undefined)).toBeUndefined();
  });

  it("refuses an agent whose limit is used up, naming it and how to resume with more", () => {
    const used = (): unknown => resumeBudget("a1", { budget: { max_turns: 2 }, spent }, undefined);
    expect(used).toThrow(BudgetError);
    expect(used).toThrow(/max_turns 2 turns \(2 turns spent\).*budget: \{max_turns: 3\}/);
  });
});
