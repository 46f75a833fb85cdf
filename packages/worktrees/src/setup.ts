// A project's setup command (install dependencies, generate files) run once in a fresh worktree.
import { execa } from "execa";
import { WorktreeError } from "./errors.js";
import { cleanEnv } from "./git.js";
import type { WorktreeRecord } from "./record.js";

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_TAIL = 4000;

/**
 * Runs `command` through the shell at the worktree root with SUBAGENT_MCP_WORKTREE and SUBAGENT_MCP_REPO set;
 * a non-zero exit or a timeout is SETUP_FAILED with the command, its exit and the tail of its output.
 */
export async function runSetup(record: WorktreeRecord, command: string, opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const result = await execa(command, {
    shell: true,
    cwd: record.path,
    env: cleanEnv({ ...opts.env, SUBAGENT_MCP_WORKTREE: record.path, SUBAGENT_MCP_REPO: record.repo }),
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
