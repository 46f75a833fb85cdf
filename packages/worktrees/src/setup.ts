// A project's setup command (install dependencies, generate files) run once in a fresh worktree.
import { execa } from "execa";
import { withoutSecrets } from "@subagent-mcp/contract";
import { WorktreeError } from "./errors.js";
import { cleanEnv } from "./git.js";
import type { WorktreeRecord } from "./record.js";

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL = 4000;

/** What runs a command somewhere else than here as it is (the agents' OS sandbox): the same command, wrapped. */
export interface CommandWrapper {
  wrap(command: { executable: string; args: readonly string[]; cwd: string; env: Record<string, string>; ownPids?: boolean }): {
    executable: string;
    args: string[];
    env: Record<string, string>;
  };
}

/**
 * Runs `command` through the shell at the worktree root with SUBAGENT_MCP_WORKTREE and SUBAGENT_MCP_REPO set
 * (in `sandbox`, with a pid namespace of its own there, when given); a non-zero exit or a timeout is
 * SETUP_FAILED with the command, its exit and the tail of its output.
 */
export async function runSetup(
  record: WorktreeRecord,
  command: string,
  opts: { timeoutMs?: number; env?: Record<string, string>; sandbox?: CommandWrapper } = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const shell = {
    executable: "/bin/sh",
    args: ["-c", command],
    cwd: record.path,
    // A CLI's environment: what lets a launch run is not the setup's either.
    env: withoutSecrets(cleanEnv({ ...opts.env, SUBAGENT_MCP_WORKTREE: record.path, SUBAGENT_MCP_REPO: record.repo })),
    ownPids: true,
  };
  const run = opts.sandbox?.wrap(shell) ?? shell;
  const result = await execa(run.executable, run.args, {
    cwd: record.path,
    env: run.env,
    extendEnv: false,
    stdin: "ignore",
    all: true,
    reject: false,
    timeout: timeoutMs,
  });
  if (result.exitCode === 0 && !result.failed) return;
  const how = result.timedOut
    ? `timed out after ${timeoutMs} ms`
    : result.exitCode === undefined
      ? `was killed (${result.signal ?? result.message})`
      : `exited with code ${result.exitCode}`;
  const output = result.all.slice(-OUTPUT_TAIL);
  throw new WorktreeError("SETUP_FAILED", `setup command \`${command}\` in ${record.path} ${how}. Output (last ${OUTPUT_TAIL} chars):\n${output}`);
}
