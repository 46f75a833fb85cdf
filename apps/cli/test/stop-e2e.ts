import { descendants } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
import { listAgents } from "@subagent-mcp/journal";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import type { FakeRequest } from "@subagent-mcp/testkit";
import { execa, type ResultPromise } from "execa";
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, expect } from "vitest";
import { bin, type E2E, type Served } from "./e2e.js";

// What the tests of the user's stop share: long tool calls found by /proc, deadlines on what /proc and
// the journal say, a tree of a parent and its nested agent, and `subagent-mcp stop` itself.

const markers: string[] = [];

/** A long tool call, found by its unique time limit wherever it runs (Claude Code refuses a standalone long `sleep`). */
export function longTool(): { marker: string; prompt: string } {
  const marker = `600.${String(process.pid)}${String(markers.length)}${String(Date.now() % 10_000)}`;
  markers.push(marker);
  return { marker, prompt: `[[shell:timeout ${marker} tail -f /dev/null]]` };
}

/** Ends what a failed test left of its long tools: each with the `tail` under it. */
export function endLongTools(): void {
  for (const p of markers.splice(0).flatMap(marked)) for (const q of [...descendants(p), p]) process.kill(q, "SIGKILL");
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** The live processes whose command line holds `marker`. */
export function marked(marker: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => cmdline(pid).includes(marker) && processAlive({ pid: pid }));
}

/** Every process under the servers but their guardians (one /bin/sh each, idle until the server goes). */
export function agentProcesses(servers: number[]): number[] {
  return servers.flatMap((server) =>
    descendants(server).filter((pid) => cmdline(pid)[0] !== "/bin/sh" || !readFileSync(`/proc/${String(pid)}/stat`, "utf8").includes(` ${String(server)} `)),
  );
}

/** `subagent-mcp stop ARGS` as the user runs it. */
export async function stop(s: E2E, ...args: string[]) {
  return execa(process.execPath, [bin, "stop", ...args], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
}

const toolResults = (r: FakeRequest): string[] => r.messages.filter((m) => m.role === "tool").map((m) => m.text);
const launchedId = (text: string): string | undefined => /Launched agent ([a-z0-9-]+)|"agent_id":\s*"([a-z0-9-]+)"/.exec(text)?.slice(1).find(Boolean);

/** A parent whose nested agent (on the subagent-mcp server its CLI started) runs `prompt`, while the parent waits on it. */
export async function launchTree(s: E2E, prompt: string): Promise<{ parent: string; child: () => string }> {
  const setup = await execa(process.execPath, [bin, "setup", "--host", "claude"], { cwd: s.env.cwd, env: s.env.env, extendEnv: false, reject: false });
  expect(setup.exitCode, setup.stderr).toBe(0);
  let child: string | undefined;
  s.fakes.claude.script((r) => {
    if (!r.lastUserText.includes("Delegate the long job")) return undefined;
    const results = toolResults(r);
    if (results.length === 0)
      return { kind: "tool", name: "mcp__subagent-mcp__launch_agent", input: { provider: "claude", label: "nested", prompt, allowed_tools: ["Bash"] } };
    child ??= launchedId(results[0] ?? "");
    return { kind: "tool", name: "mcp__subagent-mcp__wait", input: { agent_ids: [child], timeout_s: 120 } };
  });
  const tools = ["mcp__subagent-mcp__launch_agent", "mcp__subagent-mcp__wait", "Bash"];
  const { agent_id: parent } = await s.call<{ agent_id: string }>("launch_agent", {
    provider: "claude",
    prompt: "Delegate the long job",
    allowed_tools: tools,
  });
  return {
    parent,
    child: () => {
      expect(child).toBeDefined();
      return child ?? "";
    },
  };
}

/** Each agent of the test's state folder with how its journal says it ended (undefined while it has not). */
export const journalEnds = (s: E2E) => new Map(listAgents(stateLayout(stateDir({ home: s.env.home, env: s.env.env })).agents).map((a) => [a.agent_id, a.end]));

/** What a stop test runs: a server, perhaps a second one, and worker processes (startWorker's `running`). */
export interface StopRun {
  e?: E2E | undefined;
  second?: Served | undefined;
  running: ResultPromise[];
}

/** A {@link StopRun} ended after each test: its workers killed, the long tools a failed test left ended, its servers closed. */
export function stopRunEnded(): StopRun {
  const run: StopRun = { running: [] };
  afterEach(async () => {
    const procs = run.running.splice(0);
    for (const p of procs) p.kill("SIGKILL");
    await Promise.allSettled(procs);
    endLongTools();
    await run.second?.close();
    await run.e?.close();
    [run.e, run.second] = [undefined, undefined];
  });
  return run;
}
