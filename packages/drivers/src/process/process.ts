import { withoutSecrets } from "@subagent-mcp/contract";
import { execa, type ResultPromise } from "execa";
import type { Readable, Writable } from "node:stream";
import { DriverError } from "../errors.js";
import { guard, unguard } from "../internal/guardian.js";
import { killTree, killTreeNow } from "../internal/tree.js";
import { lowerPriority } from "../internal/nice.js";
import { errorMessage } from "@subagent-mcp/errors";
import type { Sandbox } from "@subagent-mcp/sandbox";

/** How a CLI process ended. */
interface ProcessExit {
  code: number | null;
  signal: string | null;
}

/** How to start a CLI process. */
interface SpawnOptions {
  command: string;
  args: readonly string[];
  cwd: string;
  /** The environment; merged over process.env unless `extendEnv` is false. */
  env?: Record<string, string> | undefined;
  extendEnv?: boolean;
  /** The CPU niceness the CLI runs at (and its children), 1-19; 0 or none: ours. */
  nice?: number | undefined;
  /** The OS sandbox the CLI runs in, where our secrets and private state do not exist; none: as it is. */
  sandbox?: Sandbox | undefined;
  /** Open files the CLI inherits as its descriptors 3, 4, ... (what it reads at /dev/fd/N); the caller closes its copies. */
  fds?: readonly number[] | undefined;
}

/**
 * The whole environment a CLI is started with: `env` over process.env (unless `extendEnv` is
 * false), with what lets a launch run (the fleet key, the mailbox settings: contract's `withoutSecrets`)
 * left out, wherever it came from. Every CLI we start gets its environment from here.
 */
export function cliEnv(env: Record<string, string> | undefined, extendEnv = true): Record<string, string> {
  return withoutSecrets(extendEnv ? { ...process.env, ...env } : (env ?? {}));
}

/** A spawned CLI: its pipes, a bounded stderr tail, and tree-wide termination. */
export interface CliProcess {
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Resolves once, when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** The last few KB of stderr, for error messages. */
  stderrTail(): string;
  /**
   * Kills the whole process tree at once and resolves when every process of it is gone; rejects
   * with TREE_SURVIVED, naming them, if some are still alive after a few seconds.
   */
  kill(): Promise<void>;
  /** Closes stdin, waits up to `graceMs` for a clean exit, then kills the tree. */
  close(graceMs?: number): Promise<void>;
}

const STDERR_TAIL = 8 * 1024;
const live = new Set<number>();

// The no-orphans promise: if our process exits without closing its sessions, their whole trees
// still go with it (process groups are ours: children are spawned detached); if it dies without
// running this (SIGKILL, a crash), the guardian kills them.
process.once("exit", () => {
  for (const pid of live) killTreeNow(pid);
});

/** Spawns a CLI in its own process group with piped stdio. Never throws: failures surface as `exited`. */
export function spawnCli(options: SpawnOptions): CliProcess {
  let child: ResultPromise;
  try {
    const env = cliEnv(options.env, options.extendEnv);
    const run = options.sandbox?.wrap({ executable: options.command, args: options.args, cwd: options.cwd, env }) ?? {
      executable: options.command,
      args: [...options.args],
      env,
    };
    child = execa(run.executable, run.args, {
      cwd: options.cwd,
      env: run.env,
      extendEnv: false,
      // execa's types name descriptors 3 to 9; any open one is passed on as it is.
      stdio: ["pipe", "pipe", "pipe", ...((options.fds ?? []) as readonly 3[])],
      detached: true,
      buffer: false,
      reject: false,
      stripFinalNewline: false,
    });
  } catch (error) {
    throw new DriverError("SPAWN_FAILED", `cannot start ${options.command}: ${errorMessage(error)}`);
  }
  const pid = child.pid;
  if (pid !== undefined) {
    // Guarded first: if we die from here on (a SIGKILL mid-launch), the guardian already knows the CLI.
    live.add(pid);
    guard(pid);
    if (options.nice !== undefined && options.nice > 0) lowerPriority(pid, options.nice);
  }
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
  });
  // Writes to a CLI that died must not crash us; the exit is reported through `exited`.
  child.stdin?.on("error", () => undefined);
  const exited = child
    .then(
      (result) => ({ code: result.exitCode ?? null, signal: result.signal ?? null }),
      (error: unknown) => ({ code: null, signal: null, error }),
    )
    .then((exit) => {
      if (pid !== undefined) {
        live.delete(pid);
        unguard(pid);
      }
      if (exit.code === null && exit.signal === null && child.pid === undefined) {
        stderr += `\nspawn failed: ${options.command}`;
      }
      return { code: exit.code, signal: exit.signal };
    });

  const kill = (): Promise<void> => {
    const done = (async () => {
      if (pid !== undefined && live.has(pid)) await killTree(pid);
      await exited;
    })();
    return logged(done);
  };
  return {
    pid,
    stdin: child.stdin as Writable,
    stdout: child.stdout as Readable,
    exited,
    stderrTail: () => stderr,
    kill,
    close: async (graceMs = 2_000) => {
      child.stdin?.end();
      const timer = new Promise<"timeout">((resolve) =>
        setTimeout(() => {
          resolve("timeout");
        }, graceMs).unref(),
      );
      if ((await Promise.race([exited, timer])) === "timeout") await kill();
      else if (pid !== undefined) await logged(killTree(pid)); // leftovers of a clean exit
    },
  };
}

// Survivors of a kill are named on stderr too, so a caller that does not await (`void kill()`)
// never turns them into an unhandled rejection that would end our process.
function logged(promise: Promise<void>): Promise<void> {
  promise.catch((error: unknown) => process.stderr.write(`subagent-mcp: ${errorMessage(error)}\n`));
  return promise;
}
