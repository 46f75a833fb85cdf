// The git half of a turn's receipt on a generated repository (10k tracked files, 1k untracked):
// a turn's end (changesSince: `git diff-files` and beside it `ls-files --others | check-attr`
// against the index the start's snapshot left, one spawn; turnEnd stages and writes the tree) beside
// bare `git status --porcelain` on the same tree in the same turn, turn start and first snapshots.
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { compilePhrases, Receipts, TreeWatch, type Snapshot, type TreeChanges } from "@subagent-mcp/receipts";
import { execa } from "execa";
import { printTable, summarize, type Summary } from "../stats.js";
import type { BenchContext } from "../context.js";

const DIRS = 100;
const PER_DIR = 100;
const UNTRACKED_DIRS = 10;
const git = (cwd: string, args: string[]) => execa("git", args, { cwd, stdin: "ignore" });

async function writeTree(root: string, prefix: string, dirs: number, perDir: number): Promise<void> {
  await Promise.all(
    Array.from({ length: dirs }, async (_, d) => {
      const dir = join(root, `${prefix}${String(d).padStart(2, "0")}`, "src");
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < perDir; f += 1) await writeFile(join(dir, `file${String(f).padStart(3, "0")}.ts`), `export const v${d}_${f} = ${d * perDir + f};\n`);
    }),
  );
}

/** 10k committed files and 1k untracked ones (and an ignored folder), as an agent's checkout might be. */
async function buildRepo(root: string): Promise<void> {
  await writeTree(root, "pkg", DIRS, PER_DIR);
  await writeFile(join(root, ".gitignore"), "node_modules/\n*.log\n");
  await git(root, ["init", "-q", "-b", "main"]);
  await git(root, ["add", "-A"]);
  await git(root, ["-c", "user.name=bench", "-c", "user.email=bench@127.0.0.1", "commit", "-q", "-m", "bench repository"]);
  await writeTree(root, "new", UNTRACKED_DIRS, PER_DIR);
  await writeTree(join(root, "node_modules"), "dep", 5, PER_DIR);
}

// What an agent's turn does between its start and its end: two files edited, one written, one log.
async function agentTurn(root: string, turn: number): Promise<void> {
  const at = (d: number, f: number) => join(root, `pkg${String(d).padStart(2, "0")}`, "src", `file${String(f).padStart(3, "0")}.ts`);
  await appendFile(at(turn % DIRS, 1), `export const t${turn} = ${turn};\n`);
  await appendFile(at((turn * 7) % DIRS, 2), `// turn ${turn}\n`);
  await writeFile(join(root, "new00", "src", `turn${turn}.ts`), `export const made = ${turn};\n`);
  await writeFile(join(root, `turn${turn}.log`), "ignored\n");
}

interface ReceiptGitResults {
  files: { tracked: number; untracked: number };
  firstSnapshot: Summary;
  turnStart: Summary;
  turnEnd: Summary;
  turnEndKeep: Summary;
  turnEndSeparate: Summary;
  gitStatus: Summary;
  endOverStatus: Summary; // changesSince / the same turn's git status
  lastTurn: TreeChanges;
}

const timed = async <T>(work: () => Promise<T>, into: number[]): Promise<T> => {
  const t0 = performance.now();
  const result = await work();
  into.push(performance.now() - t0);
  return result;
};

