// The `scale` section: runs scale.ts for each N on one CLI and a mix of all CLIs at N = 10, prints the
// table, checks the targets and saves results/scale.json.
import type { BuiltinProvider as Provider } from "@subagent-mcp/contract";
import type { BenchContext } from "../context.js";
import { scaleRun, type ScaleOptions, type ScaleRun } from "./scale.js";
import { printTable } from "../stats.js";

/** One target's verdict, with the numbers it was judged on. */
interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

/** The lightest CLI against the fakes (RSS of one live agent: codex app-server ~154 MB, claude ~206, gemini ~219). */
const LIGHTEST: Provider = "codex";
const MIX: Provider[] = ["claude", "codex", "gemini"];

const envNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  return raw === undefined || raw === "" ? fallback : Number(raw);
};

/**
 * SUBAGENT_MCP_BENCH_SCALE_N (comma-separated, default 10,25,50,100), _PERIOD_MS (3000), _LOAD_MS
 * (30000), _IDLE_MS (5000), _MIX (0 skips the mixed run), _NEST (agents in the nesting run, 10; 0 skips it),
 * _DASHBOARD (1: a dashboard page follows the load; its calls count in the server's CPU and memory, so that
 * run is saved apart, as scale-dashboard),
 * _SERVER_NODE_OPTIONS (the server's NODE_OPTIONS);
 * SUBAGENT_MCP_AGENT_NICE is handed to the server (the agents' niceness).
 */
function scaleOptions(): { ns: number[]; mix: boolean; nest: number; options: ScaleOptions } {
  const ns = (process.env.SUBAGENT_MCP_BENCH_SCALE_N ?? "10,25,50,100")
    .split(",")
    .map((x) => Number(x.trim()))
    .filter((x) => Number.isInteger(x) && x > 0);
  const nodeOptions = process.env.SUBAGENT_MCP_BENCH_SCALE_SERVER_NODE_OPTIONS ?? "";
  return {
    ns,
    mix: process.env.SUBAGENT_MCP_BENCH_SCALE_MIX !== "0",
    nest: envNumber("SUBAGENT_MCP_BENCH_SCALE_NEST", 10),
    options: {
      periodMs: envNumber("SUBAGENT_MCP_BENCH_SCALE_PERIOD_MS", 3_000),
      loadMs: envNumber("SUBAGENT_MCP_BENCH_SCALE_LOAD_MS", 30_000),
      slowMs: 200,
      idleProbeMs: envNumber("SUBAGENT_MCP_BENCH_SCALE_IDLE_MS", 5_000),
      dashboard: process.env.SUBAGENT_MCP_BENCH_SCALE_DASHBOARD === "1",
      ...(nodeOptions === "" ? {} : { serverNodeOptions: nodeOptions }),
    },
  };
}

/** The targets, judged on the single-CLI runs: the smallest N against the largest. */
function checkTargets(runs: ScaleRun[]): TargetCheck[] {
  const sorted = [...runs].sort((a, b) => a.n - b.n);
  const low = sorted[0];
  const high = sorted.at(-1);
  if (low === undefined || high === undefined) return [];
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  const waitRatio = ratio(high.waitAfterModel.p99, low.waitAfterModel.p99);
  const listRatio = ratio(high.listAgents.p99, low.listAgents.p99);
  const worstMem = Math.max(...runs.map((r) => r.rssPerFurtherAgentMb));
  return [
    {
      target: `wait p99 at N=${high.n} within 2x of N=${low.n}`,
      measured: `${high.waitAfterModel.p99} vs ${low.waitAfterModel.p99} ms (${waitRatio}x)`,
      pass: waitRatio <= 2,
    },
    {
      target: `list_agents p99 at N=${high.n} within 2x of N=${low.n}`,
      measured: `${high.listAgents.p99} vs ${low.listAgents.p99} ms (${listRatio}x)`,
      pass: listRatio <= 2,
    },
    { target: `list_agents p99 < 10 ms at N=${high.n}`, measured: `${high.listAgents.p99} ms`, pass: high.listAgents.p99 < 10 },
    { target: "<= 2 MB of our memory per further live agent (every run)", measured: `${worstMem} MB at worst`, pass: worstMem <= 2 },
  ];
}

function printRuns(runs: ScaleRun[], o: ScaleOptions): void {
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  printTable(
    `Scale: one server, N live agents, a turn every ${o.periodMs} ms each for ${o.loadMs / 1_000} s (CPU from its first half, list_agents and poll_agent called over and over in its second; ms: median / p99; MB; our processes = the server and its helpers, not the CLIs)`,
    [
      "run",
      "load",
      "turns",
      "ours idle / 1 agent / load MB",
      "MB per agent / further agent",
      "CLIs MB",
      "our CPU ms/s",
      "per agent-s",
      "per turn",
      "model end -> wait",
      "list_agents",
      "poll_agent",
      "Nth launch -> 1st request",
    ],
    runs.map((r) => [
      r.label,
      r.loadAtStart,
      r.turns,
      `${r.idleRssMb} / ${r.afterFirstRssMb} / ${r.oursRssMb}`,
      `${r.rssPerAgentMb} / ${r.rssPerFurtherAgentMb}`,
      r.clisRssMb,
      r.cpuMsPerS,
      r.cpuMsPerAgentS,
      r.cpuMsPerTurn,
      ms(r.waitAfterModel),
      ms(r.listAgents),
      ms(r.pollAgent),
      r.nthLaunchFirstRequestMs,
    ]),
  );
  printTable(
    "Scale attribution: ours vs the CLIs' contention (ms: median / p99; the wait split at the server's record of the turn's end; probes with every agent idle beside those under load)",
    ["run", "load start / mid", "CLIs CPU ms/s", "model end -> turn recorded", "recorded -> wait returns", "list_agents idle / load", "poll_agent idle / load"],
    runs.map((r) => [
      r.label,
      `${r.loadAtStart} / ${r.loadAtMid}`,
      r.clisCpuMsPerS,
      ms(r.waitSplit.cli),
      ms(r.waitSplit.ours),
      `${ms(r.listAgentsIdle)} | ${ms(r.listAgents)}`,
      `${ms(r.pollAgentIdle)} | ${ms(r.pollAgent)}`,
    ]),
  );
  const streams = runs.filter((r) => r.dashboard !== undefined);
  if (streams.length > 0) printDashboard(streams);
}

