// The `scale` benchmark: one server over MCP with N live sub-agents, each doing a turn every few
// seconds (send_message + wait, staggered), while list_agents and poll_agent are called over and over;
// per N, what our processes hold and spend per live agent and how the calls' tails grow with N.
import { loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { SERVER_NAME, type LaunchAgentResult as Launched, type BuiltinProvider as Provider } from "@subagent-mcp/contract";
import type { RecordedRequest } from "@subagent-mcp/testkit";
import { mcpRig, ourDist, type McpRig } from "../mcp-rig.js";
import { sampleTree, type TreeSample } from "@subagent-mcp/testkit";
import { watchDashboard, type DashboardStream, type DashboardWatch } from "./scale-dashboard.js";
import { recordedTurns, splitWait, type TurnTiming, type WaitSplit } from "./scale-split.js";
import { summarize, type Summary } from "../stats.js";

/** What one server with N live agents measured. */
export interface ScaleRun {
  label: string;
  n: number;
  providers: Partial<Record<Provider, number>>;
  /** 1-minute load average when the run began, and at the end of the load's first half. */
  loadAtStart: number;
  loadAtMid: number;
  /** Our processes before any launch (MB). */
  idleRssMb: number;
  /** Our processes during the load (median of the samples, MB) and how many there were. */
  oursRssMb: number;
  ourProcesses: number;
  /** How many processes: ours before any launch, ours and the CLIs' during the load (medians of the samples). */
  processes: { oursIdle: number; ours: number; clis: number };
  /** Agents whose CLI was handed our own tools on the server's endpoint (their HOME has `setup`'s entry of ours). */
  handedOwn: number;
  /** Ours once the first agent has done its first turn (the server's lazy loads are in). */
  afterFirstRssMb: number;
  /** (ours under load - ours idle) / N: the first agent's one-time loads included. */
  rssPerAgentMb: number;
  /** (ours under load - ours after the first agent) / (N - 1): what each further agent costs. */
  rssPerFurtherAgentMb: number;
  /** The CLIs' processes during the load (median, MB), for scale. */
  clisRssMb: number;
  /** Our CPU in the load's first half (turns, no probes): ms per second, per second per agent, per turn. */
  cpuMsPerS: number;
  cpuMsPerAgentS: number;
  cpuMsPerTurn: number;
  /** The CLIs' CPU in the same window (ms per second): what they take of the cores beside ours. */
  clisCpuMsPerS: number;
  /** Turns in the load's first half. */
  turns: number;
  /** The model's last byte of a turn -> the agent's `wait` returns. */
  waitAfterModel: Summary;
  /** That latency split at the server's record of the turn's end: the CLI's part and ours. */
  waitSplit: WaitSplit;
  /** Called over and over in the load's second half. */
  listAgents: Summary;
  pollAgent: Summary;
  /** Called over and over with the N agents live but idle (no turn running): our per-call cost alone. */
  listAgentsIdle: Summary;
  pollAgentIdle: Summary;
  /** `launch_agent` -> that agent's first model request, for the Nth launch (N-1 agents live). */
  nthLaunchFirstRequestMs: number;
  /** The dashboard's live stream over the load (absent when the run had no dashboard open). */
  dashboard?: DashboardStream;
}

/** How a run is shaped (from the environment; see scaleOptions). */
export interface ScaleOptions {
  /** Each agent's turn period (ms); turns are staggered across it. */
  periodMs: number;
  /** How long the load runs per N (ms). */
  loadMs: number;
  /** How long each turn streams, so that its `wait` is already blocking when the model ends. */
  slowMs: number;
  /** How long list_agents and poll_agent are probed with every agent idle, before the load (ms). */
  idleProbeMs: number;
  /** NODE_OPTIONS for the server (e.g. --require of a preload that profiles it), to profile it under load. */
  serverNodeOptions?: string;
  /** Whether a dashboard follows the load with its event stream open (as a user's open page would). */
  dashboard: boolean;
}

/** Finds, by marker, the recorded requests of every fake: scanned once each, as they come. */
class Markers {
  readonly #scanned = new Map<Provider, number>();
  readonly #first = new Map<string, RecordedRequest>();
  readonly #last = new Map<string, RecordedRequest>();
  constructor(private readonly rig: McpRig) {}

  #scan(): void {
    for (const [provider, fake] of Object.entries(this.rig.fakes) as [Provider, McpRig["fakes"][Provider]][]) {
      const from = this.#scanned.get(provider) ?? 0;
      for (const request of fake.requests.slice(from)) {
        if (request.reply === "json" || request.reply === "title") continue;
        for (const [marker] of request.lastUserText.matchAll(/\bsc-\d+-\d+-\d+\b/g)) {
          if (!this.#first.has(marker)) this.#first.set(marker, request);
          this.#last.set(marker, request);
        }
      }
      this.#scanned.set(provider, fake.requests.length);
    }
  }

  firstReceived(marker: string): number {
    this.#scan();
    const at = this.#first.get(marker)?.receivedAt;
    if (at === undefined) throw new Error(`the model never saw ${marker}`);
    return at;
  }

  lastEnded(marker: string): number {
    this.#scan();
    const at = this.#last.get(marker)?.endedAt;
    if (at === undefined) throw new Error(`no finished model response for ${marker}`);
    return at;
  }
}

/** The server's environment for N agents: room for all of them on every CLI. */
function roomFor(n: number, nodeOptions: string | undefined): Record<string, string> {
  const room = String(n + 5);
  return {
    SUBAGENT_MCP_CAP_CLAUDE: room,
    SUBAGENT_MCP_CAP_CODEX: room,
    SUBAGENT_MCP_CAP_GEMINI: room,
    SUBAGENT_MCP_MAX_LIVE: String(n + 10),
    ...(nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions }),
    // The agents' niceness, to compare a run at 0 with one at the default.
    ...(process.env.SUBAGENT_MCP_AGENT_NICE === undefined ? {} : { SUBAGENT_MCP_AGENT_NICE: process.env.SUBAGENT_MCP_AGENT_NICE }),
  };
}

