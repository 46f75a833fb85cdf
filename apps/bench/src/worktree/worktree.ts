import type { KillAgentResult as Killed, LaunchAgentResult as Launched, WaitResult as WaitOut } from "@subagent-mcp/contract";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { mcpRig, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import { buildRepo, gitAndPackage } from "./worktree-git.js";

/** One measure without and with `isolation: "worktree"`, and what isolation adds at the median. */
export interface Paired {
  none: Summary;
  worktree: Summary;
  addedMedian: number;
}

/** Everything the worktree benchmark measures (milliseconds). */
export interface WorktreeResults {
  repo: { files: number; buildMs: number };
  /** `launch_agent` call -> its answer. */
  launch: Paired;
  /** `launch_agent` call -> the agent's first request reaches the model (the prepare step runs before the CLI). */
  toModel: Paired;
  /** `launch_agent` call -> `wait` returns its finished first turn. */
  firstTurnEnd: Paired;
  /** `kill_agent` of the idle agent -> its answer (with isolation: its clean worktree removed with its branch). */
  kill: Paired;
  /** Isolated agents whose clean worktree kill_agent reported removed (and whose directory is gone). */
  worktreesRemoved: number;
  /** @subagent-mcp/worktrees on the same repository: createWorktree / releaseWorktree. */
  packageCreate: Summary;
  packageRelease: Summary;
  /** git alone: worktree add -b / worktree remove + prune + branch -D. */
  gitCreate: Summary;
  gitRelease: Summary;
  /** The machine's 1-minute load average when the run started and ended (git's checkout is mostly kernel time). */
  loadAverage: { start: number; end: number };
}

interface Sample {
  launch: number;
  toModel: number;
  turnEnd: number;
  kill: number;
  removed: boolean;
}

// One agent on the repo, launch -> first turn end -> kill, every step timed from the host's side.
async function once(r: McpRig, repo: string, isolated: boolean, tag: string): Promise<Sample> {
  const marker = `${tag}-${Math.random().toString(36).slice(2, 8)}`;
  const t0 = performance.now();
  const launched = await r.call<Launched>("launch_agent", {
    provider: "claude",
    prompt: marker,
    cwd: repo,
    ...(isolated ? { isolation: "worktree", label: tag } : {}),
  });
  const launch = performance.now() - t0;
  if (isolated && launched.worktree === undefined) throw new Error(`${tag}: launch_agent made no worktree`);
  const done = await r.call<WaitOut>("wait", { agent_ids: [launched.agent_id], timeout_s: 120 });
  const turnEnd = performance.now() - t0;
  const turn = done.finished.find((f) => f.agent_id === launched.agent_id);
  if (turn === undefined || turn.is_error) throw new Error(`${tag}: first turn did not finish: ${JSON.stringify(done)}`);
  const first = r.fakes.claude.requests.find((q) => q.lastUserText.includes(marker));
  if (first?.receivedAt === undefined) throw new Error(`${tag}: the model never saw ${marker}`);
  const t1 = performance.now();
  const killed = await r.call<Killed>("kill_agent", { agent_id: launched.agent_id });
  const kill = performance.now() - t1;
  const path = killed.worktree?.path;
  const removed = killed.worktree?.state === "removed" && path !== undefined && !existsSync(path);
  return { launch, toModel: first.receivedAt - t0, turnEnd, kill, removed };
}

function paired(none: number[], worktree: number[]): Paired {
  const a = summarize(none);
  const b = summarize(worktree);
  return { none: a, worktree: b, addedMedian: Math.round((b.median - a.median) * 100) / 100 };
}

/**
 * launch_agent with and without `isolation: "worktree"` on a repository of `dirs` x `perDir` files,
 * `runs` of each alternating (after one unmeasured pair), against Claude Code and its fake model;
 * then the package's createWorktree / releaseWorktree and git alone on the same repository.
 */
export async function worktreeBench(runs: number, dirs = 50, perDir = 100): Promise<WorktreeResults> {
  const load1 = loadavg()[0] ?? 0;
  const r = await mcpRig();
  try {
    const repo = await buildRepo(join(r.env.cwd, "repo"), dirs, perDir);
    const none: Sample[] = [];
    const isolated: Sample[] = [];
    await once(r, repo.root, false, "warm-none");
    await once(r, repo.root, true, "warm-worktree");
    for (let i = 0; i < runs; i += 1) {
      none.push(await once(r, repo.root, false, `none-${i}`));
      isolated.push(await once(r, repo.root, true, `isolated-${i}`));
    }
    const stateDir = join(r.env.home, "bench-state");
    const { git, pkg } = await gitAndPackage(repo.root, stateDir, runs);
    const pick = (xs: Sample[], key: Exclude<keyof Sample, "removed">): number[] => xs.map((s) => s[key]);
    return {
      repo: { files: repo.files, buildMs: Math.round(repo.buildMs) },
      launch: paired(pick(none, "launch"), pick(isolated, "launch")),
      toModel: paired(pick(none, "toModel"), pick(isolated, "toModel")),
      firstTurnEnd: paired(pick(none, "turnEnd"), pick(isolated, "turnEnd")),
      kill: paired(pick(none, "kill"), pick(isolated, "kill")),
      worktreesRemoved: isolated.filter((s) => s.removed).length,
      packageCreate: summarize(pkg.create),
      packageRelease: summarize(pkg.release),
      gitCreate: summarize(git.create),
      gitRelease: summarize(git.release),
      loadAverage: { start: load1, end: loadavg()[0] ?? 0 },
    };
  } finally {
    await r.close();
  }
}
