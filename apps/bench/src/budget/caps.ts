// The `caps` section: what checking spend_caps costs as the week's spend ledger grows. A cap check
// (what every launch and every finished turn does) sums the per-day tallies the ledger keeps as it
// reads lines in, so it should not grow with the ledger; only the first read of the file does.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capReached, capStandings, SpendLedger, type SpendEntry } from "@subagent-mcp/usage";
import { printTable, summarize, type Summary } from "../stats.js";
import type { BenchContext } from "../context.js";

const DAY = 24 * 3600_000;
// Two caps, as a user would set them: one on a provider, one on a model of another.
const CAPS = { claude: { day_usd: 1e9, week_turns: 1e9 }, "codex/gpt-5.5": { day_turns: 1e9, week_usd: 1e9 } };
const PROVIDERS = [
  ["claude", "sonnet"],
  ["claude", "opus"],
  ["codex", "gpt-5.5"],
  ["gemini", "gemini-3-pro"],
] as const;

/** One ledger size's timings, ms. */
export interface CapsRow {
  entries: number;
  /** One check of both caps, the ledger already read (what a launch pays). */
  check: Summary;
  /** Appending one turn (one write), then the check that reads it in. */
  appendAndCheck: Summary;
  /** A fresh reader's first look: the whole file read, parsed and tallied. */
  firstRead: Summary;
  /** The same caps summed from the entries themselves (a scan of the week, as before the tallies). */
  scan: Summary;
}

function timed(f: () => void): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

// The week's turns, spread evenly up to `now`.
function ledgerOf(dir: string, n: number, now: number): string {
  const path = join(dir, `spend-${n}.jsonl`);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const [provider, model] = PROVIDERS[i % PROVIDERS.length] as (typeof PROVIDERS)[number];
    const entry: SpendEntry = {
      at: new Date(now - 7 * DAY + ((i + 1) * 7 * DAY) / n).toISOString(),
      provider,
      model,
      cost_usd: 0.01 + (i % 7) / 100,
      agent: `a${i % 50}`,
    };
    lines.push(JSON.stringify(entry));
  }
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  return path;
}

function check(ledger: SpendLedger, now: number): void {
  capReached(capStandings(CAPS, ledger.tallies(now), now), { provider: "codex", model: "gpt-5.5" });
}

/** Each size: `checks` cap checks, `appends` appends, `reads` first reads and scans. */
export function capsBench(sizes: number[], checks = 2000, appends = 500, reads = 5): CapsRow[] {
  const dir = mkdtempSync(join(tmpdir(), "bench-caps-"));
  try {
    return sizes.map((n) => {
      const now = Date.now();
      const path = ledgerOf(dir, n, now);
      const firstRead = Array.from({ length: reads }, () => timed(() => new SpendLedger(path).tallies(now)));
      const entries = new SpendLedger(path).entries(now);
      const scan = Array.from({ length: reads }, () => timed(() => capStandings(CAPS, entries, now)));
      const ledger = new SpendLedger(path);
      ledger.tallies(now);
      const check1 = Array.from({ length: checks }, () =>
        timed(() => {
          check(ledger, now);
        }),
      );
      const turn: SpendEntry = { at: new Date(now).toISOString(), provider: "claude", model: "sonnet", cost_usd: 0.02, agent: "bench" };
      const appendAndCheck = Array.from({ length: appends }, () =>
        timed(() => {
          ledger.append(turn);
          check(ledger, now);
        }),
      );
      return { entries: n, check: summarize(check1), appendAndCheck: summarize(appendAndCheck), firstRead: summarize(firstRead), scan: summarize(scan) };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The caps benchmark: runs it, prints its table and a line, saves results/caps.json. */
export function benchCaps({ save }: BenchContext): Promise<void> {
  const rows = capsBench([1_000, 10_000, 100_000]);
  printTable(
    "spend_caps: one check of two caps against the week's spend ledger (ms)",
    ["entries", "check median", "check p99", "append + check median", "first read median", "scan of the entries median"],
    rows.map((r) => [r.entries, r.check.median, r.check.p99, r.appendAndCheck.median, r.firstRead.median, r.scan.median]),
  );
  const last = rows.at(-1);
  if (last !== undefined)
    process.stdout.write(
      `caps: a check at ${last.entries} entries takes ${last.check.median} ms median (p99 ${last.check.p99}); the first read of the file ${last.firstRead.median} ms\n`,
    );
  save("caps", { results: rows });
  return Promise.resolve();
}
