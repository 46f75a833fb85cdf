import type { AgentEvent, Driver, Session, SessionSpec } from "@subagent-mcp/core";
import { execa } from "execa";
import { probeCli, type Probe, type ProbeAnswer } from "../compat/handshake.js";
import type { CliDriverOptions } from "./options.js";
import { cliEnv, spawnCli, type CliProcess } from "../process/process.js";
import { resolveExecutable } from "../process/resolve.js";
import type { Provider } from "@subagent-mcp/contract";

/**
 * How long a handshake (doctor, describe, each step of an ACP session's) waits for the CLI's answer. Generous: OpenCode
 * alone needs ~3 s on an idle 2-core machine, several times that on a busy one; only a CLI that
 * hangs takes this long to be reported.
 */
export const HANDSHAKE_TIMEOUT_MS = 60_000;

/** What a driver runs for a session: the executable, all its arguments, and the variables it sets. */
export interface CliCommand {
  executable: string;
  args: string[];
  /** Merged over process.env unless `extendEnv` is false. */
  env: Record<string, string>;
  extendEnv: boolean;
}

/** The installed CLI a driver would run, as `doctor` shows it. */
export interface CliDescription {
  provider: Provider;
  executable: string;
  /** The first line of `--version`, or "?" when it printed none. */
  version: string;
}

/**
 * What every CLI driver shares, so that each one only declares its CLI: `argv` (its arguments for
 * a session), `fixedEnv` (variables it always needs) and `probe` (the cheapest exchange proving the
 * CLI speaks its protocol). Sessions, `worker --print` and `doctor` all ask these, so what they
 * show is what runs.
 */
export abstract class CliDriver implements Driver {
  abstract readonly provider: Provider;

  /** The command looked up on PATH when no path is given (default: the provider's name). */
  protected readonly commandName: string | undefined = undefined;

  /** Variables this CLI always gets; the options' and the session's own win over them. */
  protected readonly fixedEnv: Record<string, string> = {};

  /** Variables that make the CLI join the agent's trace (SessionSpec.traceparent), where it can; default none. */
  protected traceEnv(_spec: SessionSpec): Record<string, string> {
    return {};
  }

  /** The protocol handshake `handshake()` performs: what to send and which answer proves it. */
  protected abstract readonly probe: Probe;

  constructor(protected readonly options: CliDriverOptions = {}) {}

  /** The CLI's own arguments for a session (after any `executableArgs`). */
  abstract argv(spec: SessionSpec): string[];

  abstract start(spec: SessionSpec, onEvent: (event: AgentEvent) => void): Session;

  /** The CLI to run: the explicit path, else SUBAGENT_MCP_<PROVIDER>_PATH, else PATH; throws EXECUTABLE_NOT_FOUND. */
  executable(): string {
    const command = this.commandName === undefined ? {} : { command: this.commandName };
    return resolveExecutable(this.provider, { explicit: this.options.executable, env: this.options.env ?? process.env, ...command });
  }

  /** What a session of `spec` runs; `args` replaces `argv(spec)` where a session needs other ones. */
  command(spec: SessionSpec, args: string[] = this.argv(spec)): CliCommand {
    this.options.verify?.();
    return {
      executable: this.executable(),
      args: [...(this.options.executableArgs ?? []), ...args],
      env: { ...this.fixedEnv, ...this.options.env, ...this.traceEnv(spec), ...spec.env },
      extendEnv: this.options.extendEnv ?? true,
    };
  }

  /** Where the CLI is and the first line of its `--version` (15 s at most); throws EXECUTABLE_NOT_FOUND. */
  async describe(): Promise<CliDescription> {
    const { executable, args, env, extendEnv } = this.command({ cwd: process.cwd() }, ["--version"]);
    const version = await execa(executable, args, { env: cliEnv(env, extendEnv), extendEnv: false, reject: false, timeout: 15_000 });
    return { provider: this.provider, executable, version: version.stdout.trim().split("\n")[0] || "?" };
  }

  /** Starts the CLI as a session would and completes its protocol handshake, without a model call; resolves with the milliseconds it took. */
  async handshake(timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<number> {
    return (await this.handshakeAnswer(timeoutMs)).ms;
  }

  /** As {@link handshake}, with the CLI's answer: where the protocol has them, its version and capabilities. */
  handshakeAnswer(timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<ProbeAnswer> {
    return probeCli(this.spawn({ cwd: process.cwd() }), this.probe, timeoutMs);
  }

  /** The one way a driver starts its CLI: `command(spec, args)` in the session's directory, inheriting `fds` as its 3, 4, ... */
  protected spawn(spec: SessionSpec, args?: string[], fds?: readonly number[]): CliProcess {
    const { executable, ...rest } = this.command(spec, args);
    return spawnCli({ command: executable, ...rest, cwd: spec.cwd, nice: this.options.nice, sandbox: this.options.sandbox, fds });
  }
}
