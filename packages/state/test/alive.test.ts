import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { processAlive, processRef, selfRef } from "../src/alive.js";
import { readStat } from "../src/proc.js";

const started: ChildProcess[] = [];
afterEach(() => {
  for (const child of started.splice(0)) child.kill("SIGKILL");
});

/** A parent that never reaps: bash starts `command` in the background, prints its pid and becomes `sleep`. */
export async function underNonReapingParent(command: string, env: NodeJS.ProcessEnv = process.env): Promise<{ parent: ChildProcess; line: string }> {
  const parent = spawn("bash", ["-c", `${command} & echo "$!"; exec sleep 1000`], { stdio: ["ignore", "pipe", "inherit"], env });
  started.push(parent);
  const lines = createInterface({ input: parent.stdout });
  const line = await new Promise<string>((done) => lines.once("line", done));
  // Until bash has become `sleep`, bash itself would reap a killed child: no zombie to see.
  await until("the parent to become sleep", () => readStat(parent.pid ?? 0)?.comm === "sleep");
  return { parent, line };
}

export async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("processAlive", () => {
  it("holds for this process, with or without its start time", () => {
    expect(processAlive(selfRef())).toBe(true);
    expect(processAlive({ pid: process.pid })).toBe(true);
    expect(selfRef().start).toMatch(/^\d+$/);
    expect(processRef(process.pid)).toEqual(selfRef());
  });

  it("counts a zombie as dead, where signal 0 still finds it", async () => {
    const { line } = await underNonReapingParent("sleep 1000");
    const pid = Number(line);
    const ref = processRef(pid) ?? { pid: 0 };
    expect(processAlive(ref)).toBe(true);
    process.kill(pid, "SIGKILL");
    await until("the child to be a zombie", () => readStat(pid)?.state === "Z");
    expect(() => process.kill(pid, 0)).not.toThrow();
    expect(processAlive(ref)).toBe(false);
    expect(processAlive({ pid })).toBe(false);
    expect(processRef(pid)).toBeUndefined();
  });

  it("counts a record naming a reused pid (a live process started at another time) as dead", () => {
    const other = spawn("sleep", ["1000"]);
    started.push(other);
    const live = processRef(other.pid ?? 0) ?? { pid: 0 };
    expect(processAlive(live)).toBe(true);
    expect(processAlive({ pid: live.pid, start: String(Number(live.start) - 1) })).toBe(false);
    expect(processAlive({ pid: process.pid, start: "1" })).toBe(false);
  });

  it("counts an ended pid and a pid that names no process as dead", () => {
    const ended = spawnSync(process.execPath, ["-e", ""]).pid;
    expect(processAlive({ pid: ended })).toBe(false);
    expect(processAlive({ pid: 0 })).toBe(false);
    expect(processAlive({ pid: -1 })).toBe(false);
  });
});
