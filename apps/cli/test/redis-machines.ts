import { descendants } from "@subagent-mcp/drivers";
import {
  cliExecutable,
  freePort,
  loopbackEnv,
  startFakeFor,
  startRedisServer,
  type CliEnvironment,
  type FakeModelServer,
  type RedisServer,
} from "@subagent-mcp/testkit";
import { WorkerFiles } from "@subagent-mcp/worker";
import { execa, type ResultPromise } from "execa";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { bin } from "./e2e.js";

/**
 * One "machine" of the Redis tests: its own HOME, state and config dirs (so its own Maildir and
 * worker files), the same mailbox URL and prefix as the others.
 */
export interface Machine {
  e: CliEnvironment;
  vars: Record<string, string>;
  /** $XDG_STATE_HOME/subagent-mcp: where a Maildir and the worker files would live. */
  state: string;
}

/** A started `subagent-mcp worker`. */
export interface RunningWorker {
  proc: ResultPromise;
  pid: number;
  stderr(): string;
}

/** Everything a test started, for its clean-up. */
export interface Started {
  procs: ResultPromise[];
  envs: CliEnvironment[];
}

/** A test file's redis-server and fake Claude model, and what its tests start (cleaned up after each). */
export interface RedisBed {
  readonly redis: RedisServer;
  readonly fake: FakeModelServer;
  readonly started: Started;
}

/** Starts a {@link RedisBed} before the file's tests (with `password`, a server that requires it), cleans up after each and stops it after all. */
export function useRedisBed(options: { password?: string } = {}): RedisBed {
  let redis: RedisServer | undefined;
  let fake: FakeModelServer | undefined;
  const started: Started = { procs: [], envs: [] };
  beforeAll(async () => {
    redis = await startRedisServer(options);
    fake = await startFakeFor("claude");
  });
  afterAll(async () => {
    await fake?.stop();
    await redis?.stop();
  });
  afterEach(async () => {
    await cleanUp(started);
  });
  const ready = <T>(thing: T | undefined): T => {
    if (thing === undefined) throw new Error("the redis bed is used before its beforeAll ran");
    return thing;
  };
  return {
    get redis() {
      return ready(redis);
    },
    get fake() {
      return ready(fake);
    },
    started,
  };
}

/** A fresh prefix, so that tests sharing one redis-server do not see each other's mailboxes. */
export const freshPrefix = (): string => `t-${randomBytes(5).toString("hex")}`;

/** A machine whose Claude Code talks to `fake` and whose mail is on `url` under `prefix`. */
export async function machine(started: Started, fake: { url: string }, url: string, prefix: string, extra: Record<string, string> = {}): Promise<Machine> {
  const e = await loopbackEnv("claude", fake);
  started.envs.push(e);
  const vars: Record<string, string> = {
    ...e.env,
    SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
    SUBAGENT_MCP_MAILBOX_URL: url,
    SUBAGENT_MCP_MAILBOX_PREFIX: prefix,
    ...extra,
  };
  return { e, vars, state: join(vars.XDG_STATE_HOME ?? "", "subagent-mcp") };
}

/** Runs the built CLI on a machine; never rejects. */
export const cli = (m: Machine, args: string[]) => execa(process.execPath, [bin, ...args], { cwd: m.e.cwd, env: m.vars, extendEnv: false, reject: false });

/** What `subagent-mcp mail NAME --json` prints. */
export interface MailJson {
  name: string;
  waiting: { id: string; from: string; body: string }[];
  claimed: number;
  dead: { id: string }[];
}

