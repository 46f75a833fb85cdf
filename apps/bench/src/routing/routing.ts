// What a routing decision costs per launch once expected costs are learned: the candidates of a
// category (selectCandidates), each one's typical turn from the category index, priced, and ranked.
// The index is read from its file (or rebuilt once by scanning the journals), never scanned per launch.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CATEGORY_INDEX_FILE, CategoryIndex, type JournalEntry } from "@subagent-mcp/journal";
import { DEFAULT_TABLE, DEFAULT_TYPICAL_TURN, rankCandidates, selectCandidates, type Branch, type Candidate, type TaskCategory } from "@subagent-mcp/routing";
import { writeBigJournal } from "@subagent-mcp/testkit";
import { costOf, DEFAULT_PRICES } from "@subagent-mcp/usage";
import type { BenchContext } from "../context.js";
import { printTable, summarize, type Summary } from "../stats.js";
import { definedFields } from "@subagent-mcp/contract";

/** What the routing benchmark measured. */
export interface RoutingResult {
  /** Past turns in the journals, over this many agents launched with a category (and this many without one). */
  pastTurns: number;
  /** Of those, the turns the index keeps: each ring keeps its newest 256. */
  keptTurns: number;
  agents: number;
  uncategorizedAgents: number;
  /** Rings in the index: category × candidate. */
  rings: number;
  indexBytes: number;
  /** CategoryIndex.open with its file there, ms. */
  openMs: Summary;
  /** CategoryIndex.open with no file: the journals scanned and the file written, ms. */
  rebuildMs: Summary;
  /** One decision (route, typical × candidates, prices, rank), µs: answers cached in the index. */
  decisionUs: Summary;
  /** The same right after a turn of the category was recorded (its cached medians dropped), µs. */
  decisionAfterRecordUs: Summary;
  /** The 1-minute load average before and after: other work on the machine shows in the tails. */
  loadAverage: { start: number; end: number };
  /** What one decision looked like (the first category, cost_efficiency). */
  example: { category: string; ranked: { candidate: string; usd?: number; tokens?: string; rule: string }[] };
}

// fallback_default routes only with an explicit provider: the other categories are what a launch names.
const CATEGORIES = (Object.keys(DEFAULT_TABLE) as TaskCategory[]).filter((c) => c !== "fallback_default");
const PAST_TURNS = 10_000;
const TURNS_PER_AGENT = 20;

// A deterministic pseudo-random stream, so that every run learns the same history.
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

// The candidates the table names for a category, on either branch: those routing will ask about.
const candidatesOf = (category: TaskCategory): Candidate[] => [...DEFAULT_TABLE[category].cost_efficiency, ...DEFAULT_TABLE[category].performance];

