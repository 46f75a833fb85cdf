import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { connectServer, type E2E, type Served } from "./e2e.js";

// Helpers for the tests of agents that outlive their server: a second server on the same
// environment, the environment's processes, and the answers of wait and list_agents.

export type Provider = "claude" | "codex" | "gemini" | "qwen";
// Qwen Code stands for every ACP agent configured by data: journal, transcripts, resume and hibernation hold for it too.
export const PROVIDERS: readonly Provider[] = ["claude", "codex", "gemini", "qwen"];

export type { Served };

export interface WaitOut {
  finished: { agent_id: string; result: string; is_error: boolean }[];
  still_running: string[];
  timed_out: boolean;
}

interface AgentRow {
  agent_id: string;
  provider: Provider;
  status: string;
  alive: boolean;
  turns: number;
  past?: boolean;
  why?: string;
}

export interface ListOut {
  agents: AgentRow[];
  predecessor?: { pid: number; how: "exited" | "crashed"; agents: { agent_id: string; status: string; turns: number; why: string }[] };
}

/** Another `subagent-mcp` on the environment of `s` (same HOME, state and fake models): its successor. */
export function startAnother(s: E2E): Promise<Served> {
  return connectServer(s.serverEnv, s.env.cwd, "e2e-next");
}

/** Waits for every turn of `ids` under way to finish; returns the results by agent. */
export async function waitAll(s: Pick<Served, "call">, ids: string[]): Promise<Map<string, WaitOut["finished"][number]>> {
  const got = new Map<string, WaitOut["finished"][number]>();
  while (got.size < ids.length) {
    const out = await s.call<WaitOut>("wait", { agent_ids: ids.filter((id) => !got.has(id)), mode: "all", timeout_s: 120 });
    for (const f of out.finished) got.set(f.agent_id, f);
    if (out.finished.length === 0 && out.still_running.length === 0) throw new Error(`nothing more to wait for: ${JSON.stringify(out)}`);
  }
  return got;
}

/** A process as /proc showed it: its start time tells it apart from a later one with the same pid. */
export interface Proc {
  pid: number;
  start: string;
  cmdline: string;
}

function procOf(pid: number): Proc | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined;
    return {
      pid,
      start: fields[19] ?? "",
      cmdline: readFileSync(`/proc/${String(pid)}/cmdline`, "utf8")
        .split("\0")
        .join(" "),
    };
  } catch {
    return undefined;
  }
}

/** Whether that very process (same pid and start time) still runs. */
export function running(p: Proc): boolean {
  return procOf(p.pid)?.start === p.start;
}

/** Every live process whose environment has HOME=`home`: the server and everything it started, wherever re-parented. */
export function processesOfHome(home: string): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(`HOME=${home}`)) continue;
    } catch {
      continue; // gone meanwhile
    }
    const p = procOf(Number(entry));
    if (p !== undefined) found.push(p);
  }
  return found;
}

/** Polls `check` until it holds (a condition wait, not a timing assertion). */
export async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `<XDG_STATE_HOME>/subagent-mcp/agents/<id>`. */
export function agentDir(s: E2E, id: string): string {
  return join(s.serverEnv.XDG_STATE_HOME ?? join(s.env.home, ".local", "state"), "subagent-mcp", "agents", id);
}
