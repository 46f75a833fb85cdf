import { DEFAULT_PRICES } from "./default-prices.js";
import { orderRules, ruleMatches } from "./rules.js";
import { recordedUsage, type Usage } from "@subagent-mcp/contract";
import type { Price, PriceTable, TokenUsage } from "./schema.js";

// Why: a launch ranks each candidate of its route by its model's price, and a model that only a
// family rule matches cost a regular expression per rule tried, on every launch. Each table answers
// each model once (tables are not changed once made: mergePrices makes a new one).
const LOOKED_UP_MODELS = 256;
const lookedUp = new WeakMap<PriceTable, Map<string, Price | undefined>>();

/**
 * A model's price: by exact id, then by alias, then by the first family rule that matches, in
 * table order ({@link DEFAULT_PRICES} and {@link mergePrices} list the most specific first, e.g.
 * "gemini-2.5-flash*" before "gemini-*-flash*"); undefined when none applies. Ids compare
 * case-insensitively.
 */
export function findPrice(model: string | undefined, table: PriceTable = DEFAULT_PRICES): Price | undefined {
  if (model === undefined || model === "") return undefined;
  const id = model.toLowerCase();
  let known = lookedUp.get(table);
  if (known === undefined) lookedUp.set(table, (known = new Map<string, Price | undefined>()));
  if (known.has(id)) return known.get(id);
  const price = lookUp(id, table);
  if (known.size >= LOOKED_UP_MODELS) known.clear();
  known.set(id, price);
  return price;
}

function lookUp(id: string, table: PriceTable): Price | undefined {
  const entries = Object.entries(table).map(([key, price]) => [key.toLowerCase(), price] as const);
  const exact = entries.find(([key]) => !key.includes("*") && key === id);
  if (exact !== undefined) return exact[1];
  const aliased = entries.find(([, price]) => price.aliases?.some((a) => a.toLowerCase() === id) === true);
  if (aliased !== undefined) return aliased[1];
  return entries.find(([key]) => key.includes("*") && ruleMatches(key, id))?.[1];
}

/**
 * The cost in USD of `usage` on `model`: undefined when the model's price is unknown (never 0).
 * Cache reads and writes without a price of their own cost the input price.
 */
export function costOf(model: string | undefined, usage: TokenUsage, table: PriceTable = DEFAULT_PRICES): number | undefined {
  const price = findPrice(model, table);
  return price === undefined ? undefined : priced(price, usage);
}

// Tokens × a price (USD per million tokens).
function priced(price: Price, usage: TokenUsage): number {
  const cacheRead = usage.cache_read ?? 0;
  const cacheWrite = usage.cache_write ?? 0;
  // OpenAI's input count includes the cached tokens: those are billed once, at the cached price.
  const input = price.input_includes_cache_read === true ? Math.max(0, usage.input - cacheRead) : usage.input;
  const micro =
    input * price.input + usage.output * price.output + cacheRead * (price.cache_read ?? price.input) + cacheWrite * (price.cache_write ?? price.input);
  return micro / 1_000_000;
}

/**
 * The defaults with a config's entries on top. An override applies to every id it names or its
 * rule matches: default entries (and aliases) it covers are dropped and its rules are tried
 * before the defaults', so that "gemini-3*" wins over the defaults' "gemini-3-pro-preview" and
 * "gemini-*-pro*".
 */
export function mergePrices(defaults: PriceTable, overrides: PriceTable | undefined): PriceTable {
  if (overrides === undefined) return defaults;
  const keys = Object.keys(overrides).map((k) => k.toLowerCase());
  const covered = (id: string): boolean => keys.some((key) => key === id.toLowerCase() || (key.includes("*") && ruleMatches(key, id.toLowerCase())));
  const kept: PriceTable = {};
  for (const [key, price] of Object.entries(defaults)) {
    if (covered(key)) continue;
    const aliases = price.aliases?.filter((a) => !covered(a));
    kept[key] = aliases === undefined ? price : { ...price, aliases };
  }
  // The overrides' rules come before every default rule: the first match wins.
  return { ...orderRules(overrides), ...kept };
}

/** A recorded turn's cost: the CLI's own figure when it reported one, else its tokens × its model's price (undefined: unknown). */
export function recordedCost(turn: { model?: string | undefined; usage: TokenUsage; cost_usd?: number | undefined }, table: PriceTable): number | undefined {
  return turn.cost_usd ?? costOf(turn.model, turn.usage, table);
}

/**
 * What a turn costs when its CLI reports no cost (Codex, Gemini CLI): its tokens at the built-in
 * prices with `prices` (a config's) over them. The supervisor's and the worker's `costOf`.
 */
export function turnCost(prices?: PriceTable): (provider: string, model: string | undefined, usage: Usage) => number | undefined {
  const table = mergePrices(DEFAULT_PRICES, prices);
  // A budgeted agent's running turn is priced on every streamed event: findPrice looks each model up once.
  return (_provider, model, usage) => {
    const price = findPrice(model, table);
    return price === undefined ? undefined : priced(price, recordedUsage(usage));
  };
}
