// Pool replicas that may nest, through the built server: a definition's replicas in a HOME where
// `setup --host` was done (each CLI's config then holds our entry) against the same replicas in a
// plain HOME. What ours hold (the server, its helpers and any server of ours a CLI started) and how
// many processes of ours run, once every replica has answered a task.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";
import { mcpRig, ourDist } from "../mcp-rig.js";
import { sampleTree, type TreeSample } from "@subagent-mcp/testkit";
import { summarize, type Summary } from "../stats.js";

/** Ours (the server, its helpers, any server of ours a CLI started) and the CLIs' after the tasks; invoke -> answer of each replica's first task (its CLI's start included). */
export type PoolNestingRun = Pick<TreeSample, "ourProcesses" | "oursRssMb" | "clisRssMb"> & { firstTask: Summary };

export interface PoolNestingResult {
  provider: Provider;
  replicas: number;
  plain: PoolNestingRun;
  /** `setup --host <provider>` was done in the HOME: the replicas' CLIs have our entry. */
  setup: PoolNestingRun;
  /** Ours with setup over ours plain, per replica (MB). */
  oursPerReplicaMb: number;
}

const definition = (provider: Provider, replicas: number): string =>
  `---\nname: nest-bench\ndescription: Answers.\nprovider: ${provider}\nreplicas: ${String(replicas)}\n---\nYou answer.\n`;

async function run(provider: Provider, replicas: number, setup: boolean): Promise<PoolNestingRun> {
  const r = await mcpRig({}, setup ? [provider] : []);
  try {
    const dir = join(r.env.cwd, ".subagent-mcp", "agents");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "nest-bench.md"), definition(provider, replicas));
    // One task per replica at once: each replica starts its CLI (and, where it has our entry, whatever that starts).
    const times = await Promise.all(
      Array.from({ length: replicas }, async (_, i) => {
        const start = performance.now();
        const out = await r.call<{ status: string }>("invoke", { agent: "nest-bench", task: `task ${String(i)}`, timeout_s: 300 });
        if (out.status !== "done") throw new Error(`invoke ${String(i)}: ${JSON.stringify(out)}`);
        return performance.now() - start;
      }),
    );
    const tree = sampleTree(r.pid, ourDist);
    return { ourProcesses: tree.ourProcesses, oursRssMb: tree.oursRssMb, clisRssMb: tree.clisRssMb, firstTask: summarize(times) };
  } finally {
    await r.close();
  }
}

/** `replicas` replicas of one definition on `provider`, plain and with setup, alternated `runs` times; the run with the median ours is kept for each. */
export async function poolNestingBench(provider: Provider, replicas: number, runs: number): Promise<PoolNestingResult> {
  const plain: PoolNestingRun[] = [];
  const setup: PoolNestingRun[] = [];
  for (let i = 0; i < runs; i++) {
    plain.push(await run(provider, replicas, false));
    setup.push(await run(provider, replicas, true));
  }
  const median = (xs: PoolNestingRun[]): PoolNestingRun => [...xs].sort((a, b) => a.oursRssMb - b.oursRssMb)[Math.floor(xs.length / 2)] as PoolNestingRun;
  const [p, s] = [median(plain), median(setup)];
  return { provider, replicas, plain: p, setup: s, oursPerReplicaMb: Math.round(((s.oursRssMb - p.oursRssMb) / replicas) * 10) / 10 };
}
