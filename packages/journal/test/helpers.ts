// Shared fixtures: temporary journal dirs, server refs, and one entry of every kind.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { JournalEntry, ServerRef } from "../src/index.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh `<dir>` removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "journal-test-"));
  made.push(dir);
  return join(dir, "agents");
}

/** A server ref for this (live) process, told apart by id. */
export const liveServer = (id: string): ServerRef => ({ id, pid: process.pid, started_at: "2025-01-01T00:00:00.000Z" });

/** The pid of a process that has exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  const pid = child.pid;
  await new Promise<void>((resolve, reject) => {
    child.on("exit", () => {
      resolve();
    });
    child.on("error", reject);
  });
  if (pid === undefined) throw new Error("no pid");
  return pid;
}

/** Resolves once `cond()` holds, checking whenever `nudge` is called. */
export function waiter(): { until: (cond: () => boolean) => Promise<void>; nudge: () => void } {
  const waiting: { cond: () => boolean; resolve: () => void }[] = [];
  const nudge = (): void => {
    for (const w of [...waiting]) {
      if (w.cond()) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const until = (cond: () => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      if (cond()) resolve();
      else waiting.push({ cond, resolve });
    });
  return { until, nudge };
}

/** One entry of each kind, every optional field set. */
export function everyEntry(agentId: string, server: ServerRef): JournalEntry[] {
  const at = "2025-01-01T00:00:01.000Z";
  return [
    {
      t: "launch",
      at,
      agent_id: agentId,
      server,
      project: "/repo",
      provider: "claude",
      model: "opus",
      effort: "high",
      cwd: "/repo/sub",
      label: "fixer",
      pool: "reviewers",
      permission_mode: "acceptEdits",
      allowed_tools: ["Read", "Edit"],
      permissions: { allow: ["Bash(git *)"], deny: ["Bash(rm *)"], ask: ["WebFetch"] },
      system_prompt_append: "Be brief.",
      worktree: { path: "/wt/a", branch: "agent/a", base: "main" },
    },
    { t: "resume", at, server, session_id: "s-1", reason: "server restarted" },
    { t: "session", at, session_id: "s-1", model: "opus-4" },
    { t: "prompt", at, turn: 1, text: "fix the bug ✓ — ünïcode" },
    { t: "tool", at, turn: 1, name: "Edit", summary: "src/a.ts" },
    { t: "error", at, message: "rate limited", transient: true },
    {
      t: "turn",
      at,
      turn: 1,
      result: "done",
      is_error: false,
      interrupted: false,
      usage: { input: 10, output: 20, cache_read: 3, cache_write: 4 },
      cost_usd: 0.01,
      duration_ms: 1234,
    },
    { t: "status", at, status: "idle", alive: true, note: "waiting" },
    { t: "end", at, status: "done", why: "killed by user" },
  ];
}

/** A prompt entry numbered `turn`, at a time in order of `turn`. */
export const prompt = (turn: number, text = `prompt ${turn}`): JournalEntry => ({
  t: "prompt",
  at: new Date(Date.UTC(2025, 0, 1) + turn * 1000).toISOString(),
  turn,
  text,
});

/** A time `s` seconds into 2025, as journal entries carry it. */
export const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

/** `id`'s launch entry by `server`, at `s` seconds, in `project`. */
export function launchAt(id: string, server: ServerRef, s: number, project = "/p"): JournalEntry {
  const [first] = everyEntry(id, server);
  if (first?.t !== "launch") throw new Error("the first entry is the launch");
  return { ...first, at: at(s), project };
}

/** A finished turn `n` at `s` seconds. */
export const turnAt = (n: number, s: number): JournalEntry => ({
  t: "turn",
  at: at(s),
  turn: n,
  result: "ok",
  is_error: false,
  interrupted: false,
  usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
  duration_ms: 5,
});
