import { describe, expect, it } from "vitest";
import {
  CATEGORY_DESCRIPTIONS,
  DEFAULT_TABLE,
  describeCandidate,
  mergeRoutingTable,
  parseRoutingConfig,
  selectCandidates,
  TaskCategorySchema,
  type Candidate,
} from "../src/index.js";

describe("the default table", () => {
  it("gives every category candidates on all three providers in both branches, and a description", () => {
    for (const category of TaskCategorySchema.options) {
      expect(CATEGORY_DESCRIPTIONS[category].length).toBeGreaterThan(10);
      for (const branch of ["cost_efficiency", "performance"] as const) {
        expect(new Set(DEFAULT_TABLE[category][branch].map((c) => c.provider))).toEqual(new Set(["claude", "codex", "gemini"]));
      }
    }
  });
});

describe("selectCandidates", () => {
  it("category only: the whole ranked list of the branch", () => {
    expect(selectCandidates({ category: "coding" }).candidates).toEqual(DEFAULT_TABLE.coding.cost_efficiency);
    expect(selectCandidates({ category: "coding", branch: "performance" }).candidates).toEqual(DEFAULT_TABLE.coding.performance);
  });

  it("provider only: that provider's candidates first, then the rest, in table order", () => {
    const route = selectCandidates({ category: "mechanical", provider: "gemini" });
    expect(route.candidates[0]?.provider).toBe("gemini");
    expect([...route.candidates].sort(byKey)).toEqual([...DEFAULT_TABLE.mechanical.cost_efficiency].sort(byKey));
    expect(selectCandidates({ provider: "codex" }).candidates[0]?.provider).toBe("codex");
  });

  it("provider + model: that candidate only, with the table's effort when it has the pair", () => {
    expect(selectCandidates({ category: "coding", provider: "codex", model: "gpt-6.1-terra" }).candidates).toEqual([
      { provider: "codex", model: "gpt-6.1-terra", effort: "medium" },
    ]);
    expect(selectCandidates({ provider: "claude", model: "claude-custom" }).candidates).toEqual([{ provider: "claude", model: "claude-custom" }]);
  });

  it("provider + model + effort: exactly that", () => {
    expect(selectCandidates({ category: "coding", provider: "claude", model: "opus", effort: "max" }).candidates).toEqual([
      { provider: "claude", model: "opus", effort: "max" },
    ]);
  });

  it("rejects model without provider, effort without both, nothing at all, and an implicit fallback_default", () => {
    expect(() => selectCandidates({ category: "coding", model: "x" })).toThrow(/model needs provider/);
    expect(() => selectCandidates({ category: "coding", provider: "claude", effort: "high" })).toThrow(/effort needs both/);
    expect(() => selectCandidates({})).toThrow(/give a task_category/);
    expect(() => selectCandidates({ category: "fallback_default" })).toThrow(/fallback_default needs an explicit provider/);
    expect(selectCandidates({ category: "fallback_default", provider: "gemini" }).candidates[0]?.provider).toBe("gemini");
  });

  it("skips providers whose CLI is not installed and says why; none left is an error", () => {
    const route = selectCandidates({ category: "debugging", installed: (p) => p !== "codex" });
    expect(route.candidates.map((c) => c.provider)).not.toContain("codex");
    expect(route.skipped).toEqual([{ provider: "codex", reason: "the codex CLI is not installed" }]);
    expect(() => selectCandidates({ category: "debugging", installed: () => false })).toThrow(
      /no usable candidate: the (claude|codex|gemini) CLI is not installed; the/,
    );
  });
});

describe("describeCandidate", () => {
  it("names provider, model and effort", () => {
    expect(describeCandidate({ provider: "codex", model: "gpt-6.1-sol", effort: "high" })).toBe("codex/gpt-6.1-sol (high)");
    expect(describeCandidate({ provider: "gemini", model: "gemini-3-pro" })).toBe("gemini/gemini-3-pro");
  });
});

describe("routing config", () => {
  it("replaces a category's list for a branch", () => {
    const config = parseRoutingConfig({ branch: "performance", table: { coding: { performance: [{ provider: "gemini", model: "g" }] } } }, "/p/config.json");
    const table = mergeRoutingTable(DEFAULT_TABLE, config);
    expect(table.coding.performance).toEqual([{ provider: "gemini", model: "g" }]);
    expect(table.coding.cost_efficiency).toEqual(DEFAULT_TABLE.coding.cost_efficiency);
  });

  it("names the file and the bad field", () => {
    expect(() => parseRoutingConfig({ table: { coding: { performance: [{ provider: "GPT 5", model: "x" }] } } }, "/p/config.json")).toThrow(
      /\/p\/config\.json: routing\.table\.coding\.performance\.0\.provider/,
    );
    expect(() => parseRoutingConfig({ table: { cooking: {} } }, "/u/config.json")).toThrow(/\/u\/config\.json: routing\.table/);
  });
});

function byKey(a: Candidate, b: Candidate): number {
  return `${a.provider}${a.model}`.localeCompare(`${b.provider}${b.model}`);
}
