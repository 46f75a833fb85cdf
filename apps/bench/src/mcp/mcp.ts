import type { LaunchAgentResult as Launched, PollAgentResult as Poll, WaitResult as WaitOut, BuiltinProvider as Provider } from "@subagent-mcp/contract";
import { descendants } from "@subagent-mcp/drivers";
import { processAlive } from "@subagent-mcp/state";
import { setTimeout as sleep } from "node:timers/promises";
import { mcpRig, rssMb, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** Everything the MCP benchmark measures (milliseconds unless named otherwise). */
export interface McpResults {
  idleRssMb: number;
  launchReturns: Summary;
  listAgents5: Summary;
  listAgents20: Summary;
  pollAgent20: Summary;
  wakeUp: Record<Provider, Summary>;
  wakeUpPolling250: Record<Provider, Summary>;
  followUp: Record<Provider, Summary>;
  sequential20: Summary;
  exitAfterStdinCloseMs: number;
  agentProcessesAliveAfter1s: number;
}

const PROVIDERS: Provider[] = ["claude", "codex", "gemini"];

// The end of the model's last response for this agent's turn, by the fake's clock (same process).
function modelFinishedAt(r: McpRig, provider: Provider, marker: string): number {
  const request = [...r.fakes[provider].requests].reverse().find((q) => q.lastUserText.includes(marker) && q.reply !== "json");
  if (request?.endedAt === undefined) throw new Error(`${provider}: no finished model response for ${marker}`);
  return request.endedAt;
}

// model finished -> `wait` returns: the turn streams for 300 ms so that wait is already blocking.
async function wakeUpByWait(r: McpRig, provider: Provider, id: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const marker = `wake-${provider}-${i}`;
    await r.call("send_message", { agent_id: id, message: `[[slow:300]] ${marker}` });
    await r.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 60 });
    const returned = performance.now();
    out.push(returned - modelFinishedAt(r, provider, marker));
  }
  return out;
}

// The naive baseline: poll the agent every 250 ms until its turn is over.
async function wakeUpByPolling(r: McpRig, provider: Provider, id: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const marker = `poll-${provider}-${i}`;
    await r.call("send_message", { agent_id: id, message: `[[slow:300]] ${marker}` });
    for (;;) {
      await sleep(250);
      if ((await r.call<Poll>("poll_agent", { agent_id: id, tail_chars: 0 })).status !== "processing") break;
    }
    out.push(performance.now() - modelFinishedAt(r, provider, marker));
    await r.call("wait", { agent_ids: [id], timeout_s: 1 }); // consume the report
  }
  return out;
}

// A follow-up turn on a live conversation, as the orchestrator sees it: send_message + wait.
async function followUps(r: McpRig, id: string, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await r.call("send_message", { agent_id: id, message: `follow-up ${i}` });
    const done = await r.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 60 });
    if (done.finished[0]?.is_error !== false) throw new Error(`follow-up failed: ${JSON.stringify(done)}`);
    out.push(performance.now() - t0);
  }
  return out;
}

async function timed<T>(samples: number[], run: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await run();
  samples.push(performance.now() - t0);
  return value;
}

/** Drives the built server over MCP stdio through the scripted work of targets.md. */
export async function mcpBench(runs: number): Promise<McpResults> {
  const r = await mcpRig({ SUBAGENT_MCP_CAP_CODEX: "25" });
  try {
    await sleep(500);
    const idleRssMb = rssMb(r.pid);

    const launches: number[] = [];
    const ids: string[] = [];
    // The target's measure first: the list tool with 5 live agents; then the same with 20.
    for (let i = 0; i < 5; i += 1)
      ids.push((await timed(launches, () => r.call<Launched>("launch_agent", { provider: "codex", prompt: `agent ${i}` }))).agent_id);
    await r.call("wait", { agent_ids: ids, mode: "all", timeout_s: 300 });
    const list5: number[] = [];
    for (let i = 0; i < 200; i += 1) await timed(list5, () => r.call("list_agents"));
    for (let i = 5; i < 20; i += 1)
      ids.push((await timed(launches, () => r.call<Launched>("launch_agent", { provider: "codex", prompt: `agent ${i}` }))).agent_id);
    await r.call("wait", { agent_ids: ids, mode: "all", timeout_s: 300 });
    const list: number[] = [];
    const poll: number[] = [];
    for (let i = 0; i < 200; i += 1) await timed(list, () => r.call("list_agents"));
    for (let i = 0; i < 200; i += 1) await timed(poll, () => r.call("poll_agent", { agent_id: ids[i % ids.length] }));
    await Promise.all(ids.map((id) => r.call("kill_agent", { agent_id: id })));

    const wakeUp = {} as Record<Provider, Summary>;
    const wakeUpPolling250 = {} as Record<Provider, Summary>;
    const followUp = {} as Record<Provider, Summary>;
    let sequential20: Summary | undefined;
    for (const provider of PROVIDERS) {
      const { agent_id: id } = await r.call<Launched>("launch_agent", { provider, prompt: "warm up" });
      await r.call("wait", { agent_ids: [id], timeout_s: 60 });
      wakeUp[provider] = summarize(await wakeUpByWait(r, provider, id, runs));
      wakeUpPolling250[provider] = summarize(await wakeUpByPolling(r, provider, id, runs));
      const turns = await followUps(r, id, 20);
      followUp[provider] = summarize(turns);
      if (provider === "claude") sequential20 = summarize(turns);
    }

    // Shutdown: stdin closes, the server must go within a second and take every CLI with it.
    await Promise.all(PROVIDERS.map((provider) => r.call("launch_agent", { provider, prompt: "[[slow:60000]] in flight" })));
    await sleep(2_000);
    const tree = descendants(r.pid);
    const t0 = performance.now();
    await r.client.close();
    while (processAlive({ pid: r.pid }) && performance.now() - t0 < 10_000) await sleep(5);
    const exitAfterStdinCloseMs = Math.round(performance.now() - t0);
    await sleep(Math.max(0, 1_000 - (performance.now() - t0)));
    const agentProcessesAliveAfter1s = tree.filter((pid) => processAlive({ pid })).length;

    return {
      idleRssMb,
      launchReturns: summarize(launches),
      listAgents5: summarize(list5),
      listAgents20: summarize(list),
      pollAgent20: summarize(poll),
      wakeUp,
      wakeUpPolling250,
      followUp,
      sequential20: sequential20 as Summary,
      exitAfterStdinCloseMs,
      agentProcessesAliveAfter1s,
    };
  } finally {
    await r.close();
  }
}
