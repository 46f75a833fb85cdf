import { descendants } from "@subagent-mcp/drivers";
import { processAlive, processRef, readStat, type ProcessRef } from "@subagent-mcp/state";
import { execa, type ResultPromise } from "execa";
import { expect } from "vitest";
import { bin } from "./e2e.js";
import { until } from "./past-e2e.js";

// Owners of ours started under a parent that never reaps them, as in a container whose pid 1 does not
// wait: `bash` starts ours in the background and execs `sleep`, which never waits. A SIGKILLed owner
// then stays a zombie, and its successor must take over all the same.

/**
 * The bash script: ours in the background with the script's stdin (a background job's is /dev/null
 * otherwise), its pid on stderr, then `sleep` in bash's place. Run as `bash -c SCRIPT bash CMD...`.
 */
export const UNREAPED = '"$@" <&0 & echo "unreaped pid $!" >&2; exec sleep 100000';

/** The pid of ours the script printed on `stderr`, once it did. */
export async function unreapedPid(stderr: () => string): Promise<number> {
  let pid: number | undefined;
  await until("the owner's pid", () => (pid = Number(/unreaped pid (\d+)/.exec(stderr())?.[1] ?? 0)) > 0, 30_000);
  return pid ?? 0;
}

/** A `subagent-mcp ARGS` under a parent that never reaps it. */
export interface Unreaped {
  /** Ours (the `subagent-mcp` process). */
  pid: number;
  /** The parent that never reaps it (`sleep`); killed at clean-up, which lets init reap the zombie. */
  parent: ResultPromise;
  stdout: () => string;
  stderr: () => string;
}

/** Starts the built `subagent-mcp ARGS` under a parent that never reaps it, and resolves once `ready` is on its stdout or stderr. */
export async function startUnreaped(args: string[], where: { cwd: string; env: Record<string, string> }, ready: RegExp): Promise<Unreaped> {
  const parent = execa("bash", ["-c", UNREAPED, "bash", process.execPath, bin, ...args], { cwd: where.cwd, env: where.env, extendEnv: false, reject: false });
  let stdout = "";
  let stderr = "";
  parent.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  parent.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const pid = await unreapedPid(() => stderr);
  // Until bash has become `sleep`, bash itself would reap a killed child: no zombie to see.
  await until("the parent to become sleep", () => readStat(parent.pid ?? 0)?.comm === "sleep", 30_000);
  await until(`subagent-mcp ${args[0] ?? ""} to be ready`, () => ready.test(stdout) || ready.test(stderr) || !processAlive({ pid }), 120_000);
  if (!processAlive({ pid })) throw new Error(`subagent-mcp ${args.join(" ")} exited early: ${stdout}${stderr}`);
  return { pid, parent, stdout: () => stdout, stderr: () => stderr };
}

/**
 * SIGKILLs `pid`, checks it stays a zombie (its parent never reaps it), and that every process it
 * had started ends within 5 s of the kill (the promise made for an owner's crash, so a deadline here).
 */
export async function killToZombie(pid: number): Promise<void> {
  // By pid and start time: a pid given to another process meanwhile is not one of those left.
  const tree = descendants(pid)
    .map((p) => processRef(p))
    .filter((ref): ref is ProcessRef => ref !== undefined);
  process.kill(pid, "SIGKILL");
  await until("the killed owner to be a zombie", () => readStat(pid)?.state === "Z", 10_000);
  expect(readStat(pid)?.state).toBe("Z");
  await until("every process it started to end", () => tree.every((ref) => !processAlive(ref)), 5_000).catch(() => undefined);
  expect(tree.filter((ref) => processAlive(ref)).map((ref) => `${String(ref.pid)} ${readStat(ref.pid)?.comm ?? "?"}`)).toEqual([]);
}

/** A live process that is not ours: a pid a record may name once its own process is gone. */
export function unrelated(): ResultPromise {
  return execa("sleep", ["100000"], { reject: false });
}