// Agents [from, to) launched in batches of 5, each batch's first turn done before the next.
async function launchBatches(r: McpRig, plan: Provider[], run: number, from: number, to: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < to; i += 5) {
    const batchIds = await Promise.all(
      plan.slice(i, Math.min(i + 5, to)).map(async (provider, j) => {
        const launched = await r.call<Launched>("launch_agent", { provider, prompt: `start sc-${run}-${i + j}-0` });
        return launched.agent_id;
      }),
    );
    await r.call("wait", { agent_ids: batchIds, mode: "all", timeout_s: 300 });
    ids.push(...batchIds);
  }
  return ids;
}

// The Nth launch alone, N-1 agents live: launch_agent -> its first model request.
async function launchNth(r: McpRig, markers: Markers, plan: Provider[], run: number): Promise<{ id: string; ms: number }> {
  const last = plan.length - 1;
  const t0 = performance.now();
  const { agent_id: id } = await r.call<Launched>("launch_agent", { provider: plan[last], prompt: `start sc-${run}-${last}-0` });
  await r.call("wait", { agent_ids: [id], timeout_s: 300 });
  return { id, ms: markers.firstReceived(`sc-${run}-${last}-0`) - t0 };
}

// One agent's turns until the deadline: send_message, then wait; the wait's lag after the model's end.
async function agentLoop(
  r: McpRig,
  markers: Markers,
  id: string,
  index: number,
  run: number,
  o: ScaleOptions,
  deadline: number,
  out: { lags: number[]; ends: number[]; timings: TurnTiming[] },
): Promise<void> {
  // Staggered: the agents' turns spread over the period rather than all at once.
  await sleep((index * 7919) % o.periodMs);
  for (let k = 1; performance.now() < deadline; k += 1) {
    const started = performance.now();
    const marker = `sc-${run}-${index}-${k}`;
    await r.call("send_message", { agent_id: id, message: `[[slow:${o.slowMs}]] ${marker}` });
    const waited = await r.call<{ finished: { turn: number }[] }>("wait", { agent_ids: [id], timeout_s: 120 });
    const returned = performance.now();
    const modelEnd = markers.lastEnded(marker);
    out.lags.push(returned - modelEnd);
    out.ends.push(returned);
    const turn = waited.finished[0]?.turn;
    if (turn !== undefined) out.timings.push({ id, turn, modelEnd, returned });
    await sleep(Math.max(0, o.periodMs - (performance.now() - started)));
  }
}

// From `start`, list_agents and poll_agent, one after the other with a short pause, until the deadline.
async function probeLoop(r: McpRig, ids: string[], start: number, deadline: number): Promise<{ list: number[]; poll: number[] }> {
  const list: number[] = [];
  const poll: number[] = [];
  await sleep(Math.max(0, start - performance.now()));
  for (let i = 0; performance.now() < deadline; i += 1) {
    const t0 = performance.now();
    // Every live agent in one page (the default page is 50 rows): the call's cost at N, not at 50.
    await r.call("list_agents", { limit: 500 });
    list.push(performance.now() - t0);
    const t1 = performance.now();
    await r.call("poll_agent", { agent_id: ids[i % ids.length], tail_chars: 200 });
    poll.push(performance.now() - t1);
    await sleep(20);
  }
  return { list, poll };
}

async function sampleLoop(pid: number, deadline: number, dash: DashboardWatch | undefined): Promise<TreeSample[]> {
  const out: TreeSample[] = [];
  while (performance.now() < deadline) {
    out.push(sampleTree(pid, ourDist));
    dash?.sample();
    await sleep(1_000);
  }
  return out;
}

const median = (xs: number[]): number => summarize(xs).median;
const round1 = (x: number): number => Math.round(x * 10) / 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;

// How many of `ids` were handed our own tools (poll_agent names the servers each was handed).
async function handedOwn(r: McpRig, ids: string[]): Promise<number> {
  const polled = await Promise.all(ids.map((id) => r.call<{ mcp_servers?: string[] }>("poll_agent", { agent_id: id, tail_chars: 0 })));
  return polled.filter((p) => p.mcp_servers?.includes(SERVER_NAME) === true).length;
}

