// Family rules ("claude-sonnet-*"): how they match and in which order they are tried.
import type { PriceTable } from "./schema.js";

// A family rule's pattern: `*` stands for any run of characters, the rest is literal.
export function ruleMatches(rule: string, model: string): boolean {
  const pattern = rule
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(model);
}

function literalLength(rule: string): number {
  return rule.replaceAll("*", "").length;
}

/** The table with its family rules most specific first (most literal characters), other entries as they were. */
export function orderRules(table: PriceTable): PriceTable {
  const entries = Object.entries(table);
  const rules = entries.filter(([key]) => key.includes("*")).sort(([a], [b]) => literalLength(b) - literalLength(a));
  return Object.fromEntries([...entries.filter(([key]) => !key.includes("*")), ...rules]);
}
