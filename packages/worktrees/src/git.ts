// Every git call of the package: a clean environment, no prompts, and retries while another git holds a lock.
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { WorktreeError } from "./errors.js";
import { withoutRepoGitEnv } from "@subagent-mcp/contract";

const LOCK_MESSAGES = ["index.lock", "Unable to create", ".lock': File exists", "could not lock", "cannot lock ref"];
const RETRY_BUDGET_MS = 10_000;

/** The process environment without repository-selecting git variables (GIT_CONFIG_COUNT's keys included). */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { ...withoutRepoGitEnv(process.env), ...extra };
}

/** One finished git command. */
export interface GitResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

// A concurrent `git worktree add` is half-way through writing its admin files (commondir, gitdir, HEAD).
const HALF_WRITTEN_WORKTREE = /failed to read .*worktrees\/[^/\s]+\/(commondir|gitdir|HEAD)/;

/** Whether git failed only because another git process held a lock or was writing a worktree's metadata. */
export function isLockContention(stderr: string): boolean {
  return LOCK_MESSAGES.some((m) => stderr.includes(m)) || HALF_WRITTEN_WORKTREE.test(stderr);
}

/** Runs `git -C dir ...args`; retries with backoff on lock contention; never throws for git's own failures. */
export async function gitTry(dir: string, args: string[]): Promise<GitResult> {
  const started = Date.now();
  for (let delay = 25; ; delay = Math.min(delay * 2, 800)) {
    const result = await execa("git", ["-C", dir, ...args], {
      env: cleanEnv({ LC_ALL: "C", GIT_TERMINAL_PROMPT: "0" }),
      extendEnv: false,
      reject: false,
      stdin: "ignore",
    });
    if (result.exitCode === undefined) {
      throw new WorktreeError("GIT_FAILED", `could not run git ${args.join(" ")}: ${result.message}`);
    }
    const done: GitResult = { ok: result.exitCode === 0, stdout: result.stdout, stderr: result.stderr };
    if (done.ok || !isLockContention(done.stderr) || Date.now() - started > RETRY_BUDGET_MS) return done;
    await sleep(delay + Math.floor(Math.random() * delay));
  }
}

/** Runs `git -C dir ...args` and returns its stdout; a failure is a GIT_FAILED carrying git's stderr. */
export async function git(dir: string, args: string[]): Promise<string> {
  const result = await gitTry(dir, args);
  if (!result.ok) throw gitFailed(dir, args, result);
  return result.stdout;
}

/** The error for a failed git command: the command, where, and what git said. */
export function gitFailed(dir: string, args: string[], result: GitResult): WorktreeError {
  const said = (result.stderr || result.stdout).trim();
  return new WorktreeError("GIT_FAILED", `git ${args.join(" ")} failed in ${dir}: ${said}`);
}

/** The sha of a ref, or undefined when it does not exist. */
export async function refSha(dir: string, ref: string): Promise<string | undefined> {
  const result = await gitTry(dir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  return result.ok ? result.stdout.trim() : undefined;
}