/**
 * One server, agents on `plan` (one provider per agent), the load for `o.loadMs`; `setup`: the
 * hosts `subagent-mcp setup --host` was run for in the HOME first (their agents may nest).
 */
export async function scaleRun(label: string, plan: Provider[], run: number, o: ScaleOptions, setup: readonly Provider[] = []): Promise<ScaleRun> {
  const loadAtStart = round2(loadavg()[0] ?? 0);
  const r = await mcpRig(roomFor(plan.length, o.serverNodeOptions), setup);
  let dash: DashboardWatch | undefined;
  try {
    await sleep(1_000);
    const idle = sampleTree(r.pid, ourDist);
    const markers = new Markers(r);
    // The first agent alone: what the server loads once on first use is not a per-agent cost.
    const ids = await launchBatches(r, plan, run, 0, 1);
    const first = sampleTree(r.pid, ourDist);
    ids.push(...(await launchBatches(r, plan, run, 1, plan.length - 1)));
    const nth = await launchNth(r, markers, plan, run);
    ids.push(nth.id);
    const handed = await handedOwn(r, ids);
    // The first half: turns only (our CPU is theirs); the second: turns and the probes beside them.
    // No turn running: what list_agents and poll_agent cost us alone with N agents live.
    const idleProbes = await probeLoop(r, ids, performance.now(), performance.now() + o.idleProbeMs);
    // Opened after the idle probes: from here on a page follows the agents, as a user's would.
    dash = o.dashboard ? await watchDashboard(r.env) : undefined;
    const before = sampleTree(r.pid, ourDist);
    const t0 = performance.now();
    dash?.begin();
    const half = t0 + o.loadMs / 2;
    const deadline = t0 + o.loadMs;
    const turnsOut = { lags: [] as number[], ends: [] as number[], timings: [] as TurnTiming[] };
    const [, probes, samples, mid] = await Promise.all([
      Promise.all(ids.map((id, i) => agentLoop(r, markers, id, i, run, o, deadline, turnsOut))),
      probeLoop(r, ids, half, deadline),
      sampleLoop(r.pid, deadline, dash),
      sleep(o.loadMs / 2).then(() => ({ tree: sampleTree(r.pid, ourDist), at: performance.now(), load: loadavg()[0] ?? 0 })),
    ]);
    const seconds = (mid.at - t0) / 1_000;
    const turns = turnsOut.ends.filter((at) => at <= mid.at).length;
    const cpuMs = mid.tree.oursCpuMs - before.oursCpuMs;
    const recorded = recordedTurns(r.env.env.XDG_STATE_HOME ?? "", turnsOut.timings);
    const waitSplit = splitWait(recorded);
    const dashboard = dash?.measure(
      t0,
      performance.now(),
      recorded.map(({ timing, recorded: at }) => ({ id: timing.id, turn: timing.turn, recorded: at })),
    );
    const oursRssMb = median(samples.map((s) => s.oursRssMb));
    const providers: Partial<Record<Provider, number>> = {};
    for (const p of plan) providers[p] = (providers[p] ?? 0) + 1;
    await Promise.all(ids.map((id) => r.call("kill_agent", { agent_id: id })));
    return {
      label,
      n: plan.length,
      providers,
      loadAtStart,
      loadAtMid: round2(mid.load),
      idleRssMb: idle.oursRssMb,
      oursRssMb,
      ourProcesses: Math.max(...samples.map((s) => s.ourProcesses)),
      processes: { oursIdle: idle.ourProcesses, ours: median(samples.map((s) => s.ourProcesses)), clis: median(samples.map((s) => s.cliProcesses)) },
      handedOwn: handed,
      afterFirstRssMb: first.oursRssMb,
      rssPerAgentMb: round2((oursRssMb - idle.oursRssMb) / plan.length),
      rssPerFurtherAgentMb: round2((oursRssMb - first.oursRssMb) / Math.max(1, plan.length - 1)),
      clisRssMb: median(samples.map((s) => s.clisRssMb)),
      cpuMsPerS: round1(cpuMs / seconds),
      cpuMsPerAgentS: round2(cpuMs / seconds / plan.length),
      cpuMsPerTurn: round2(cpuMs / Math.max(1, turns)),
      clisCpuMsPerS: round1((mid.tree.clisCpuMs - before.clisCpuMs) / seconds),
      turns,
      waitAfterModel: summarize(turnsOut.lags),
      waitSplit,
      listAgents: summarize(probes.list),
      pollAgent: summarize(probes.poll),
      listAgentsIdle: summarize(idleProbes.list),
      pollAgentIdle: summarize(idleProbes.poll),
      nthLaunchFirstRequestMs: round1(nth.ms),
      ...(dashboard === undefined ? {} : { dashboard }),
    };
  } finally {
    await dash?.stop();
    await r.close();
  }
}