/** Past agents with PAST_TURNS turns across categories and candidates, as the journal writer lays them out; some without a category. */
function writeHistory(agentsDir: string): { agents: number; uncategorized: number } {
  const random = rng(42);
  const server = { id: "bench", pid: 2 ** 22 + 4_321, started_at: "2026-01-01T00:00:00.000Z" };
  const agents = PAST_TURNS / TURNS_PER_AGENT;
  for (let a = 0; a < agents; a++) {
    const category = CATEGORIES[a % CATEGORIES.length] ?? "coding";
    const options = candidatesOf(category);
    const candidate = options[Math.floor(random() * options.length)] ?? { provider: "claude" };
    const id = `past-${a}`;
    const at = (n: number): string => new Date(Date.UTC(2026, 0, 1) + a * 3_600_000 + n * 1000).toISOString();
    const entries: JournalEntry[] = [
      {
        t: "launch",
        at: at(0),
        agent_id: id,
        server,
        project: "/bench",
        cwd: "/bench",
        provider: candidate.provider,
        category,
        ...definedFields({ model: candidate.model }),
      },
    ];
    // Each category has its own size of turn; each model reads about as much, and writes more or less.
    const base = 8_000 + CATEGORIES.indexOf(category) * 3_000;
    for (let turn = 1; turn <= TURNS_PER_AGENT; turn++) {
      const input = Math.round(base * (0.5 + random()));
      entries.push(
        { t: "prompt", at: at(turn), turn, text: `step ${turn}` },
        { t: "tool", at: at(turn), turn, name: "Bash", summary: "Bash: npm test" },
        {
          t: "turn",
          at: at(turn),
          turn,
          result: "done",
          is_error: random() < 0.05,
          interrupted: false,
          usage: { input, output: Math.round(input / (5 + random() * 10)), cache_read: Math.round(input * 3 * random()), cache_write: 0 },
          ...(candidate.provider === "claude" ? { cost_usd: input / 200_000 } : {}),
          duration_ms: Math.round(2_000 + random() * 30_000),
        },
        { t: "status", at: at(turn), status: "idle", alive: true },
      );
    }
    mkdirSync(join(agentsDir, id), { recursive: true, mode: 0o700 });
    writeFileSync(join(agentsDir, id, "journal.jsonl"), `${entries.map((e) => JSON.stringify(e)).join("\n")}\n`, { mode: 0o600 });
  }
  // Agents launched without a category: a rebuild reads only their first line.
  const uncategorized = 50;
  for (let u = 0; u < uncategorized; u++) writeBigJournal(agentsDir, `plain-${u}`, "/bench", 2 ** 22 + 4_321, 64 * 1024);
  return { agents, uncategorized };
}

const ms = (t0: number): number => performance.now() - t0;

/** One routing decision: the route, each candidate's expected cost from the index, and the ranking. */
function decide(index: CategoryIndex, category: TaskCategory, branch: Branch): ReturnType<typeof rankCandidates> {
  const route = selectCandidates({ category, branch, table: DEFAULT_TABLE });
  return rankCandidates(
    route,
    {},
    {
      expectedCost: (candidate) => {
        const typical = index.typical(category, candidate);
        const tokens = typical ?? DEFAULT_TYPICAL_TURN;
        const usd = costOf(candidate.model, { input: tokens.input, output: tokens.output, cache_read: tokens.cacheRead }, DEFAULT_PRICES);
        return usd === undefined ? undefined : { usd, tokens: typical?.source ?? "default" };
      },
      headroom: () => undefined,
      now: Date.now(),
    },
  );
}

