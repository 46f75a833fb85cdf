import { mcpRig, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import { setupVsBare, type SetupBareRow } from "./setup-bare.js";
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";

const PROVIDERS: Provider[] = ["claude", "codex", "gemini"];

/** What a user feels first: connecting, and how soon launched sub-agents get going. */
export interface StartupResults {
  /** `launch_agent` call -> the sub-agent's first model request, with and without its messaging tools. */
  firstRequest: Record<Provider, Summary>;
  firstRequestNoMessaging: Record<Provider, Summary>;
  /** The same without `setup`, with it, and the CLI alone (its driver, no server), taken in turn; firstRequest is its first series. */
  setupVsBare: SetupBareRow[];
  /** The 1-minute load average as those runs began and ended, and the agents' niceness in them. */
  setupVsBareLoad: { start: number; end: number };
  setupVsBareNice: number;
  /** Three agents (one per CLI) launched at once -> `wait {mode: all}` returns. */
  threeAllDone: Summary;
  /** Each `launch_agent` call's own duration when three are sent at once. */
  launchConcurrent3: Summary;
}

// launch_agent -> the first model request that carries this launch's marker (the fake's clock is ours).
async function toFirstRequest(r: McpRig, provider: Provider, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const marker = `first-${provider}-${i}-${Math.random().toString(36).slice(2, 8)}`;
    const t0 = performance.now();
    const { agent_id: id } = await r.call<{ agent_id: string }>("launch_agent", { provider, prompt: marker });
    await r.call("wait", { agent_ids: [id], timeout_s: 120 });
    const first = r.fakes[provider].requests.find((q) => q.lastUserText.includes(marker) && q.receivedAt !== undefined);
    if (first?.receivedAt === undefined) throw new Error(`${provider}: the model never saw ${marker}`);
    out.push(first.receivedAt - t0);
    await r.call("kill_agent", { agent_id: id });
  }
  return out;
}

async function firstRequests(runs: number, env: Record<string, string>): Promise<Record<Provider, Summary>> {
  const r = await mcpRig(env);
  try {
    const out = {} as Record<Provider, Summary>;
    for (const provider of PROVIDERS) out[provider] = summarize(await toFirstRequest(r, provider, runs));
    return out;
  } finally {
    await r.close();
  }
}

// One agent per CLI, launched in the same instant; each launch call timed, then the wait for all.
async function threeAtOnce(runs: number): Promise<{ all: number[]; calls: number[] }> {
  const r = await mcpRig();
  const all: number[] = [];
  const calls: number[] = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const t0 = performance.now();
      const ids = await Promise.all(
        PROVIDERS.map(async (provider) => {
          const c0 = performance.now();
          const { agent_id: id } = await r.call<{ agent_id: string }>("launch_agent", { provider, prompt: `three ${i}` });
          calls.push(performance.now() - c0);
          return id;
        }),
      );
      await r.call("wait", { agent_ids: ids, mode: "all", timeout_s: 120 });
      all.push(performance.now() - t0);
      await Promise.all(ids.map((id) => r.call("kill_agent", { agent_id: id })));
    }
  } finally {
    await r.close();
  }
  return { all, calls };
}

/** The start-up measures of targets.md from a launch on (a fresh server's own start is the serve benchmark's), against fresh agents. */
export async function startupBench(runs: number): Promise<StartupResults> {
  const setup = await setupVsBare(runs);
  const firstRequest = Object.fromEntries(setup.rows.map((row) => [row.provider, row.without])) as Record<Provider, Summary>;
  const firstRequestNoMessaging = await firstRequests(runs, { SUBAGENT_MCP_CHILD_MESSAGING: "0" });
  const three = await threeAtOnce(runs);
  return {
    firstRequest,
    firstRequestNoMessaging,
    setupVsBare: setup.rows,
    setupVsBareLoad: setup.loadAverage,
    setupVsBareNice: setup.nice,
    threeAllDone: summarize(three.all),
    launchConcurrent3: summarize(three.calls),
  };
}
