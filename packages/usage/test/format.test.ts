import { describe, expect, it } from "vitest";
import { costText, renderUsage, type UsageRow, type UsageSummary } from "../src/index.js";

const row = (key: string, extra: Partial<UsageRow> = {}): UsageRow => ({
  key,
  turns: 1,
  input: 1234,
  output: 5,
  cache_read: 0,
  cache_write: 0,
  cost_known: true,
  unknown_cost_turns: 0,
  cost_usd: 0.5,
  ...extra,
});

describe("renderUsage", () => {
  it("prints an aligned table, the total last; a partly unknown cost says so", () => {
    const summary: UsageSummary = {
      rows: [row("codex"), row("gemini", { cost_known: false, unknown_cost_turns: 2, cost_usd: undefined, turns: 2 })],
      total: row("total", { turns: 3, input: 3702, output: 15, cost_known: false, unknown_cost_turns: 2 }),
      skipped_lines: 0,
    };
    expect(renderUsage(summary, "provider")).toMatchInlineSnapshot(`
      "provider  turns  input  output  cache read  cache write  cost
      codex         1  1,234       5           0            0  $0.5000
      gemini        2  1,234       5           0            0  unknown (2 turns)
      total         3  3,702      15           0            0  $0.5000 + unknown (2 turns)
      Unknown: turns whose model has no price (add it under \`prices\` in the config) and whose CLI reported no cost."
    `);
    expect(renderUsage({ rows: [], total: row("total"), skipped_lines: 0 }, "day")).toBe("No finished turns.");
    expect(costText(row("x", { cost_usd: 0 }))).toBe("$0.0000");
  });
});
