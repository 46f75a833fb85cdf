// The check of an escalating launch (e.g. `pnpm test`), run after the agent's first turn in its
// cwd or worktree: a shell command with bounded time and output, killed as a whole group.
import { setTimeout as delay } from "node:timers/promises";
import { execa } from "execa";
import { TailBuffer, type CheckOutcome } from "@subagent-mcp/core";
import type { Sandbox } from "@subagent-mcp/sandbox";
import { withoutSecrets } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";

/** How long a check may run (default 10 min; config `escalate_check_timeout_s`). */
export const DEFAULT_CHECK_TIMEOUT_MS = 10 * 60_000;
// How long the output of a check whose shell has exited is still read.
const DRAIN_MS = 2_000;
/** Characters of its output kept: the end, where a test runner says what failed. */
export const CHECK_OUTPUT_CHARS = 16_000;

/**
 * Runs `command` through the shell in `cwd`, stdin closed, stdout and stderr interleaved into a
 * bounded tail, with a CLI's environment (no secrets) and in the agents' sandbox, in a pid
 * namespace of its own there: what it leaves running (a `setsid` daemon too) ends with its shell.
 * Never throws: a command that cannot start, times out or is stopped is a failed check (exit code
 * null) with a line saying why.
 */
export async function runCheckCommand(check: {
  command: string;
  cwd: string;
  agentId: string;
  signal: AbortSignal;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  sandbox?: Sandbox | undefined;
}): Promise<CheckOutcome> {
  const started = performance.now();
  const tail = new TailBuffer(CHECK_OUTPUT_CHARS);
  const timeoutMs = check.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  // SUBAGENT_MCP_AGENT_ID tells a check command which agent's turn it checks; what lets a launch run is not in its environment (as in a CLI's).
  const env = withoutSecrets({ ...check.env, SUBAGENT_MCP_AGENT_ID: check.agentId });
  const shell = { executable: "/bin/sh", args: ["-c", check.command], cwd: check.cwd, env, ownPids: true };
  let run: { executable: string; args: string[]; env: Record<string, string> };
  try {
    run = check.sandbox?.wrap(shell) ?? shell;
  } catch (error) {
    return {
      command: check.command,
      ok: false,
      exitCode: null,
      output: `[the check could not run: ${errorMessage(error)}]`,
      durationMs: 0,
    };
  }
  // Its own process group: a test runner's workers end with it.
  const child = execa(run.executable, run.args, {
    cwd: check.cwd,
    env: run.env,
    extendEnv: false,
    stdin: "ignore",
    all: true,
    buffer: false,
    reject: false,
    detached: true,
    timeout: timeoutMs,
    cancelSignal: check.signal,
    forceKillAfterDelay: 2_000,
  });
  child.all.setEncoding("utf8");
  child.all.on("data", (text: string) => {
    tail.push(text);
  });
  const killGroup = (): void => {
    if (child.pid !== undefined)
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
  };
  check.signal.addEventListener("abort", killGroup, { once: true });
  // The check ends with its shell: execa's promise also waits for stdout and stderr to close, which
  // a process left in the background (a watcher, `sleep 600 &`) would hold open for as long as it runs.
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  await Promise.race([exited, child]);
  check.signal.removeEventListener("abort", killGroup);
  // What the shell left running ends with the check: with its group gone the pipes close once what
  // it wrote is read (a test runner's summary comes last). A process that left the group (setsid)
  // could still hold them, so reading stops after a short drain.
  killGroup();
  const drain = new AbortController();
  const drained = await Promise.race([child.then(() => true), delay(DRAIN_MS, false, { signal: drain.signal }).catch(() => false)]);
  drain.abort();
  if (!drained) for (const stream of [child.all, child.stdout, child.stderr]) stream.destroy();
  const result = await child;
  const durationMs = Math.round(performance.now() - started);
  const output = tail.read();
  if (result.exitCode === 0 && !result.failed) return { command: check.command, ok: true, exitCode: 0, output, durationMs };
  const why = result.timedOut
    ? `[the check was stopped after ${timeoutMs} ms]`
    : result.isCanceled
      ? "[the check was stopped: the agent was interrupted or killed]"
      : result.exitCode === undefined
        ? `[the check could not run: ${result.signal ?? result.shortMessage}]`
        : undefined;
  return {
    command: check.command,
    ok: false,
    exitCode: result.exitCode ?? null,
    output: why === undefined ? output : `${output}${output.endsWith("\n") || output === "" ? "" : "\n"}${why}`,
    durationMs,
  };
}
