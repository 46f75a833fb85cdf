import type { ListAgentsResult as Listed, BuiltinProvider as Provider } from "@subagent-mcp/contract";
import { setTimeout as sleep } from "node:timers/promises";
import { turn } from "./journal-bytes.js";
import { mcpRig, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** One CLI's follow-up (send_message -> wait returns its turn) to a hibernated agent vs a live one. */
export interface WakeResult {
  provider: Provider;
  /** The agent hibernated: a new CLI process resumes its session, the message first. */
  hibernated?: Summary;
  /** The same follow-up sent at once after, to the process the wake started. */
  live?: Summary;
  /** Median wake cost: hibernated - live. */
  addedMedian?: number;
  /** Last turn end -> list_agents first shows it hibernated (TTL 1 s plus the health tick). */
  toHibernated?: Summary;
  /** Woken turns whose answer carried the conversation before it (the session really resumed). */
  resumedWithHistory: number;
  error?: string;
}

// list_agents until the agent is hibernated; the TTL is checked on the supervisor's health tick.
async function untilHibernated(r: McpRig, id: string): Promise<void> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const { agents } = await r.call<Listed>("list_agents");
    if (agents.find((a) => a.agent_id === id)?.status === "hibernated") return;
    if (performance.now() > deadline) throw new Error(`${id} never hibernated`);
    await sleep(20);
  }
}

async function one(r: McpRig, provider: Provider, runs: number): Promise<WakeResult> {
  const { agent_id: id } = await r.call<{ agent_id: string }>("launch_agent", { provider, prompt: "wake-0" });
  await turn(r, id);
  const hibernated: number[] = [];
  const live: number[] = [];
  const toHibernated: number[] = [];
  let resumedWithHistory = 0;
  let previous = "wake-0";
  let lastEnd = performance.now();
  // A warm-up wake, unmeasured: the first resume of a CLI pays for its own caches.
  for (let i = -1; i < runs; i += 1) {
    await untilHibernated(r, id);
    const asleep = performance.now() - lastEnd;
    const wakeMarker = `wake-${i}-h`;
    const t0 = performance.now();
    const answer = await turn(r, id, `[[history]] ${wakeMarker}`);
    const t1 = performance.now();
    const liveMarker = `wake-${i}-l`;
    await turn(r, id, `[[history]] ${liveMarker}`);
    lastEnd = performance.now();
    if (i < 0) {
      previous = liveMarker;
      continue;
    }
    toHibernated.push(asleep);
    hibernated.push(t1 - t0);
    live.push(lastEnd - t1);
    if (answer.includes(previous)) resumedWithHistory += 1;
    previous = liveMarker;
  }
  await r.call("kill_agent", { agent_id: id });
  const h = summarize(hibernated);
  const l = summarize(live);
  return {
    provider,
    hibernated: h,
    live: l,
    addedMedian: Math.round((h.median - l.median) * 100) / 100,
    toHibernated: summarize(toHibernated),
    resumedWithHistory,
  };
}

/** Each CLI on a server with SUBAGENT_MCP_IDLE_TTL_S=1: `runs` wakes of a hibernated agent, each followed by a live turn. */
export async function wakeCost(runs: number): Promise<WakeResult[]> {
  const r = await mcpRig({ SUBAGENT_MCP_IDLE_TTL_S: "1" });
  const rows: WakeResult[] = [];
  try {
    for (const provider of ["claude", "codex", "gemini"] as const) {
      try {
        rows.push(await one(r, provider, runs));
      } catch (error) {
        rows.push({ provider, resumedWithHistory: 0, error: String(error) });
      }
    }
  } finally {
    await r.close();
  }
  return rows;
}
