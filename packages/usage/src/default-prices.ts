// The built-in price table: list prices per million tokens, standard tier, prompts under the
// long-context threshold (Anthropic and Google charge more above 200K input tokens; batch and
// priority tiers differ too). Config files override entries (see mergePrices).
import { orderRules } from "./rules.js";
import { PriceTableSchema, type Price, type PriceTable } from "./schema.js";

const ANTHROPIC = "Anthropic API pricing (claude.com/pricing, docs.claude.com models overview); cache_write is the 5-minute write";
const OPENAI = "OpenAI API pricing (openai.com/api/pricing), standard tier; cache_read is the cached-input price";
const GOOGLE = "Gemini API pricing (ai.google.dev/gemini-api/docs/pricing), paid tier, prompts up to 200K tokens";
const AS_OF = "2025-12";

const anthropic = (input: number, output: number, extra: Partial<Price> = {}): Price => ({
  input,
  output,
  cache_read: input / 10,
  cache_write: input * 1.25,
  source: ANTHROPIC,
  as_of: AS_OF,
  ...extra,
});
const openai = (input: number, output: number, cacheRead: number, extra: Partial<Price> = {}): Price => ({
  input,
  output,
  cache_read: cacheRead,
  input_includes_cache_read: true,
  source: OPENAI,
  as_of: AS_OF,
  ...extra,
});
const google = (input: number, output: number, cacheRead: number, extra: Partial<Price> = {}): Price => ({
  input,
  output,
  cache_read: cacheRead,
  source: GOOGLE,
  as_of: AS_OF,
  ...extra,
});
// A model we know no public price for, priced as the nearest real one, and saying so.
const like = (price: Price, nearest: string, why: string): Price => ({
  ...price,
  aliases: undefined,
  source: `no public price known for this id; priced as ${nearest} (${why}): ${price.source ?? ""}`,
});

const opus45 = anthropic(5, 25);
const opus4 = anthropic(15, 75);
const sonnet4 = anthropic(3, 15);
const haiku45 = anthropic(1, 5);
const gpt52 = openai(1.75, 14, 0.175);
const gpt51 = openai(1.25, 10, 0.125);
const gpt5mini = openai(0.25, 2, 0.025);
const gem3pro = google(2, 12, 0.2);
const gem3flash = google(0.5, 3, 0.05);
const gem25lite = google(0.1, 0.4, 0.01);

const table: PriceTable = {
  // Claude: exact ids, Claude Code's aliases (they name the current model of each family), families.
  "claude-opus-4-5": { ...opus45, aliases: ["opus", "claude-opus-4-5-20251101"] },
  "claude-opus-4-1": { ...opus4, aliases: ["claude-opus-4-1-20250805"] },
  "claude-opus-4-0": { ...opus4, aliases: ["claude-opus-4-20250514"] },
  "claude-sonnet-4-5": { ...sonnet4, aliases: ["sonnet", "claude-sonnet-4-5-20250929"] },
  "claude-sonnet-4-0": { ...sonnet4, aliases: ["claude-sonnet-4-20250514"] },
  "claude-3-7-sonnet-latest": { ...sonnet4, aliases: ["claude-3-7-sonnet-20250219"] },
  "claude-haiku-4-5": { ...haiku45, aliases: ["haiku", "claude-haiku-4-5-20251001"] },
  "claude-3-5-haiku-latest": { ...anthropic(0.8, 4), aliases: ["claude-3-5-haiku-20241022"] },
  "claude-opus-4-1*": opus4,
  "claude-opus-4-2025*": opus4,
  "claude-opus-4-5*": opus45,
  "claude-opus-*": like(opus45, "claude-opus-4-5", "the newest Opus with a known price"),
  "claude-sonnet-*": sonnet4,
  "claude-haiku-*": haiku45,
  // OpenAI (Codex).
  "gpt-5.2": gpt52,
  "gpt-5.2-pro": openai(21, 168, 21),
  "gpt-5.1": gpt51,
  "gpt-5.1-codex": gpt51,
  "gpt-5.1-codex-max": gpt51,
  "gpt-5.1-codex-mini": gpt5mini,
  "gpt-5": gpt51,
  "gpt-5-codex": gpt51,
  "gpt-5-pro": openai(15, 120, 15),
  "gpt-5-mini": gpt5mini,
  "gpt-5-nano": openai(0.05, 0.4, 0.005),
  "gpt-4.1": openai(2, 8, 0.5),
  "gpt-4.1-mini": openai(0.4, 1.6, 0.1),
  "gpt-4o": openai(2.5, 10, 1.25),
  o3: openai(2, 8, 0.5),
  "o4-mini": openai(1.1, 4.4, 0.275),
  "gpt-5.2*": gpt52,
  "gpt-5.1*": gpt51,
  "gpt-5-mini*": gpt5mini,
  "gpt-5-nano*": openai(0.05, 0.4, 0.005),
  "gpt-5*": gpt51,
  "gpt-5.*": like(gpt52, "gpt-5.2", "the newest GPT-5.x with a known price"),
  // The models bundled with the pinned Codex (see packages/routing/src/table.ts).
  "gpt-6-astra": like(gpt52, "gpt-5.2", "Codex's frontier model"),
  "gpt-6.1-sol": like(gpt52, "gpt-5.2", "Codex's workhorse model"),
  "gpt-6.1-terra": like(gpt51, "gpt-5.1-codex", "Codex's coding model"),
  "gpt-6-luna": like(gpt5mini, "gpt-5-mini", "Codex's fast and affordable model"),
  // Google (Gemini CLI).
  "gemini-3-pro-preview": gem3pro,
  "gemini-3-flash-preview": gem3flash,
  "gemini-2.5-pro": google(1.25, 10, 0.125),
  "gemini-2.5-flash": google(0.3, 2.5, 0.03),
  "gemini-2.5-flash-lite": gem25lite,
  "gemini-2.0-flash": google(0.1, 0.4, 0.025),
  "gemini-2.0-flash-lite": google(0.075, 0.3, 0.075),
  "gemini-3.1-pro-preview": like(gem3pro, "gemini-3-pro-preview", "the Gemini Pro with a known price"),
  "gemini-3.8-flash": like(gem3flash, "gemini-3-flash-preview", "the Gemini Flash with a known price"),
  "gemini-3.5-flash-lite": like(gem25lite, "gemini-2.5-flash-lite", "the Gemini Flash-Lite with a known price"),
  "gemini-2.5-pro*": google(1.25, 10, 0.125),
  "gemini-2.5-flash-lite*": gem25lite,
  "gemini-2.5-flash*": google(0.3, 2.5, 0.03),
  "gemini-*-pro*": like(gem3pro, "gemini-3-pro-preview", "the newest Gemini Pro with a known price"),
  "gemini-*-flash-lite*": like(gem25lite, "gemini-2.5-flash-lite", "the newest Gemini Flash-Lite with a known price"),
  "gemini-*-flash*": like(gem3flash, "gemini-3-flash-preview", "the newest Gemini Flash with a known price"),
};

/** The built-in prices (USD per million tokens), each entry with its `source` and `as_of`. */
export const DEFAULT_PRICES: PriceTable = orderRules(PriceTableSchema.parse(table));