/** Builds the history, times opening the index both ways, then `decisions` routing decisions. */
export function routingBench(decisions: number, opens: number): RoutingResult {
  const loadStart = loadavg()[0] ?? 0;
  const root = mkdtempSync(join(tmpdir(), "bench-routing-"));
  try {
    const agentsDir = join(root, "agents");
    const { agents, uncategorized } = writeHistory(agentsDir);
    const file = join(agentsDir, CATEGORY_INDEX_FILE);
    const rebuild: number[] = [];
    for (let i = 0; i < opens; i++) {
      rmSync(file, { force: true });
      const t0 = performance.now();
      CategoryIndex.open(agentsDir);
      rebuild.push(ms(t0));
    }
    const open: number[] = [];
    let index = CategoryIndex.open(agentsDir);
    for (let i = 0; i < opens * 4; i++) {
      const t0 = performance.now();
      index = CategoryIndex.open(agentsDir);
      open.push(ms(t0));
    }
    const counts = index.counts();
    const keptTurns = Object.values(counts).reduce((n, byKey) => n + Object.values(byKey).reduce((m, c) => m + c, 0), 0);

    // Warm-up, then each decision timed alone; categories and branches in turn.
    const branchOf = (i: number): Branch => (i % 4 === 3 ? "performance" : "cost_efficiency");
    const categoryOf = (i: number): TaskCategory => CATEGORIES[i % CATEGORIES.length] ?? "coding";
    for (let i = 0; i < 1_000; i++) decide(index, categoryOf(i), branchOf(i));
    const warm: number[] = [];
    for (let i = 0; i < decisions; i++) {
      const t0 = performance.now();
      decide(index, categoryOf(i), branchOf(i));
      warm.push(ms(t0) * 1000);
    }
    // A turn of the category recorded first (untimed): every typical() below takes its medians afresh.
    const afterRecord: number[] = [];
    const random = rng(7);
    for (let i = 0; i < decisions; i++) {
      const category = categoryOf(i);
      const c = candidatesOf(category)[i % 6] ?? { provider: "claude" };
      const input = Math.round(10_000 * (0.5 + random()));
      index.record({
        category,
        provider: c.provider,
        ...definedFields({ model: c.model }),
        usage: { input, output: input / 10, cache_read: 0 },
        durationMs: 5_000,
        ok: true,
      });
      const t0 = performance.now();
      decide(index, category, branchOf(i));
      afterRecord.push(ms(t0) * 1000);
    }
    // Leave the bench's temporary dir alone afterwards: no write pending.
    index.flush();

    const first = CATEGORIES[0] ?? "coding";
    const example = decide(index, first, "cost_efficiency");
    return {
      pastTurns: PAST_TURNS,
      keptTurns,
      agents,
      uncategorizedAgents: uncategorized,
      rings: Object.values(counts).reduce((n, byKey) => n + Object.keys(byKey).length, 0),
      indexBytes: statSync(file).size,
      openMs: summarize(open),
      rebuildMs: summarize(rebuild),
      decisionUs: summarize(warm),
      decisionAfterRecordUs: summarize(afterRecord),
      loadAverage: { start: loadStart, end: loadavg()[0] ?? 0 },
      example: {
        category: first,
        ranked: example.ranked.map((r) => ({
          candidate: `${r.candidate.provider}${r.candidate.model === undefined ? "" : ` ${r.candidate.model}`}${r.candidate.effort === undefined ? "" : ` (${r.candidate.effort})`}`,
          ...definedFields({ usd: r.expected_cost_usd, tokens: r.tokens }),
          rule: r.rule,
        })),
      },
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The routing benchmark: runs it, prints its tables, saves its results. */
export function benchRouting({ save }: BenchContext): Promise<void> {
  const r = routingBench(10_000, 5);
  printTable(
    `Routing decision per launch with ${r.pastTurns} past turns (${r.agents} agents with a category, ${r.uncategorizedAgents} without; ${r.keptTurns} turns kept in ${r.rings} rings): selectCandidates + typical() and price per candidate + rankCandidates (µs, ${r.decisionUs.n} decisions; load average ${r.loadAverage.start.toFixed(1)} -> ${r.loadAverage.end.toFixed(1)} on ${availableParallelism()} cores)`,
    ["case", "median", "p99", "max", "target"],
    [
      ["index answers cached", r.decisionUs.median, r.decisionUs.p99, r.decisionUs.max, "< 1000"],
      ["right after a turn of the category was recorded", r.decisionAfterRecordUs.median, r.decisionAfterRecordUs.p99, r.decisionAfterRecordUs.max, "< 1000"],
    ],
  );
  printTable(
    `Opening the category index (ms; file ${Math.round(r.indexBytes / 1024)} KB)`,
    ["case", "median", "p95", "min-max", "runs"],
    [
      ["open: read its file", r.openMs.median, r.openMs.p95, `${r.openMs.min}-${r.openMs.max}`, r.openMs.n],
      ["rebuild: no file, journals scanned, file written", r.rebuildMs.median, r.rebuildMs.p95, `${r.rebuildMs.min}-${r.rebuildMs.max}`, r.rebuildMs.n],
    ],
  );
  printTable(
    `One decision: ${r.example.category}, cost_efficiency`,
    ["candidate", "expected $ per turn", "tokens from", "rule"],
    r.example.ranked.map((x) => [x.candidate, x.usd ?? "", x.tokens ?? "", x.rule]),
  );
  save("routing", { results: r });
  return Promise.resolve();
}
