import { describe, expect, it } from "vitest";
import { costOf, DEFAULT_PRICES, findPrice, mergePrices, PriceTableSchema, type PriceTable } from "../src/index.js";

describe("findPrice", () => {
  it("finds exact ids, aliases and the most specific family rule", () => {
    expect(findPrice("claude-sonnet-4-5")).toMatchObject({ input: 3, output: 15 });
    expect(findPrice("sonnet")).toMatchObject({ input: 3, output: 15 });
    expect(findPrice("claude-opus-4-5-20251101")).toMatchObject({ input: 5, output: 25 });
    expect(findPrice("claude-opus-4-1-20250805")).toMatchObject({ input: 15, output: 75 });
    expect(findPrice("claude-sonnet-4-7-20270101")).toMatchObject({ input: 3, output: 15 });
    expect(findPrice("claude-opus-4-6")?.source).toContain("priced as claude-opus-4-5");
    expect(findPrice("GPT-5.1-Codex")).toMatchObject({ input: 1.25, output: 10 });
    expect(findPrice("gpt-5.5")).toMatchObject({ input: 1.75, output: 14 });
    expect(findPrice("gpt-5-codex-mini")).toMatchObject({ input: 1.25 });
    expect(findPrice("gpt-5-mini-2025-08-07")).toMatchObject({ input: 0.25 });
    expect(findPrice("gemini-2.5-flash-preview-09-2025")).toMatchObject({ input: 0.3, output: 2.5 });
    expect(findPrice("gemini-2.5-flash-lite-preview")).toMatchObject({ input: 0.1, output: 0.4 });
    expect(findPrice("gemini-4-flash-lite")).toMatchObject({ input: 0.1 });
    expect(findPrice("gemini-4-flash")).toMatchObject({ input: 0.5, output: 3 });
    expect(findPrice("gemini-4-pro-preview")).toMatchObject({ input: 2, output: 12 });
  });

  it("answers undefined for unknown or missing models", () => {
    expect(findPrice("llama-3-70b")).toBeUndefined();
    expect(findPrice(undefined)).toBeUndefined();
    expect(findPrice("")).toBeUndefined();
    expect(findPrice("claude-sonnet")).toBeUndefined(); // a rule needs its whole literal prefix
  });

  it("answers a model each table was asked before as that table does, in any case", () => {
    const merged = mergePrices(DEFAULT_PRICES, { "gemini-4*": { input: 9, output: 9 } });
    for (let i = 0; i < 2; i += 1) {
      expect(findPrice("gemini-4-flash")).toMatchObject({ input: 0.5, output: 3 });
      expect(findPrice("Gemini-4-Flash", merged)).toMatchObject({ input: 9, output: 9 });
      expect(findPrice("llama-3-70b", merged)).toBeUndefined();
    }
  });
});

describe("costOf", () => {
  const table: PriceTable = {
    plain: { input: 2, output: 10 },
    cached: { input: 3, output: 15, cache_read: 0.3, cache_write: 3.75 },
    openai: { input: 1.25, output: 10, cache_read: 0.125, input_includes_cache_read: true },
  };

  it("prices each kind of token per million", () => {
    expect(costOf("plain", { input: 1_000_000, output: 500_000 }, table)).toBeCloseTo(2 + 5, 10);
    expect(costOf("cached", { input: 1000, output: 2000, cache_read: 10_000, cache_write: 4000 }, table)).toBeCloseTo(
      (1000 * 3 + 2000 * 15 + 10_000 * 0.3 + 4000 * 3.75) / 1e6,
      12,
    );
    // Without cache prices, cached tokens cost the input price.
    expect(costOf("plain", { input: 0, output: 0, cache_read: 1e6, cache_write: 1e6 }, table)).toBeCloseTo(4, 10);
  });

  it("prices an input that includes its cached part once", () => {
    expect(costOf("openai", { input: 1_000_000, output: 0, cache_read: 400_000 }, table)).toBeCloseTo(0.6 * 1.25 + 0.4 * 0.125, 10);
  });

  it("is undefined, never 0, when the price is unknown; 0 tokens of a known model cost 0", () => {
    expect(costOf("nope", { input: 10, output: 10 }, table)).toBeUndefined();
    expect(costOf(undefined, { input: 10, output: 10 }, table)).toBeUndefined();
    expect(costOf("plain", { input: 0, output: 0 }, table)).toBe(0);
  });

  it("uses the built-in table by default", () => {
    expect(costOf("claude-haiku-4-5", { input: 1e6, output: 1e6 })).toBeCloseTo(6, 10);
  });
});

describe("mergePrices", () => {
  it("lets a config replace, add and alias entries; the defaults are untouched", () => {
    const overrides = PriceTableSchema.parse({
      "gpt-6.1-sol": { input: 1, output: 2 },
      sonnet: { input: 9, output: 9 },
      "my-model-*": { input: 0.5, output: 1 },
      "CLAUDE-HAIKU-4-5": { input: 7, output: 7 },
    });
    const merged = mergePrices(DEFAULT_PRICES, overrides);
    expect(findPrice("gpt-6.1-sol", merged)).toEqual({ input: 1, output: 2 });
    expect(findPrice("sonnet", merged)).toEqual({ input: 9, output: 9 });
    expect(findPrice("claude-sonnet-4-5", merged)).toMatchObject({ input: 3 });
    expect(findPrice("my-model-large", merged)).toEqual({ input: 0.5, output: 1 });
    expect(findPrice("claude-haiku-4-5", merged)).toEqual({ input: 7, output: 7 });
    expect(findPrice("gpt-6.1-sol")).toMatchObject({ input: 1.75 });
    expect(mergePrices(DEFAULT_PRICES, undefined)).toBe(DEFAULT_PRICES);
  });

  it("lets an override rule win over the more specific default entries and aliases it covers", () => {
    const merged = mergePrices(DEFAULT_PRICES, { "gemini-3*": { input: 1, output: 1 }, "op*": { input: 2, output: 2 } });
    expect(findPrice("gemini-3-pro-preview", merged)).toEqual({ input: 1, output: 1 });
    expect(findPrice("gemini-3.8-flash", merged)).toEqual({ input: 1, output: 1 });
    expect(findPrice("gemini-2.5-pro", merged)).toMatchObject({ input: 1.25 });
    expect(findPrice("opus", merged)).toEqual({ input: 2, output: 2 });
    expect(findPrice("claude-opus-4-5", merged)).toMatchObject({ input: 5 });
    // Among the overrides too, the more specific rule is tried first, whatever the file's order.
    const mine = mergePrices(DEFAULT_PRICES, { "my-*": { input: 1, output: 1 }, "my-big-*": { input: 9, output: 9 } });
    expect(findPrice("my-big-one", mine)).toEqual({ input: 9, output: 9 });
    expect(findPrice("my-small", mine)).toEqual({ input: 1, output: 1 });
  });

  it("rejects a malformed override", () => {
    expect(PriceTableSchema.safeParse({ x: { input: -1, output: 1 } }).success).toBe(false);
    expect(PriceTableSchema.safeParse({ x: { input: 1 } }).success).toBe(false);
    expect(PriceTableSchema.safeParse({ x: { input: 1, output: 1, typo: 1 } }).success).toBe(false);
  });
});
