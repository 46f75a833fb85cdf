import { descendants } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
import { cliExecutable, loopbackEnv, startFakeFor, type CliEnvironment, type FakeModelServer } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, startE2E, type E2E } from "./e2e.js";

// A crash of ours (SIGKILL mid-tool) must leave nothing running: the guardian kills the trees.
let e: E2E | undefined;
let env: CliEnvironment | undefined;
let fake: FakeModelServer | undefined;
const running: ResultPromise[] = [];
const markers: string[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill("SIGKILL");
  await Promise.allSettled(running);
  for (const p of markers.splice(0).flatMap(marked)) process.kill(p, "SIGKILL");
  await e?.close();
  e = undefined;
  await env?.cleanup();
  env = undefined;
  await fake?.stop();
  fake = undefined;
});

/**
 * A unique time limit marks the long tool call (`timeout MARKER tail -f /dev/null`; Claude Code refuses
 * a standalone long `sleep`), so it is found wherever it was re-parented.
 */
function newMarker(): string {
  const marker = `600.${String(process.pid)}${String(Date.now() % 100_000)}`;
  markers.push(marker);
  return marker;
}

function marked(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").includes(marker) && processAlive({ pid: Number(entry) })) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

/** SIGKILLs `pid` once the marked tool runs below it, and resolves when its whole tree is gone. */
async function crashMidTool(pid: number, marker: string): Promise<void> {
  await until("the sub-agent's shell tool to run", () => marked(marker).some((p) => descendants(pid).includes(p)), 60_000);
  const tree = descendants(pid);
  expect(tree.length).toBeGreaterThanOrEqual(4); // the CLI, the tool's shell, timeout, tail (and the guardian)
  process.kill(pid, "SIGKILL");
  const took = await until("every process of the tree to end", () => tree.every((p) => !processAlive({ pid: p })), 10_000);
  process.stderr.write(`crash test: ${tree.length} processes gone ${took} ms after the SIGKILL\n`);
  expect(marked(marker)).toEqual([]);
}

describe("a crash leaves no process behind", () => {
  it("SIGKILL of the server mid-tool ends the sub-agent CLI and the command it runs", async () => {
    const s = (e = await startE2E());
    const marker = newMarker();
    await s.call("launch_agent", { provider: "claude", prompt: `[[shell:timeout ${marker} tail -f /dev/null]]`, allowed_tools: ["Bash"] });
    await crashMidTool(s.transport.pid as number, marker);
  });

  it("SIGKILL of a worker mid-tool ends its CLI and the command it runs", async () => {
    const f = (fake = await startFakeFor("claude"));
    const cliEnv = (env = await loopbackEnv("claude", f));
    const vars = { ...cliEnv.env, XDG_STATE_HOME: join(cliEnv.home, "state"), SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude") };
    const worker = execa(process.execPath, [bin, "worker", "--name", "crashy", "--allowed-tools", "Bash"], {
      cwd: cliEnv.cwd,
      env: vars,
      extendEnv: false,
      reject: false,
    });
    running.push(worker);
    let stderr = "";
    worker.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await until("the worker to wait on its mailbox", () => stderr.includes("waiting on"), 60_000);
    const marker = newMarker();
    const sent = await execa(process.execPath, [bin, "send", "crashy", `[[shell:timeout ${marker} tail -f /dev/null]]`], {
      cwd: cliEnv.cwd,
      env: vars,
      extendEnv: false,
      reject: false,
    });
    expect(sent.exitCode, sent.stderr).toBe(0);
    await crashMidTool(worker.pid as number, marker);
  });
});
