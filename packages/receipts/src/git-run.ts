// Every git call of the receipts: a clean environment, a bound on time that kills the whole process
// tree, and a failure turned into a reason (never an exception), so a receipt can say what it
// could not read and still be given.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { errorMessage } from "@subagent-mcp/errors";
import { gitConfigEnv, NO_REPOSITORY_PROGRAMS, withoutRepoGitEnv } from "@subagent-mcp/contract";

/**
 * The environment of our git calls: the process's without repository-selecting variables, with
 * `config` above every config file's (and no fsmonitor or hook, whatever a config file says), plus `extra`.
 */
export function gitEnv(extra: Record<string, string> = {}, config: readonly (readonly [string, string])[] = []): Record<string, string | undefined> {
  const env = withoutRepoGitEnv(process.env);
  // GIT_NO_LAZY_FETCH: a partial clone must not reach its remote to count lines.
  const own = { LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", GIT_NO_LAZY_FETCH: "1" };
  return { ...env, ...own, ...gitConfigEnv([...config, ...NO_REPOSITORY_PROGRAMS]), ...extra };
}

/**
 * The outcome of a run of git commands: their stdout (and the `alongside` step's apart), or why it
 * could not be had (`timedOut` when the bound passed, not git that failed).
 */
export type GitOutcome = { stdout: string; alongside?: string } | { undetermined: string; timedOut?: true };

export interface GitRun {
  /** Where the commands run. */
  cwd: string;
  /** Each command's arguments after `git`; run in order, stopping at the first failure. */
  steps: string[][];
  /** Exit code 1 of a step whose first argument after the `-c` options is one of these is no failure (`add --ignore-errors`: some paths skipped). */
  lenient?: string[];
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /**
   * Steps run at the same time as the others (two cores read the working tree at once), each reading
   * the one before's stdout (and skipped, answering nothing, when that is empty), the last's kept in
   * the file `into` (ours; its siblings `into.<i>` hold the others') and answered as `alongside`;
   * the run fails if one of them fails.
   */
  alongside?: { steps: string[][]; into: string };
}

const quote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the steps in one spawn where a POSIX shell is there (`git a && git b`: one process start
 * from node instead of one per command; the `alongside` step beside them), else one spawn each;
 * their stdouts are concatenated.
 * Never throws; never outlives `timeoutMs` (the process group is killed).
 */
export async function runGit(run: GitRun): Promise<GitOutcome> {
  if (!existsSync(run.cwd)) return { undetermined: `the worktree is gone (${run.cwd})` };
  if (process.platform !== "win32") {
    // The last git replaces the shell (`exec`): one process fewer to start and wait for.
    const command = (step: string[], i: number): string => {
      const line = ["git", ...step].map(quote).join(" ");
      if (isLenient(run, step)) return `{ ${line} || [ $? -eq 1 ]; }`;
      return i === run.steps.length - 1 ? `exec ${line}` : line;
    };
    const side = run.alongside;
    if (side === undefined) return spawnBounded("sh", ["-c", run.steps.map(command).join(" && ")], run);
    // The side steps start first, in the background; the others run meanwhile (none replaces the
    // shell, which waits for the side steps: their failure is the run's, and the others' stops them).
    const steps = run.steps.map((step) => (isLenient(run, step) ? command(step, -1) : ["git", ...step].map(quote).join(" ")));
    const file = (i: number): string => quote(i === side.steps.length - 1 ? side.into : `${side.into}.${i}`);
    const chain = side.steps.map((step, i) => {
      const line = ["git", ...step].map(quote).join(" ");
      return i === 0 ? `${line} > ${file(i)}` : `if [ -s ${file(i - 1)} ]; then ${line} < ${file(i - 1)} > ${file(i)}; else : > ${file(i)}; fi`;
    });
    const script = [
      `{ ${chain.join(" && ")}; } & side=$!`,
      `{ ${steps.join(" && ")}; } || { status=$?; kill $side 2>/dev/null; exit $status; }`,
      "wait $side",
    ].join("\n");
    const outcome = await spawnBounded("sh", ["-c", script], run);
    if ("undetermined" in outcome) return outcome;
    try {
      return { stdout: outcome.stdout, alongside: await readFile(side.into, "utf8") };
    } catch (error) {
      return { undetermined: `git's output could not be read (${errorMessage(error)})` };
    }
  }
  let stdout = "";
  for (const step of run.steps) {
    const outcome = await spawnBounded("git", step, run, isLenient(run, step) ? 1 : 0);
    if ("undetermined" in outcome) return outcome;
    stdout += outcome.stdout;
  }
  if (run.alongside === undefined) return { stdout };
  let alongside: string | undefined;
  for (const step of run.alongside.steps) {
    if (alongside === "") break;
    const side = await spawnBounded("git", step, run, 0, alongside);
    if ("undetermined" in side) return side;
    alongside = side.stdout;
  }
  return { stdout, alongside: alongside ?? "" };
}

const isLenient = (run: GitRun, step: string[]): boolean => run.lenient?.includes(step.find((arg, i) => arg !== "-c" && step[i - 1] !== "-c") ?? "") ?? false;

// Spawns in a process group of its own so that a timeout kills git's children too (a clean filter,
// a hook); waits at most a second more for the pipes to close, so a stray grandchild cannot hold us.
async function spawnBounded(file: string, args: string[], run: GitRun, okUpTo = 0, input?: string): Promise<GitOutcome> {
  // Loaded on the first receipt: a fresh server's config reads the receipts' schema, not execa (apps/bench, "serve").
  const { execa } = await import("execa");
  let subprocess;
  try {
    subprocess = execa(file, args, {
      cwd: run.cwd,
      env: run.env,
      extendEnv: false,
      reject: false,
      ...(input === undefined ? { stdin: "ignore" as const } : { input }),
      detached: process.platform !== "win32",
      stripFinalNewline: false,
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (error) {
    return { undetermined: `git could not be run (${errorMessage(error)})` };
  }
  const bound = { passed: false };
  const kill = (): void => {
    bound.passed = true;
    try {
      if (subprocess.pid !== undefined && process.platform !== "win32") process.kill(-subprocess.pid, "SIGKILL");
      else subprocess.kill("SIGKILL");
    } catch {
      // Already gone.
    }
  };
  const killer = setTimeout(kill, run.timeoutMs);
  let giveUp: NodeJS.Timeout | undefined;
  const abandoned = new Promise<undefined>((resolve) => {
    giveUp = setTimeout(() => {
      resolve(undefined);
    }, run.timeoutMs + 1000);
  });
  try {
    const result = await Promise.race([subprocess, abandoned]);
    if (bound.passed || result === undefined) return { undetermined: `git took longer than ${run.timeoutMs} ms`, timedOut: true };
    if (result.exitCode !== undefined && result.exitCode <= okUpTo) return { stdout: result.stdout };
    return { undetermined: failure(run, result.stderr, result.exitCode, result.message ?? "") };
  } finally {
    clearTimeout(killer);
    clearTimeout(giveUp);
  }
}

// git's own words: the last line that says what went wrong (an earlier one may be a path `add` skipped).
function failure(run: GitRun, stderr: string, exitCode: number | undefined, message: string): string {
  if (!existsSync(run.cwd)) return `the worktree is gone (${run.cwd})`;
  if (exitCode === 127 || (exitCode === undefined && message.includes("ENOENT"))) return "git is not installed";
  if (exitCode === undefined) return `git could not be run (${message.split("\n")[0] ?? ""})`;
  const lines = stderr.split("\n").map((l) => l.trim());
  const said = lines.findLast((l) => l.startsWith("fatal:") || l.startsWith("error:")) ?? lines.find((l) => l !== "") ?? `exit code ${exitCode}`;
  if (/not a git repository/i.test(said)) return "not a git repository";
  return `git failed: ${said.replace(/^(fatal|error): /, "").slice(0, 300)}`;
}