export async function mailJson(m: Machine, name: string): Promise<MailJson> {
  const out = await cli(m, ["mail", name, "--json"]);
  if (out.exitCode !== 0) throw new Error(`mail ${name} --json failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as MailJson;
}

/** One entry of `subagent-mcp workers --json`. */
export interface WorkerEntry {
  name: string;
  host: string;
  pid: number;
  provider: string;
  started_at: string;
  last_turn_at?: string;
  heartbeat_at: string;
}

export async function workersJson(m: Machine): Promise<WorkerEntry[]> {
  const out = await cli(m, ["workers", "--json"]);
  if (out.exitCode !== 0) throw new Error(`workers --json failed: ${out.stderr}`);
  return JSON.parse(out.stdout) as WorkerEntry[];
}

/** The files (mailboxes) of the machine's Maildir, if it has one: none means its mail went elsewhere. */
export function maildirNames(m: Machine): string[] {
  const root = join(m.state, "mail");
  return existsSync(root) ? readdirSync(root) : [];
}

export const workerFiles = (m: Machine, name: string): WorkerFiles => new WorkerFiles(join(m.state, "workers", name));

/** Polls `probe` (sync or async) until it gives something; a bound for a broken run only. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `subagent-mcp worker ARGS` on a machine and resolves once it waits on its mailbox. With
 * `host`, it runs in a UTS namespace of its own under that hostname: another machine, as far as
 * consumer names and presence go (same network, so 127.0.0.1 is the same Redis).
 */
export async function startWorker(started: Started, m: Machine, args: string[], host?: string): Promise<RunningWorker> {
  const command = [process.execPath, bin, "worker", ...args];
  // unshare execs (no fork), and so do sh and exec: the process we get is the worker itself.
  const root = process.getuid?.() === 0 ? ["--uts"] : ["--map-root-user", "--uts"];
  const proc =
    host === undefined
      ? execa(command[0] ?? "", command.slice(1), { cwd: m.e.cwd, env: m.vars, extendEnv: false, reject: false })
      : execa("unshare", [...root, "sh", "-c", 'hostname "$0" && exec "$@"', host, ...command], { cwd: m.e.cwd, env: m.vars, extendEnv: false, reject: false });
  started.procs.push(proc);
  let stderr = "";
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await until("the worker to wait on its mailbox", () => {
    if (stderr.includes("waiting on its mailbox")) return true;
    if (proc.exitCode !== null) throw new Error(`worker exited early (${String(proc.exitCode)}): ${stderr}`);
    return undefined;
  });
  return { proc, pid: proc.pid ?? 0, stderr: () => stderr };
}

/** SIGKILL for a worker and every process under it (its agent CLI, that CLI's MCP server): a machine that died. */
export async function killTree(w: RunningWorker): Promise<void> {
  const under = descendants(w.pid);
  w.proc.kill("SIGKILL");
  for (const pid of under) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  await w.proc;
}

/** Kills what is still running and removes the machines' dirs. */
export async function cleanUp(started: Started): Promise<void> {
  for (const p of started.procs.splice(0)) if (p.exitCode === null) await killTree({ proc: p, pid: p.pid ?? 0, stderr: () => "" });
  await Promise.all(started.envs.splice(0).map((e) => e.cleanup()));
}

/** A port on 127.0.0.1 where nothing listens (the kernel picks it; closed again at once). */
export const deadPort = freePort;

/** One line on stderr, our prefix, no stack trace. */
export const ONE_LINE = /^subagent-mcp: [^\n]+\n?$/;

/**
 * Scripts the fake model: the first request with `marker` streams for two minutes (its worker is killed
 * meanwhile); later ones answer at once with `later` after the nonce.
 */
export function slowFirst(fake: FakeModelServer, marker: string, later: string): void {
  let first = true;
  fake.script((request, nonce) => {
    if (!request.lastUserText.includes(marker)) return undefined;
    if (!first) return { kind: "text", text: `${nonce} ${later}` };
    first = false;
    return { kind: "slow", text: `${nonce} too late`, durationMs: 120_000, chunks: 120 };
  });
}

/** Waits until a request with `marker` has reached the fake model. */
export function reachedModel(fake: FakeModelServer, marker: string): Promise<unknown> {
  return until(`the turn with "${marker}" to reach the model`, () => fake.requests.find((r) => r.lastUserText.includes(marker)));
}
