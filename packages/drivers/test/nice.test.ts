import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { spawnCli } from "../src/index.js";
import type { CliProcess } from "../src/process/process.js";
import { descendants } from "../src/internal/tree.js";
import { harness, type Harness } from "./harness.js";

// A process's niceness: field 19 of /proc/PID/stat (counted after the command name, which may hold spaces).
const niceOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[16]);
// Its session's scheduling group's niceness, where the kernel has autogroups ("/autogroup-N nice K").
const groupNiceOf = (pid: number): number | undefined => {
  try {
    return Number(/nice (-?\d+)/.exec(readFileSync(`/proc/${pid}/autogroup`, "utf8"))?.[1]);
  } catch {
    return undefined;
  }
};

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("an agent CLI's niceness", () => {
  const procs: CliProcess[] = [];
  let h: Harness | undefined;
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.kill()));
    await h?.close();
    h = undefined;
  });

  it("spawnCli starts the CLI at the niceness asked, its later children too; 0 or none leaves ours", async () => {
    const ours = niceOf(process.pid);
    const niced = spawnCli({ command: "sh", args: ["-c", "sleep 300 & read x"], cwd: tmpdir(), nice: 7 });
    const plain = spawnCli({ command: "sh", args: ["-c", "read x"], cwd: tmpdir() });
    const zero = spawnCli({ command: "sh", args: ["-c", "read x"], cwd: tmpdir(), nice: 0 });
    procs.push(niced, plain, zero);
    const pid = niced.pid as number;
    expect(niceOf(pid)).toBe(7);
    await until("the CLI's child", () => descendants(pid).length > 0);
    for (const child of descendants(pid)) expect(niceOf(child)).toBe(7);
    const group = groupNiceOf(pid);
    if (group !== undefined) expect(group).toBe(7);
    expect(niceOf(plain.pid as number)).toBe(ours);
    expect(niceOf(zero.pid as number)).toBe(ours);
  });

  it("a driver made with `nice` runs its real CLI (Codex and what it starts) at it", async () => {
    h = await harness("codex", undefined, { nice: 9 });
    const session = h.start();
    session.send("hello");
    await h.turnEnd("turn 1");
    const pid = session.pid as number;
    // Its threads (the runtime's, started before the niceness was set too) and any process it started.
    const threads = readdirSync(`/proc/${pid}/task`).map(Number);
    expect(threads.length).toBeGreaterThan(1);
    for (const tid of [...threads, ...descendants(pid)]) expect(niceOf(tid)).toBe(9);
  });
});
