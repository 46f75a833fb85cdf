import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { spawnCli } from "../src/index.js";
import { GUARDIAN_SCRIPT } from "../src/internal/guardian.js";
import { readStat } from "@subagent-mcp/state";
import { descendants } from "../src/internal/tree.js";
import { processAlive } from "@subagent-mcp/state";

/** Live (non-zombie) processes whose command line contains `marker`: found wherever they were re-parented. */
function marked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(marker) && processAlive({ pid: Number(entry) })) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

// A unique sleep length marks a test's processes, so strays are found and cleaned up whatever happens.
const markers: string[] = [];
const newMarker = (): string => {
  const marker = `3000.${String(process.pid)}${String(markers.length)}${String(Math.floor(Math.random() * 1e4))}`;
  markers.push(marker);
  return marker;
};
afterEach(() => {
  for (const p of markers.splice(0).flatMap(marked)) process.kill(p, "SIGKILL");
});

describe("CliProcess.kill", () => {
  // A shell that keeps forking children which leave its process group (setsid): each may be
  // mid-fork while the tree is swept. kill() must end every one of them before it resolves.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("resolves only when every process of the tree is gone, children forked mid-kill included (run %i)", async () => {
    const marker = newMarker();
    const loop = `i=0; while [ $i -lt 150 ]; do setsid sleep ${marker} & i=$((i+1)); done; wait`;
    const proc = spawnCli({ command: "sh", args: ["-c", `for j in 1 2 3 4; do (${loop}) & done; wait`], cwd: tmpdir() });
    const pid = proc.pid as number;
    await until("the shells to be forking", () => descendants(pid).length >= 40);
    const seen = [pid, ...descendants(pid)];
    // An escaped child holds the CLI's pipes: a kill() that lets one go may never resolve at all.
    const killed = await Promise.race([
      proc.kill().then(() => "resolved"),
      new Promise((r) =>
        setTimeout(() => {
          r("still pending after 20 s");
        }, 20_000),
      ),
    ]);
    expect(killed).toBe("resolved");
    expect(seen.filter((pid) => processAlive({ pid }))).toEqual([]);
    expect(marked(marker)).toEqual([]);
  });
});

describe("the guardian", () => {
  // What a crash of our process looks like to the guardian: its pipe ends with CLIs still recorded.
  function guardian(lines: string): Promise<void> {
    const child = spawn("/bin/sh", ["-c", GUARDIAN_SCRIPT], { stdio: ["pipe", "ignore", "inherit"] });
    child.stdin.end(lines);
    return new Promise((resolve) =>
      child.on("exit", () => {
        resolve();
      }),
    );
  }

  it("kills every recorded tree when its pipe ends, processes that left the CLI's group included", async () => {
    const marker = newMarker();
    const cli = spawn("sh", ["-c", `setsid sh -c 'sleep ${marker} & wait' & sleep ${marker} & wait`], { detached: true, stdio: "ignore" });
    const pid = cli.pid as number;
    await until("the tree to start", () => descendants(pid).length === 3);
    const tree = [pid, ...descendants(pid)];
    await guardian(`+ ${pid} ${readStat(pid)?.start ?? ""}\n`);
    await until("the tree to be gone", () => tree.every((p) => !processAlive({ pid: p })), 5_000);
    expect(marked(marker)).toEqual([]);
  });

  it("never kills a process it was not told about, nor one whose pid was recycled, nor one it was told ended", async () => {
    const marker = newMarker();
    const start = (): number => spawn("sleep", [marker], { detached: true, stdio: "ignore" }).pid as number;
    const [recycled, ended, unknown] = [start(), start(), start()];
    await until("three sleeps", () => marked(marker).length === 3);
    const lines = `+ ${recycled} 1\n+ ${ended} ${readStat(ended)?.start ?? ""}\n- ${ended}\n`;
    await guardian(lines);
    expect([recycled, ended, unknown].filter((pid) => processAlive({ pid }))).toHaveLength(3);
  });
});