/** The dashboard's stream over the load: its own process, not counted among ours above (it is no child of the server). */
function printDashboard(runs: ScaleRun[]): void {
  printTable(
    "Scale dashboard: one page's event stream (/api/events) over the load (lag: the server recorded a turn's end -> the first event showing that agent done with it, ms median / p99; the dashboard's process apart from ours)",
    ["run", "events/s", "bytes/s", "bytes/event", "turn -> event", "turns unseen", "dashboard MB", "dashboard CPU ms/s"],
    runs.map((r) => {
      const d = r.dashboard as NonNullable<ScaleRun["dashboard"]>;
      return [r.label, d.eventsPerS, d.bytesPerS, d.bytesPerEvent, `${d.turnToEvent.median} / ${d.turnToEvent.p99}`, d.turnsUnseen, d.rssMb, d.cpuMsPerS];
    }),
  );
}

/** What of ours and how many processes each agent that may nest adds: its number of processes over the idle server's, per agent. */
function nestingPerAgent(r: ScaleRun): { ourProcesses: number; cliProcesses: number } {
  return { ourProcesses: round2((r.processes.ours - r.processes.oursIdle) / r.n), cliProcesses: round2(r.processes.clis / r.n) };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The nesting run beside the plain run of as many agents of the same CLI, when there was one. */
function printNesting(r: ScaleRun, plain: ScaleRun[]): void {
  const same = plain.find((p) => p.n === r.n);
  const per = nestingPerAgent(r);
  printTable(
    `Scale nesting: ${r.n} ${LIGHTEST} agents in a HOME where \`setup --host ${LIGHTEST}\` was done, launched as any other (each handed our tools on the server's endpoint; ours = the server, its helpers and any server of ours a CLI started)`,
    [
      "run",
      "handed our tools",
      "ours idle / 1 agent / load MB",
      "ours MB per agent / further agent",
      "processes per agent: ours / the CLI's",
      "our processes idle / load",
      "target",
    ],
    [r, ...(same === undefined ? [] : [same])].map((x) => {
      const p = nestingPerAgent(x);
      return [
        x.label,
        `${x.handedOwn}/${x.n}`,
        `${x.idleRssMb} / ${x.afterFirstRssMb} / ${x.oursRssMb}`,
        `${x.rssPerAgentMb} / ${x.rssPerFurtherAgentMb}`,
        `${p.ourProcesses} / ${p.cliProcesses}`,
        `${x.processes.oursIdle} / ${x.processes.ours}`,
        x === r ? `<= 2 MB per agent; ${per.ourProcesses} of ours` : "(no setup)",
      ];
    }),
  );
}

/** The nesting run's target: what of ours each further agent that may nest adds, none of it a server of its own. */
function nestingTarget(r: ScaleRun): TargetCheck {
  const per = nestingPerAgent(r);
  return {
    target: "<= 2 MB of our memory per further agent that may nest (setup done), no process of ours per agent",
    measured: `${r.rssPerFurtherAgentMb} MB, ${per.ourProcesses} of our processes and ${per.cliProcesses} of the CLI's per agent; ${r.handedOwn}/${r.n} handed our tools`,
    pass: r.rssPerFurtherAgentMb <= 2 && per.ourProcesses < 0.5 && r.handedOwn === r.n,
  };
}

/** The scale benchmark: runs it, prints its table and target checks, saves its results. */
export async function benchScale({ save }: BenchContext): Promise<void> {
  const { ns, mix, nest, options } = scaleOptions();
  const runs: ScaleRun[] = [];
  for (const [i, n] of ns.entries()) runs.push(await scaleRun(`${LIGHTEST} x${n}`, Array<Provider>(n).fill(LIGHTEST), i + 1, options));
  const mixed = mix
    ? [
        await scaleRun(
          "mix x10",
          Array.from({ length: 10 }, (_, i) => MIX[i % MIX.length] as Provider),
          ns.length + 1,
          options,
        ),
      ]
    : [];
  // Agents that may nest: `setup --host` done in their HOME, launched as any other; each CLI is then
  // handed our own tools on the server's endpoint, and any server of ours it started would count as ours.
  const nesting =
    nest > 0 ? await scaleRun(`${LIGHTEST} x${nest} nesting`, Array<Provider>(nest).fill(LIGHTEST), ns.length + 2, options, [LIGHTEST]) : undefined;
  const all = [...runs, ...mixed, ...(nesting === undefined ? [] : [nesting])];
  printRuns(all, options);
  if (nesting !== undefined) printNesting(nesting, runs);
  const checks = [...checkTargets(runs), ...(nesting === undefined ? [] : [nestingTarget(nesting)])];
  printTable(
    "Scale targets",
    ["target", "measured", "verdict"],
    checks.map((c) => [c.target, c.measured, c.pass ? "PASS" : "FAIL"]),
  );
  save(options.dashboard ? "scale-dashboard" : "scale", { lightest: LIGHTEST, options, results: all, targets: checks });
}
