import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createWorktree, releaseWorktree } from "@subagent-mcp/worktrees";
import { execa } from "execa";

/** A committed repository made for the benchmark. */
export interface BenchRepo {
  root: string;
  files: number;
  /** Writing the files, `git add -A` and the one commit. */
  buildMs: number;
}

/** Per-run milliseconds of making and giving up one worktree. */
export interface CreateRelease {
  create: number[];
  release: number[];
}

const git = (cwd: string, args: string[]) => execa("git", args, { cwd, stdin: "ignore" });

/** A repository of `dirs` x `perDir` small files at `root`, committed once on `main`. */
export async function buildRepo(root: string, dirs: number, perDir: number): Promise<BenchRepo> {
  const t0 = performance.now();
  await mkdir(root, { recursive: true });
  await Promise.all(
    Array.from({ length: dirs }, async (_, d) => {
      const dir = join(root, `pkg${String(d).padStart(2, "0")}`);
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < perDir; f += 1) await writeFile(join(dir, `file${String(f).padStart(3, "0")}.ts`), `export const v${d}_${f} = ${d * perDir + f};\n`);
    }),
  );
  await git(root, ["init", "-q", "-b", "main"]);
  await git(root, ["add", "-A"]);
  await git(root, ["-c", "user.name=bench", "-c", "user.email=bench@127.0.0.1", "commit", "-q", "-m", "bench repository"]);
  return { root, files: dirs * perDir, buildMs: performance.now() - t0 };
}

// git alone, as the package calls it: a branch and a checkout at HEAD, then remove, prune and delete the branch.
async function rawGitOnce(root: string, stateDir: string, i: number, out: CreateRelease): Promise<void> {
  const path = join(stateDir, "raw-git", `raw-${i}`);
  const branch = `bench-raw/${i}`;
  const t0 = performance.now();
  await git(root, ["worktree", "add", "-q", "-b", branch, path, "HEAD"]);
  out.create.push(performance.now() - t0);
  const t1 = performance.now();
  await git(root, ["worktree", "remove", path]);
  await git(root, ["worktree", "prune"]);
  await git(root, ["branch", "-q", "-D", branch]);
  out.release.push(performance.now() - t1);
}

// The package's own calls on the same repository: createWorktree, then releaseWorktree of the clean worktree.
async function packageOnce(root: string, stateDir: string, i: number, out: CreateRelease): Promise<void> {
  const t0 = performance.now();
  const record = await createWorktree({ cwd: root, name: `pkg-${i}`, stateDir, kind: "agent", owner: { pid: process.pid } });
  out.create.push(performance.now() - t0);
  const t1 = performance.now();
  const { removed } = await releaseWorktree(record);
  out.release.push(performance.now() - t1);
  if (!removed) throw new Error(`package level: the clean worktree ${record.path} was kept`);
}

/** git alone and @subagent-mcp/worktrees on the same repository, `runs` of each, alternating so both see the same load. */
export async function gitAndPackage(root: string, stateDir: string, runs: number): Promise<{ git: CreateRelease; pkg: CreateRelease }> {
  const raw: CreateRelease = { create: [], release: [] };
  const pkg: CreateRelease = { create: [], release: [] };
  for (let i = 0; i < runs; i += 1) {
    await rawGitOnce(root, stateDir, i, raw);
    await packageOnce(root, stateDir, i, pkg);
  }
  return { git: raw, pkg };
}