/** First snapshots (fresh private folders), then `turns` turns: start snapshot, edits, turn end, and `git status` beside it. */
async function receiptGitBench(turns: number, firsts: number): Promise<ReceiptGitResults> {
  const base = await mkdtemp(join(tmpdir(), "bench-receipt-git-"));
  const root = join(base, "repo");
  try {
    await buildRepo(root);
    const first: number[] = [];
    for (let i = 0; i < firsts; i += 1) {
      const w = new TreeWatch({ cwd: root, dir: join(base, `first-${i}`) });
      await timed(() => w.snapshot(), first);
      await w.close();
    }
    const w = new TreeWatch({ cwd: root, dir: join(base, "watch") });
    await w.snapshot();
    const t = { start: [] as number[], end: [] as number[], keep: [] as number[], separate: [] as number[], status: [] as number[], ratio: [] as number[] };
    // Each turn ends one of three ways in turn, so that each sees the same edits and load.
    const ends: ((start: Snapshot) => Promise<TreeChanges>)[] = [
      (start: Snapshot) => timed(() => w.changesSince(start, 50), t.end),
      (start: Snapshot) => timed(async () => (await w.turnEnd(start, 50)).changes, t.keep),
      (start: Snapshot) => timed(async () => w.diff(start, await w.snapshot(), 50), t.separate),
    ];
    let lastTurn: TreeChanges = { undetermined: "no turn ran" };
    for (let turn = 0; turn < turns; turn += 1) {
      const start = await timed(() => w.snapshot(), t.start);
      await agentTurn(root, turn);
      // git status before the turn's end on even turns, after it on odd ones.
      if (turn % 2 === 0) await timed(() => git(root, ["status", "--porcelain"]), t.status);
      const end = ends[turn % ends.length];
      if (end !== undefined) lastTurn = await end(start);
      if (turn % 2 === 1) await timed(() => git(root, ["status", "--porcelain"]), t.status);
      const [ended, status] = [t.end.at(-1), t.status.at(-1)];
      if (turn % ends.length === 0 && ended !== undefined && status !== undefined) t.ratio.push(ended / status);
    }
    await w.close();
    return {
      files: { tracked: DIRS * PER_DIR, untracked: UNTRACKED_DIRS * PER_DIR },
      firstSnapshot: summarize(first),
      turnStart: summarize(t.start),
      turnEnd: summarize(t.end),
      turnEndKeep: summarize(t.keep),
      turnEndSeparate: summarize(t.separate),
      gitStatus: summarize(t.status),
      endOverStatus: summarize(t.ratio),
      lastTurn,
    };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** What counting one event costs a receipt (µs): tool calls and results of shell commands, test runs among them, no git. */
async function countingCost(events: number): Promise<{ perEventUs: number; endMs: number }> {
  const witness = new Receipts({ phrases: compilePhrases(), dir: join(tmpdir(), "bench-receipt-count") });
  // An agent on another machine: its files are not read here, so only the counting is timed.
  witness.begin({ id: "count", cwd: tmpdir(), turn: 1, prompt: "fix the tests", machine: "elsewhere" });
  const t0 = performance.now();
  for (let i = 0; i < events / 2; i += 1) {
    const command = i % 10 === 0 ? "cd app && pnpm test" : `grep -rn "needle ${i}" src`;
    witness.see("count", { type: "tool", name: "Bash", input: { command }, id: `t${i}`, kind: "shell", command });
    witness.see("count", { type: "tool_result", name: "Bash", ok: true, id: `t${i}`, exitCode: 0 });
  }
  const perEventUs = ((performance.now() - t0) * 1000) / events;
  const usage = { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 };
  const t1 = performance.now();
  await witness.end("count", { outcome: { result: "Done, all tests pass.", isError: false, interrupted: false, usage, costUsd: undefined, durationMs: 1 } });
  const endMs = performance.now() - t1;
  await witness.close();
  return { perEventUs: Math.round(perEventUs * 100) / 100, endMs: Math.round(endMs * 100) / 100 };
}

/** The receipt-git benchmark: runs it, prints its table, saves its results. */
export async function benchReceiptGit({ runs, save }: BenchContext): Promise<void> {
  const load = loadavg()[0] ?? 0;
  const r = await receiptGitBench(Math.max(45, runs * 9), Math.max(5, runs));
  const counting = await countingCost(20_000);
  const row = (name: string, s: Summary, what: string): string[] => [name, `${s.median}`, `${s.p95}`, `${s.n}`, what];
  const last = r.lastTurn;
  const seen = "undetermined" in last ? `undetermined: ${last.undetermined}` : `${last.total.files} files, +${last.total.added} -${last.total.removed}`;
  printTable(
    `A turn receipt's git work on ${r.files.tracked} tracked + ${r.files.untracked} untracked files (ms; load average ${load.toFixed(1)} -> ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} cores; last turn: ${seen})`,
    ["measure", "median", "p95", "runs", "what"],
    [
      row("turn end: changesSince", r.turnEnd, "diff-files & (ls-files -o | check-attr) vs private index, one spawn"),
      row("baseline: git status --porcelain", r.gitStatus, "the user's index, one spawn"),
      row("changesSince / git status, same turn", r.endOverStatus, "ratio, turn by turn"),
      row("turn end keeping its tree: turnEnd", r.turnEndKeep, "add --all && write-tree && diff-index, one spawn"),
      row("turn end, separately: snapshot + diff", r.turnEndSeparate, "add --all && write-tree, then diff-tree: two spawns"),
      row("turn start: snapshot", r.turnStart, "add --all && write-tree, one spawn"),
      row("first snapshot of a watch", r.firstSnapshot, "rev-parse, index copied, add --all && write-tree"),
    ],
  );
  printTable(
    "A receipt's counting (no git)",
    ["measure", "value", "what"],
    [
      ["per event", `${counting.perEventUs} µs`, "a shell call or its result, 1 in 10 a test run"],
      ["receipt of a 20k-event turn", `${counting.endMs} ms`, "lists capped at 50, claims checked"],
    ],
  );
  save("receipt-git", { results: { ...r, counting } });
}
