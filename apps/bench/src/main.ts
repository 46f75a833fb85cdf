import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Provider } from "@subagent-mcp/core";
import { coldVsWarm, type ColdWarmResult } from "./cold-warm.js";
import { printTable } from "./stats.js";

// Benchmarks print a table on stdout and write JSON under apps/bench/results/.
// SUBAGENT_MCP_BENCH_RUNS scales the run count (default 5 cold sessions, 5 follow-ups each).
const runs = Number(process.env.SUBAGENT_MCP_BENCH_RUNS ?? 5);
const providers: Provider[] = ["claude", "codex", "gemini"];
const resultsDir = join(import.meta.dirname, "..", "results");

const rows: ColdWarmResult[] = [];
for (const provider of providers) rows.push(await coldVsWarm(provider, runs, 5));

printTable(
  `Cold start to first result vs a follow-up in a warm session (ms; ${runs} cold runs, ${runs * 5} warm turns per CLI)`,
  ["cli", "cold median", "cold min-max", "warm median", "warm p95", "warm min-max", "warm is faster by"],
  rows.map((r) => [r.provider, r.cold.median, `${r.cold.min}-${r.cold.max}`, r.warm.median, r.warm.p95, `${r.warm.min}-${r.warm.max}`, `${r.speedup}x`]),
);
mkdirSync(resultsDir, { recursive: true });
writeFileSync(join(resultsDir, "cold-vs-warm.json"), `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, runs, results: rows }, null, 2)}\n`);
