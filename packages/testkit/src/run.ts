import { CodedError } from "@subagent-mcp/errors";
import { execa } from "execa";
import type { CliEnvironment, CliName } from "./env/loopback.js";
import { locateCli } from "./locate.js";

/** The outcome of one CLI run. */
interface CliRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** A CLI run that failed: the message names the CLI, the step and the last lines of its stderr. */
export class CliRunError extends CodedError<"CLI_RUN_FAILED"> {
  override readonly name = "CliRunError";
  constructor(
    readonly cli: CliName,
    readonly step: string,
    readonly run: CliRun,
    reason: string,
  ) {
    super(
      "CLI_RUN_FAILED",
      `${cli} failed at step "${step}": ${reason}\n--- last stderr lines ---\n${lastLines(run.stderr)}\n--- last stdout lines ---\n${lastLines(run.stdout)}`,
    );
  }
}

/** The last `count` lines of a stream's text, for failure messages. */
export function lastLines(text: string, count = 20): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

/**
 * Runs a pinned CLI once in a loopback environment (stdin closed) and resolves when it exits.
 * Rejects with a {@link CliRunError} on a non-zero exit or on timeout, killing the process.
 */
export async function runCli(environment: CliEnvironment, args: readonly string[], options: { step: string; timeoutMs?: number }): Promise<CliRun> {
  const { command, args: prefix } = locateCli(environment.cli);
  const result = await execa(command, [...prefix, ...args], {
    cwd: environment.cwd,
    env: environment.env,
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    timeout: options.timeoutMs ?? 60_000,
    forceKillAfterDelay: 2_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const run: CliRun = { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
  if (result.timedOut) throw new CliRunError(environment.cli, options.step, run, `timed out after ${options.timeoutMs ?? 60_000} ms`);
  if (result.exitCode !== 0) throw new CliRunError(environment.cli, options.step, run, `exit code ${String(result.exitCode ?? result.signal)}`);
  return run;
}
