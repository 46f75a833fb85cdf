import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  benchColdWarm,
  benchMcp,
  benchPermissions,
  benchPool,
  benchPoolNesting,
  benchFleet,
  benchServe,
  benchStartup,
  benchTasks,
  benchTracing,
  benchWorker,
} from "./sections-agents.js";
import { benchBudget, benchDashboard, benchDecide, benchHooks, benchJournal, benchJournalBig, benchMailbox, benchWorktree } from "./sections-without-agents.js";
import { benchCaps } from "./budget/caps.js";
import { benchOwnership } from "./mailbox/ownership.js";
import { benchSandbox } from "./sandbox/sandbox.js";
import { benchReceiptGit } from "./worktree/receipt-git.js";
import { benchReceiptReader } from "./receipts/reader.js";
import { benchRouting } from "./routing/routing.js";
import { benchScale } from "./scale/scale-report.js";
import { benchScaleFleet, benchScalePast } from "./sections-fleet-scale.js";
import { DEFAULT_AGENT_NICE, type BuiltinProvider as Provider } from "@subagent-mcp/contract";

// Benchmarks print tables on stdout and write JSON under apps/bench/results/.
// SUBAGENT_MCP_BENCH_RUNS scales the run count (default 5); SUBAGENT_MCP_BENCH_ONLY picks one
// benchmark (cold-warm, startup, serve, tracing, mcp, tasks, decide, permissions, pool, pool-nesting, hooks, worker, fleet, worktree, journal, journal-big, budget, caps, ownership, sandbox, mailbox, dashboard, routing, receipt-git, receipt-reader, scale, scale-fleet or scale-past; scale-past reads SUBAGENT_MCP_BENCH_PAST_AGENTS, scale-fleet SUBAGENT_MCP_BENCH_FLEET_NODES/_AGENTS/_INTERVAL_MS/_SECONDS); SUBAGENT_MCP_BENCH_POOL_TASKS sets the pooled task count (100);
// SUBAGENT_MCP_BENCH_BIN names the built subagent-mcp to measure (default apps/cli/dist/main.js); SUBAGENT_MCP_AGENT_NICE is handed
// to every server the bench starts (the testkit's own default is 0) and is the bare CLIs' niceness (default 19, as shipped).
process.env.SUBAGENT_MCP_AGENT_NICE ??= String(DEFAULT_AGENT_NICE);
const runs = Number(process.env.SUBAGENT_MCP_BENCH_RUNS ?? 5);
const only = process.env.SUBAGENT_MCP_BENCH_ONLY;
const resultsDir = join(import.meta.dirname, "..", "results");
mkdirSync(resultsDir, { recursive: true });
const save = (name: string, data: unknown): void => {
  writeFileSync(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, runs, ...(data as object) }, null, 2)}\n`,
  );
};

const ctx = { runs, providers: ["claude", "codex", "gemini"] as Provider[], acpAgents: ["qwen" as const, "opencode" as const], save };
// In the order they run; SUBAGENT_MCP_BENCH_ONLY picks those that name it.
const sections = [
  { names: ["cold-warm"], run: benchColdWarm },
  { names: ["startup"], run: benchStartup },
  { names: ["serve"], run: benchServe },
  { names: ["tracing"], run: benchTracing },
  { names: ["mcp"], run: benchMcp },
  { names: ["tasks"], run: benchTasks },
  { names: ["permissions", "decide"], run: benchDecide },
  { names: ["permissions"], run: benchPermissions },
  { names: ["pool"], run: benchPool },
  { names: ["pool", "pool-nesting"], run: benchPoolNesting },
  { names: ["hooks"], run: benchHooks },
  { names: ["worker"], run: benchWorker },
  { names: ["fleet"], run: benchFleet },
  { names: ["worktree"], run: benchWorktree },
  { names: ["journal"], run: benchJournal },
  { names: ["journal-big"], run: benchJournalBig },
  { names: ["budget"], run: benchBudget },
  { names: ["caps"], run: benchCaps },
  { names: ["ownership"], run: benchOwnership },
  { names: ["sandbox"], run: benchSandbox },
  { names: ["mailbox"], run: benchMailbox },
  { names: ["dashboard"], run: benchDashboard },
  { names: ["routing"], run: benchRouting },
  { names: ["receipt-git"], run: benchReceiptGit },
  { names: ["receipt-reader"], run: benchReceiptReader },
  { names: ["scale"], run: benchScale },
  { names: ["scale-fleet"], run: benchScaleFleet },
  { names: ["scale-past"], run: benchScalePast },
];
for (const section of sections) if (only === undefined || section.names.includes(only)) await section.run(ctx);
