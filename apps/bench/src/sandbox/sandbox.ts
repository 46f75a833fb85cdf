// The `sandbox` section: what the OS sandbox around each agent CLI costs a launch. The same pinned
// CLI against the same fake, started bare and in the sandbox, interleaved in one run: from the
// spawn to its first turn's end (median of each side, and their difference), the sandbox's own
// start (bwrap running `true` against `true` alone), and the memory of the bubblewrap process that
// stays as each CLI's parent (its proportional and private share: what it adds to the machine).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { acpAgents, driverFor } from "@subagent-mcp/drivers";
import { privateView, Sandbox } from "@subagent-mcp/sandbox";
import { loopbackEnv, pinnedCliOptions, startFakeFor, type CliName } from "@subagent-mcp/testkit";
import type { AgentEvent } from "@subagent-mcp/core";
import { printTable, summarize, type Summary } from "../stats.js";
import type { BenchContext } from "../context.js";

interface SandboxRow {
  provider: CliName;
  bare: Summary;
  sandboxed: Summary;
  /** sandboxed.median - bare.median, ms. */
  costMs: number;
  /** The bubblewrap parent's proportional set size and private memory, kB (median). */
  bwrapPssKb: number;
  bwrapPrivateKb: number;
}

// Spawn to the first turn's end, and the session's pid while it runs (bwrap's when sandboxed).
async function firstTurn(driver: ReturnType<typeof driverFor>, cwd: string, measure?: (pid: number) => void): Promise<number> {
  const t0 = performance.now();
  let session: ReturnType<typeof driver.start> | undefined;
  const done = new Promise<void>((resolve, reject) => {
    session = driver.start({ cwd }, (event: AgentEvent) => {
      if (event.type === "turn_end") resolve();
      if (event.type === "exit") reject(new Error(`exited (${String(event.code ?? event.signal)})`));
    });
    session.send("hello");
  });
  await done;
  const ms = performance.now() - t0;
  if (session?.pid !== undefined) measure?.(session.pid);
  await session?.close();
  return ms;
}

function rollup(pid: number): { pss: number; priv: number } {
  const text = readFileSync(`/proc/${String(pid)}/smaps_rollup`, "utf8");
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1] ?? 0);
  return { pss: kb("Pss"), priv: kb("Private_Clean") + kb("Private_Dirty") };
}

const median = (xs: number[]): number => summarize(xs).median;

async function measure(provider: CliName, runs: number): Promise<SandboxRow> {
  const fake = await startFakeFor(provider);
  const env = await loopbackEnv(provider, fake);
  try {
    const options = pinnedCliOptions(env);
    const sandbox = new Sandbox("auto", () => privateView({ home: env.env.HOME ?? "", env: env.env }), env.env);
    const bare = driverFor(provider, options, acpAgents());
    const boxed = driverFor(provider, { ...options, sandbox }, acpAgents());
    const times = { bare: [] as number[], sandboxed: [] as number[] };
    const memory = { pss: [] as number[], priv: [] as number[] };
    // One of each first, unmeasured: the CLI's files in the page cache for both sides alike.
    await firstTurn(bare, env.cwd);
    await firstTurn(boxed, env.cwd);
    for (let i = 0; i < runs; i++) {
      times.bare.push(await firstTurn(bare, env.cwd));
      times.sandboxed.push(
        await firstTurn(boxed, env.cwd, (pid) => {
          const m = rollup(pid);
          memory.pss.push(m.pss);
          memory.priv.push(m.priv);
        }),
      );
    }
    const row = { bare: summarize(times.bare), sandboxed: summarize(times.sandboxed) };
    return {
      provider,
      ...row,
      costMs: Math.round((row.sandboxed.median - row.bare.median) * 10) / 10,
      bwrapPssKb: median(memory.pss),
      bwrapPrivateKb: median(memory.priv),
    };
  } finally {
    await fake.stop();
    await env.cleanup();
  }
}

// bubblewrap's own start: `bwrap ... true` against `true`, interleaved, ms.
function ownStart(runs: number): { bare: Summary; sandboxed: Summary } {
  const sandbox = new Sandbox("auto", () => ({ hidden: [], shown: [], replaced: [] }));
  const run = sandbox.wrap({ executable: "true", args: [], cwd: process.cwd(), env: {} });
  const bare: number[] = [];
  const boxed: number[] = [];
  for (let i = 0; i < Math.max(20, runs * 4); i++) {
    let t0 = performance.now();
    execFileSync("true");
    bare.push(performance.now() - t0);
    t0 = performance.now();
    execFileSync(run.executable, run.args);
    boxed.push(performance.now() - t0);
  }
  return { bare: summarize(bare), sandboxed: summarize(boxed) };
}

/** Runs the section: prints its tables and saves results/sandbox.json. */
export async function benchSandbox(ctx: BenchContext): Promise<void> {
  const own = ownStart(ctx.runs);
  const rows: SandboxRow[] = [];
  for (const provider of ctx.providers) rows.push(await measure(provider, ctx.runs));
  printTable(
    "sandbox: bubblewrap's own start (ms, median / p95)",
    ["", "median", "p95"],
    [
      ["true", own.bare.median, own.bare.p95],
      ["bwrap ... true", own.sandboxed.median, own.sandboxed.p95],
    ],
  );
  printTable(
    "sandbox: spawn -> first turn's end per launch (ms, median), and the bubblewrap parent's memory (kB, median)",
    ["provider", "bare", "sandboxed", "cost", "bwrap PSS", "bwrap private"],
    rows.map((r) => [r.provider, r.bare.median, r.sandboxed.median, r.costMs, r.bwrapPssKb, r.bwrapPrivateKb]),
  );
  ctx.save("sandbox", { own, rows });
}
