import { DEFAULT_PRICES } from "./default-prices.js";
import type { Price, PriceTable, TokenUsage } from "./schema.js";

// A family rule's pattern: `*` stands for any run of characters, the rest is literal.
function ruleMatches(rule: string, model: string): boolean {
  const pattern = rule
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(model);
}

/**
 * A model's price: by exact id, then by alias, then by the most specific family rule (the one
 * with the most literal characters, e.g. "gemini-2.5-flash*" over "gemini-*-flash*"); undefined
 * when none applies. Ids compare case-insensitively.
 */
export function findPrice(model: string | undefined, table: PriceTable = DEFAULT_PRICES): Price | undefined {
  if (model === undefined || model === "") return undefined;
  const id = model.toLowerCase();
  const entries = Object.entries(table).map(([key, price]) => [key.toLowerCase(), price] as const);
  const exact = entries.find(([key]) => !key.includes("*") && key === id);
  if (exact !== undefined) return exact[1];
  const aliased = entries.find(([, price]) => price.aliases?.some((a) => a.toLowerCase() === id) === true);
  if (aliased !== undefined) return aliased[1];
  let best: { literal: number; price: Price } | undefined;
  for (const [key, price] of entries) {
    if (!key.includes("*") || !ruleMatches(key, id)) continue;
    const literal = key.replaceAll("*", "").length;
    if (best === undefined || literal > best.literal) best = { literal, price };
  }
  return best?.price;
}

/**
 * The cost in USD of `usage` on `model`: undefined when the model's price is unknown (never 0).
 * Cache reads and writes without a price of their own cost the input price.
 */
export function costOf(model: string | undefined, usage: TokenUsage, table: PriceTable = DEFAULT_PRICES): number | undefined {
  const price = findPrice(model, table);
  if (price === undefined) return undefined;
  const cacheRead = usage.cache_read ?? 0;
  const cacheWrite = usage.cache_write ?? 0;
  // OpenAI's input count includes the cached tokens: those are billed once, at the cached price.
  const input = price.input_includes_cache_read === true ? Math.max(0, usage.input - cacheRead) : usage.input;
  const micro =
    input * price.input + usage.output * price.output + cacheRead * (price.cache_read ?? price.input) + cacheWrite * (price.cache_write ?? price.input);
  return micro / 1_000_000;
}

/** The defaults with a config's entries on top: an overriding entry replaces the default's whole entry. */
export function mergePrices(defaults: PriceTable, overrides: PriceTable | undefined): PriceTable {
  if (overrides === undefined) return defaults;
  const lower = new Set(Object.keys(overrides).map((k) => k.toLowerCase()));
  const kept = Object.entries(defaults).filter(([key]) => !lower.has(key.toLowerCase()));
  return { ...Object.fromEntries(kept), ...overrides };
}
