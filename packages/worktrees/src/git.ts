// Every git call of the package: a clean environment, no prompts, no program the repository's
// config names, and retries while another git holds a lock.
import { setTimeout as sleep } from "node:timers/promises";
import { execa } from "execa";
import { WorktreeError } from "./errors.js";
import { gitConfigEnv, NO_REPOSITORY_PROGRAMS, withoutRepoGitEnv } from "@subagent-mcp/contract";

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
    const config = [...NO_REPOSITORY_PROGRAMS, ...(await repositoryFilters(dir, args))];
    const result = await execa("git", ["-C", dir, ...args], { env: gitEnv(config), extendEnv: false, reject: false, stdin: "ignore" });
    if (result.exitCode === undefined) {
      throw new WorktreeError("GIT_FAILED", `could not run git ${args.join(" ")}: ${result.message}`);
    }
    const done: GitResult = { ok: result.exitCode === 0, stdout: result.stdout, stderr: result.stderr };
    if (done.ok || !isLockContention(done.stderr) || Date.now() - started > RETRY_BUDGET_MS) return done;
    await sleep(delay + Math.floor(Math.random() * delay));
  }
}

const gitEnv = (config: readonly (readonly [string, string])[]) => cleanEnv({ LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", ...gitConfigEnv(config) });

/** Subcommands that never read or write a working tree file's content (so run no filter). */
const CONTENT_BLIND = new Set(["rev-parse", "rev-list", "branch", "update-ref", "config", "cat-file", "for-each-ref", "merge-base"]);

/**
 * The filter drivers the repository's own config (its local and worktree files, and what they
 * include) defines, each made to run nothing. git has no switch to turn filters off, and git 2.39
 * cannot be told to ignore `.gitattributes` (`--attr-source` came in 2.40); a driver with empty
 * `clean`, `smudge` and `process` is skipped and, not `required`, fails nothing. Read just before
 * each command that touches file contents, so a filter the agent added since is caught. Drivers of
 * the user's own (global) config run as in the user's own checkouts (git-lfs's smudge fills a new
 * worktree). A submodule's own config is not read here (receipts, which run at every turn's end,
 * use a git directory of their own instead and read no repository config at all).
 */
async function repositoryFilters(dir: string, args: string[]): Promise<[string, string][]> {
  const command = args.find((arg, i) => !arg.startsWith("-") && args[i - 1] !== "-c");
  if (command !== undefined && CONTENT_BLIND.has(command)) return [];
  const listed = await execa("git", ["-C", dir, "config", "-z", "--show-scope", "--name-only", "--get-regexp", "^filter\\."], {
    env: gitEnv(NO_REPOSITORY_PROGRAMS),
    extendEnv: false,
    reject: false,
    stdin: "ignore",
  });
  const parts = listed.stdout.split("\0");
  const names = new Set<string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [scope, key = ""] = [parts[i], parts[i + 1]];
    if (scope === "local" || scope === "worktree") names.add(key.slice("filter.".length, key.lastIndexOf(".")));
  }
  return [...names].flatMap((name): [string, string][] => [
    [`filter.${name}.clean`, ""],
    [`filter.${name}.smudge`, ""],
    [`filter.${name}.process`, ""],
    [`filter.${name}.required`, "false"],
  ]);
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
