import type { GroupBy, UsageRow } from "./schema.js";
import type { UsageSummary } from "./summarize.js";

const tokens = (n: number): string => n.toLocaleString("en-US");

/** A row's cost as text: "$1.2345", "$0.50 + unknown (2 turns)" when partly unknown, "unknown" when wholly. */
export function costText(row: UsageRow): string {
  if (row.cost_known) return `$${(row.cost_usd ?? 0).toFixed(4)}`;
  const unknown = `unknown (${row.unknown_cost_turns} turn${row.unknown_cost_turns === 1 ? "" : "s"})`;
  return row.cost_usd === undefined ? unknown : `$${row.cost_usd.toFixed(4)} + ${unknown}`;
}

/** A usage summary as an aligned plain-text table, its total last; by board, each board's tasks indented under it. */
export function renderUsage(summary: UsageSummary, groupBy: GroupBy | "board"): string {
  if (summary.rows.length === 0) return groupBy === "board" ? "No finished turns on a board." : "No finished turns.";
  if (groupBy === "category") return renderCategories(summary);
  const name = (r: UsageRow): string =>
    groupBy === "agent" && r.key !== "total"
      ? `${r.key}${r.label === undefined ? "" : ` "${r.label}"`} (${r.provider ?? "?"}${r.model === undefined ? "" : ` ${r.model}`})`
      : "task" in r
        ? `  ${r.key}`
        : r.key;
  const head = [groupBy === "board" ? "board/task" : groupBy, "turns", "input", "output", "cache read", "cache write", "cost"];
  const lines = [...summary.rows, summary.total].map((r) => [
    name(r),
    String(r.turns),
    tokens(r.input),
    tokens(r.output),
    tokens(r.cache_read),
    tokens(r.cache_write),
    costText(r),
  ]);
  const out = table(head, lines, [0, head.length - 1]);
  if (!summary.total.cost_known) out.push(UNKNOWN_NOTE);
  return out.join("\n");
}

const UNKNOWN_NOTE = "Unknown: turns whose model has no price (add it under `prices` in the config) and whose CLI reported no cost.";

/** Per category and candidate: how often its turns succeeded, and what a typical one cost and took. */
function renderCategories(summary: UsageSummary): string {
  const head = ["category", "candidate", "turns", "success", "median cost", "median time", "cost"];
  const lines = summary.rows.map((r) => [
    r.category ?? "",
    `${r.provider ?? "?"}${r.model === undefined ? "" : ` ${r.model}`}`,
    String(r.turns),
    r.success_rate === undefined ? "-" : `${Math.round(r.success_rate * 100)}%`,
    r.median_cost_usd === undefined ? "unknown" : `$${r.median_cost_usd.toFixed(4)}`,
    r.median_duration_ms === undefined ? "-" : `${(r.median_duration_ms / 1000).toFixed(1)} s`,
    costText(r),
  ]);
  const t = summary.total;
  lines.push(["total", "", String(t.turns), "", "", "", costText(t)]);
  const out = table(head, lines, [0, 1, head.length - 1]);
  if (!t.cost_known) out.push(UNKNOWN_NOTE);
  return out.join("\n");
}

// Aligned columns: those in `left` padded on the right, numbers on the left.
function table(head: string[], lines: string[][], left: number[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => (left.includes(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [fmt(head), ...lines.map(fmt)];
}
