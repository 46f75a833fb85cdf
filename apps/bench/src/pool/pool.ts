import { Pool, Supervisor, type ResetStrategy } from "@subagent-mcp/core";
import { treeRssMb } from "@subagent-mcp/drivers";
import { rig, startSession, type Rig } from "../sessions.js";
import { summarize, type Summary } from "../stats.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

/** One way of running N sequential tasks, measured. */
export interface PoolLine {
  /** invoke -> result, per task. */
  perTask: Summary;
  /** invoke -> the task's request reaches the model. */
  toModel: Summary;
  /** Process-tree RSS (MB) of the agent's processes, sampled after every task. */
  rssFirst: number;
  rssLast: number;
  rssMax: number;
  /** (last - first) / first, in percent. */
  rssGrowthPct: number;
}

export interface PoolResult {
  provider: Provider;
  tasks: number;
  reset: PoolLine;
  respawn: PoolLine;
  naive: PoolLine;
  /** Naive median per task over pooled (reset) median per task. */
  speedupPerTask: number;
  /** Naive median time-to-model over pooled (reset) median. */
  speedupToModel: number;
}

function line(perTask: number[], toModel: number[], rss: number[]): PoolLine {
  const first = rss[0] ?? 0;
  const last = rss.at(-1) ?? 0;
  return {
    perTask: summarize(perTask),
    toModel: summarize(toModel),
    rssFirst: first,
    rssLast: last,
    rssMax: Math.max(...rss),
    rssGrowthPct: first === 0 ? 0 : Math.round(((last - first) / first) * 1000) / 10,
  };
}

function reachedModel(r: Rig, marker: string, t0: number): number {
  const request = r.fake.requests.find((q) => q.lastUserText.includes(marker) && q.reply !== "json");
  return (request?.receivedAt ?? Number.NaN) - t0;
}

// N tasks through a pooled agent; the replica's context is reset between tasks by `strategy`.
async function pooled(r: Rig, strategy: ResetStrategy, tasks: number): Promise<PoolLine> {
  const supervisor = new Supervisor({ drivers: { [r.provider]: r.driver } });
  const pool = new Pool(supervisor, { memoryMb: treeRssMb });
  pool.define({
    name: "bench",
    launch: { provider: r.provider, cwd: r.env.cwd },
    replicas: 1,
    maxTurnsPerProcess: Number(process.env.SUBAGENT_MCP_BENCH_MAX_TURNS ?? 20),
    resetStrategy: strategy,
  });
  pool.warmup("bench");
  const perTask: number[] = [];
  const toModel: number[] = [];
  const rss: number[] = [];
  try {
    await pool.invoke("bench", "warm up", 120_000);
    for (let i = 0; i < tasks; i += 1) {
      const marker = `pooled-${strategy}-${i}`;
      const t0 = performance.now();
      const out = await pool.invoke("bench", `${marker} [[history]]`, 120_000);
      perTask.push(performance.now() - t0);
      if (out.status !== "done" || out.isError) throw new Error(`${r.provider} pooled task failed: ${JSON.stringify(out)}`);
      // Isolation check: the model saw no earlier task.
      if (out.result.includes(`pooled-${strategy}-${i - 1} `)) throw new Error(`${r.provider}: task ${i} saw task ${i - 1}`);
      toModel.push(reachedModel(r, marker, t0));
      const pids = pool
        .list("bench")
        .map((v) => v.pid)
        .filter((p) => p !== undefined);
      rss.push(pids.reduce((n, p) => n + (treeRssMb(p) ?? 0), 0));
    }
  } finally {
    pool.close();
    await supervisor.shutdown();
  }
  return line(perTask, toModel, rss);
}

// The naive approach: a new CLI process for every task.
async function naive(r: Rig, tasks: number): Promise<PoolLine> {
  const perTask: number[] = [];
  const toModel: number[] = [];
  const rss: number[] = [];
  for (let i = 0; i < tasks; i += 1) {
    const marker = `naive-${i}`;
    const s = startSession(r);
    const t0 = performance.now();
    perTask.push(await s.turn(marker));
    toModel.push(reachedModel(r, marker, t0));
    rss.push(s.session.pid === undefined ? 0 : (treeRssMb(s.session.pid) ?? 0));
    await s.session.kill();
  }
  return line(perTask, toModel, rss);
}

/** 100 (or `tasks`) sequential tasks on one pooled agent, both reset strategies, vs a process per task. */
export async function poolBench(provider: Provider, tasks: number, naiveTasks: number): Promise<PoolResult> {
  const r = await rig(provider);
  try {
    const reset = await pooled(r, "reset", tasks);
    const respawn = await pooled(r, "respawn", Math.min(tasks, naiveTasks));
    const n = await naive(r, naiveTasks);
    return {
      provider,
      tasks,
      reset,
      respawn,
      naive: n,
      speedupPerTask: Math.round((n.perTask.median / reset.perTask.median) * 10) / 10,
      speedupToModel: Math.round((n.toModel.median / reset.toModel.median) * 10) / 10,
    };
  } finally {
    await r.close();
  }
}
