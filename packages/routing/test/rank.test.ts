import { describe, expect, it } from "vitest";
import { DEFAULT_TABLE, escalationLadder, rankCandidates, selectCandidates, type Candidate, type Headroom, type RankInputs } from "../src/index.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
// Per model, what a typical turn costs (a stand-in for the learned tokens × the price table).
const PRICE: Record<string, number> = { sonnet: 0.3, "gpt-6.1-sol": 0.2, "gemini-3.1-pro-preview": 0.1, opus: 1.5, "gpt-6-astra": 1.2 };
const inputs = (over: Partial<RankInputs> = {}, rooms: Record<string, Headroom> = {}): RankInputs => ({
  expectedCost: (c: Candidate) => (c.model !== undefined && c.model in PRICE ? { usd: PRICE[c.model] as number, tokens: "default" } : undefined),
  headroom: (p) => rooms[p],
  now: NOW,
  ...over,
});
const models = (r: { ranked: { candidate: Candidate }[] }) => r.ranked.map((c) => c.candidate.model);

describe("rankCandidates", () => {
  it("ranks cost_efficiency by expected cost, cheapest first, and says why", () => {
    const route = selectCandidates({ category: "architecture" });
    const r = rankCandidates(route, {}, inputs());
    expect(models(r)).toEqual(["gemini-3.1-pro-preview", "gpt-6.1-sol", "sonnet"]);
    expect(r.ranked[0]).toMatchObject({ expected_cost_usd: 0.1, rule: "cost", headroom: "unknown", tokens: "default" });
  });

  it("keeps the table's order on the performance branch", () => {
    const route = selectCandidates({ category: "architecture", branch: "performance" });
    const r = rankCandidates(route, {}, inputs());
    expect(models(r)).toEqual(["opus", "gpt-6-astra", "gemini-3.1-pro-preview"]);
    expect(r.ranked.every((c) => c.rule === "table")).toBe(true);
  });

  it("skips a provider whose window is spent, with the reason, and ranks one nearly spent down", () => {
    const route = selectCandidates({ category: "architecture" });
    const r = rankCandidates(
      route,
      {},
      inputs(
        {},
        {
          gemini: { status: "exhausted", window: "quota", resetsAt: NOW + 30 * 60_000 },
          codex: { status: "warning", window: "primary", usedPercent: 91 },
        },
      ),
    );
    expect(models(r)).toEqual(["sonnet", "gpt-6.1-sol"]);
    expect(r.ranked[1]).toMatchObject({ rule: "headroom", headroom: "warning: 91 % of primary used" });
    expect(r.skipped).toEqual([
      {
        provider: "gemini",
        model: "gemini-3.1-pro-preview",
        rule: "exhausted",
        reason: expect.stringContaining("quota rate-limit window is spent until 2026-11-25T12:30:00.000Z (in 30 min)") as string,
      },
    ]);
  });

  it("a window whose reset has passed counts as having room", () => {
    const route = selectCandidates({ category: "architecture" });
    const r = rankCandidates(route, {}, inputs({}, { gemini: { status: "exhausted", window: "quota", resetsAt: NOW - 1 } }));
    expect(models(r)[0]).toBe("gemini-3.1-pro-preview");
    expect(r.skipped).toEqual([]);
  });

  it("a budget that cannot cover the expensive candidate keeps the cheap one", () => {
    const route = selectCandidates({ category: "architecture", branch: "performance" });
    const r = rankCandidates(route, {}, inputs({ budgetLeftUsd: 0.5 }));
    expect(models(r)).toEqual(["gemini-3.1-pro-preview"]);
    expect(r.skipped.map((s) => [s.model, s.rule])).toEqual([
      ["opus", "over_budget"],
      ["gpt-6-astra", "over_budget"],
    ]);
    expect(r.skipped[0]?.reason).toBe("a typical turn is expected to cost $1.5, more than the $0.5 the budget has left");
  });

  it("when nothing fits, nothing is skipped: the cheapest first, flagged", () => {
    const route = selectCandidates({ category: "architecture" });
    const r = rankCandidates(route, {}, inputs({ budgetLeftUsd: 0.01 }));
    expect(models(r)).toEqual(["gemini-3.1-pro-preview", "gpt-6.1-sol", "sonnet"]);
    expect(r.ranked.every((c) => c.rule === "over_budget")).toBe(true);
  });

  it("unpriced candidates come after priced ones, in table order", () => {
    const route = selectCandidates({ category: "mechanical" });
    const r = rankCandidates(route, {}, inputs());
    expect(r.ranked.map((c) => c.rule)).toEqual(["unpriced", "unpriced", "unpriced"]);
    expect(models(r)).toEqual(route.candidates.map((c) => c.model));
  });

  it("a caller who named a provider keeps its order; the numbers are shown", () => {
    const route = selectCandidates({ category: "architecture", provider: "claude" });
    const r = rankCandidates(route, { provider: "claude" }, inputs({ budgetLeftUsd: 0.01 }, { claude: { status: "exhausted", window: "five_hour" } }));
    expect(models(r)).toEqual(["sonnet", "gpt-6.1-sol", "gemini-3.1-pro-preview"]);
    expect(r.ranked[0]).toMatchObject({ rule: "asked", expected_cost_usd: 0.3, headroom: "exhausted: five_hour" });
  });

  it("is deterministic: the same inputs give the same ranking", () => {
    const route = selectCandidates({ category: "coding" });
    const tie = inputs({ expectedCost: () => ({ usd: 0.2, tokens: "category" }) });
    expect(rankCandidates(route, {}, tie)).toEqual(rankCandidates(route, {}, tie));
    expect(models(rankCandidates(route, {}, tie))).toEqual(route.candidates.map((c) => c.model));
  });
});

describe("escalationLadder", () => {
  const table = DEFAULT_TABLE;
  it("climbs to costlier candidates of both branches, weakest first, within max_steps", () => {
    const chosen = { provider: "gemini", model: "gemini-3.1-pro-preview" };
    expect(escalationLadder(table, "architecture", chosen, 5, inputs()).map((c) => c.model)).toEqual(["gpt-6.1-sol", "sonnet", "gpt-6-astra", "opus"]);
    expect(escalationLadder(table, "architecture", chosen, 1, inputs()).map((c) => c.model)).toEqual(["gpt-6.1-sol"]);
  });

  it("leaves out a spent window, a step the budget cannot pay, and a CLI that is not installed", () => {
    const chosen = { provider: "gemini", model: "gemini-3.1-pro-preview" };
    const ladder = escalationLadder(table, "architecture", chosen, 5, {
      ...inputs({ budgetLeftUsd: 1.3 }, { codex: { status: "exhausted", window: "primary" } }),
      installed: (p) => p !== "gemini",
    });
    expect(ladder.map((c) => c.model)).toEqual(["sonnet"]);
  });

  it("the strongest candidate has nowhere to go", () => {
    expect(escalationLadder(table, "architecture", { provider: "claude", model: "opus", effort: "xhigh" }, 3, inputs())).toEqual([]);
  });
});
