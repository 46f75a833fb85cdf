import { describe, expect, it } from "vitest";
import { DEFAULT_TABLE, escalationLadder, overQuota, rankCandidates, selectCandidates, type Candidate, type Headroom, type RankInputs } from "../src/index.js";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const PRICE: Record<string, number> = { sonnet: 0.3, "gpt-6.1-sol": 0.2, "gemini-3.1-pro-preview": 0.1, opus: 1.5, "gpt-6-astra": 1.2 };
const quotaInputs = (percent: number, windows: Record<string, Headroom[]>): RankInputs => ({
  expectedCost: (c: Candidate) => (c.model !== undefined && c.model in PRICE ? { usd: PRICE[c.model] as number, tokens: "default" } : undefined),
  headroom: () => undefined,
  now: NOW,
  quota: { percent, windows: (p) => windows[p] ?? [] },
});
const models = (r: { ranked: { candidate: Candidate }[] }) => r.ranked.map((c) => c.candidate.model);
const FIVE_HOUR: Headroom = { status: "warning", window: "five_hour", usedPercent: 95, resetsAt: NOW + 90 * 60_000 };

describe("overQuota", () => {
  it("is the most used window at or past the percent, and nothing without a setting", () => {
    const quota = { percent: 90, windows: () => [{ status: "ok" as const, window: "seven_day", usedPercent: 40 }, FIVE_HOUR] };
    expect(overQuota(quota, "claude", NOW)).toEqual(FIVE_HOUR);
    expect(overQuota({ ...quota, percent: 96 }, "claude", NOW)).toBeUndefined();
    expect(overQuota({ ...quota, percent: 95 }, "claude", NOW)).toEqual(FIVE_HOUR);
    expect(overQuota(undefined, "claude", NOW)).toBeUndefined();
  });

  it("counts a spent window as full and a window whose reset passed as empty", () => {
    expect(overQuota({ percent: 99, windows: () => [{ status: "exhausted", window: "quota" }] }, "gemini", NOW)).toMatchObject({ window: "quota" });
    expect(overQuota({ percent: 50, windows: () => [{ ...FIVE_HOUR, resetsAt: NOW }] }, "claude", NOW)).toBeUndefined();
  });
});

describe("rankCandidates with quota_percent", () => {
  it("routes past a provider whose window is at or past it, with rule over_quota and the window, percent and reset", () => {
    const route = selectCandidates({ category: "architecture" });
    const r = rankCandidates(route, {}, quotaInputs(90, { claude: [FIVE_HOUR] }));
    expect(models(r)).toEqual(["gemini-3.1-pro-preview", "gpt-6.1-sol"]);
    expect(r.skipped).toEqual([
      {
        provider: "claude",
        model: "sonnet",
        rule: "over_quota",
        reason: "claude's five_hour window is 95 % used, at or past quota_percent 90; it resets at 2026-11-25T13:30:00.000Z (in 90 min)",
      },
    ]);
  });

  it("leaves the ranking alone below the percent", () => {
    const route = selectCandidates({ category: "architecture" });
    const r = rankCandidates(route, {}, quotaInputs(96, { claude: [FIVE_HOUR] }));
    expect(models(r)).toEqual(["gemini-3.1-pro-preview", "gpt-6.1-sol", "sonnet"]);
    expect(r.skipped).toEqual([]);
  });

  it("keeps no held candidate even as a last resort", () => {
    const route = selectCandidates({ category: "architecture" });
    const all = [{ ...FIVE_HOUR, window: "primary" }];
    const r = rankCandidates(route, {}, quotaInputs(90, { claude: all, codex: all, gemini: all }));
    expect(r.ranked).toEqual([]);
    expect(r.skipped.map((s) => s.rule)).toEqual(["over_quota", "over_quota", "over_quota"]);
  });

  it("refuses (ranks nothing) when the caller named the held provider, and routes as asked when it named another", () => {
    const held = rankCandidates(
      selectCandidates({ category: "architecture", provider: "claude" }),
      { provider: "claude" },
      quotaInputs(90, { claude: [FIVE_HOUR] }),
    );
    expect(held.ranked).toEqual([]);
    expect(held.skipped[0]).toMatchObject({ provider: "claude", rule: "over_quota" });
    const other = rankCandidates(
      selectCandidates({ category: "architecture", provider: "codex" }),
      { provider: "codex" },
      quotaInputs(90, { claude: [FIVE_HOUR] }),
    );
    expect(other.ranked.map((c) => c.candidate.provider)).toEqual(["codex", "gemini"]);
    expect(other.ranked.every((c) => c.rule === "asked")).toBe(true);
  });

  it("escalates past a held provider", () => {
    const chosen: Candidate = { provider: "gemini", model: "gemini-3.1-pro-preview" };
    const free = escalationLadder(DEFAULT_TABLE, "architecture", chosen, 5, quotaInputs(90, {}));
    const held = escalationLadder(DEFAULT_TABLE, "architecture", chosen, 5, quotaInputs(90, { claude: [FIVE_HOUR] }));
    expect(free.some((c) => c.provider === "claude")).toBe(true);
    expect(held.some((c) => c.provider === "claude")).toBe(false);
  });
});
