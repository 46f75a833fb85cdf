import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { selfRef } from "@subagent-mcp/state";
import { markNested, nestedServersDir, stopNestedServers, stoppedByUser } from "../src/nested-servers.js";
import { processTable } from "../src/proc.js";

// The processes under `pid` (its children, theirs, ...), as a tree kill finds them.
function below(pid: number): number[] {
  const table = processTable();
  const found = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of table)
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
  }
  found.delete(pid);
  return [...found];
}

let state: string | undefined;
afterEach(() => {
  if (state !== undefined) rmSync(state, { recursive: true, force: true });
  state = undefined;
});

describe("nested servers' marks", () => {
  it("marks this process with its lineage in a private folder, forgets the marks of gone servers, and unmarks", () => {
    state = mkdtempSync(join(tmpdir(), "nested-"));
    const dir = nestedServersDir(state);
    const unmark0 = markNested(dir, []);
    unmark0();
    // A server that is gone left its mark (and a stop's note) behind.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(join(dir, String(gone)), "[]\n");
    writeFileSync(join(dir, `${String(gone)}.user`), "");
    const unmark = markNested(dir, ["top", "parent"]);
    const mine = join(dir, String(process.pid));
    expect(JSON.parse(readFileSync(mine, "utf8"))).toEqual({ lineage: ["top", "parent"], start: selfRef().start });
    expect(statSync(mine).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(existsSync(join(dir, String(gone)))).toBe(false);
    expect(existsSync(join(dir, `${String(gone)}.user`))).toBe(false);
    expect(stoppedByUser(dir)).toBe(false);
    unmark();
    expect(existsSync(mine)).toBe(false);
  });

  it("signals only the marked servers under the agent, telling them a stop is the user's, and waits for them to exit", async () => {
    state = mkdtempSync(join(tmpdir(), "nested-"));
    const dir = nestedServersDir(state);
    markNested(dir, [])();
    // An "agent" whose child is a nested server: it exits on the signal, after saying whether the user stopped it.
    const out = join(state, "said");
    const server = `process.on("SIGUSR2", () => { require("fs").writeFileSync(${JSON.stringify(out)}, String(require("fs").existsSync(${JSON.stringify(join(dir, "PID.user"))}.replace("PID", process.pid)))); process.exit(0); }); setInterval(() => {}, 1000); require("fs").writeFileSync(${JSON.stringify(join(dir, "PID"))}.replace("PID", process.pid), JSON.stringify(["agent-1"]));`;
    const agent = spawn(
      process.execPath,
      ["-e", `require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(server)}], { stdio: "inherit" }); setInterval(() => {}, 1000);`],
      { stdio: "ignore" },
    );
    try {
      const pid = agent.pid ?? 0;
      for (let i = 0; i < 500 && !marked(dir); i++) await new Promise((r) => setTimeout(r, 10));
      // Another agent's tree: nothing is signalled.
      await stopNestedServers(dir, "agent-2", below(pid), true);
      expect(existsSync(out)).toBe(false);
      await stopNestedServers(dir, "agent-1", below(pid), true);
      expect(readFileSync(out, "utf8")).toBe("true");
    } finally {
      agent.kill("SIGKILL");
    }
  });

  it("takes a mark whose pid now names another process (a reused pid) for a gone server's: forgotten, never signalled", async () => {
    state = mkdtempSync(join(tmpdir(), "nested-"));
    const dir = nestedServersDir(state);
    // An "agent" whose child is an unrelated process that got the pid of a nested server killed earlier.
    // The child prints its own pid once it runs, so its /proc entry already names it (a shell's `echo $!`
    // can print before the forked child has become `sleep`).
    const agent = spawn(
      process.execPath,
      [
        "-e",
        `require("child_process").spawn(process.execPath, ["-e", "console.log(process.pid); setInterval(() => {}, 1000)"], { stdio: "inherit" }); setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    let reused = 0;
    try {
      reused = Number(
        await new Promise<string>((done) =>
          agent.stdout.once("data", (chunk: Buffer) => {
            done(chunk.toString());
          }),
        ),
      );
      markNested(dir, [])();
      writeFileSync(join(dir, String(reused)), `${JSON.stringify({ lineage: ["agent-1"], start: "1" })}\n`);
      await stopNestedServers(dir, "agent-1", below(agent.pid ?? 0), false);
      expect(readFileSync(`/proc/${String(reused)}/stat`, "utf8")).toMatch(/^\d+ \(node\) [^Z]/);
      markNested(dir, [])();
      expect(existsSync(join(dir, String(reused)))).toBe(false);
    } finally {
      if (reused > 0) process.kill(reused, "SIGKILL");
      agent.kill("SIGKILL");
    }
  });
});

function marked(dir: string): boolean {
  return readdirSync(dir).some((name) => /^\d+$/.test(name));
}
