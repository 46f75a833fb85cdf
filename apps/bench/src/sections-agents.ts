// The agent-running benchmarks' sections of `pnpm bench`: each runs one benchmark and reports it.
import { tasksBench } from "./mcp/tasks.js";
import { coldVsWarm, type ColdWarmResult } from "./startup/cold-warm.js";
import { mcpBench } from "./mcp/mcp.js";
import { permissionBench } from "./permissions/permissions.js";
import { poolBench, type PoolResult } from "./pool/pool.js";
import { poolNestingBench, type PoolNestingResult } from "./pool/pool-nesting.js";
import { printTable } from "./stats.js";
import { startupBench } from "./startup/startup.js";
import { mailboxWake, workerBench, type WorkerResult } from "./mailbox/worker.js";
import type { BenchContext } from "./context.js";
import { SERVE_TARGETS, serveBench } from "./startup/serve.js";
import { fleetBench, type FleetResult } from "./fleet/fleet.js";
import { tracingBench } from "./tracing/tracing.js";

/** The cold-warm benchmark: runs it, prints its tables, saves its results. */
export async function benchColdWarm({ runs, providers, acpAgents, save }: BenchContext): Promise<void> {
  const rows: ColdWarmResult[] = [];
  for (const provider of [...providers, ...acpAgents]) rows.push(await coldVsWarm(provider, runs, 5));
  printTable(
    `Driver: cold start to first result vs a follow-up in a warm session (ms; ${runs} cold runs, ${runs * 5} warm turns per CLI)`,
    ["cli", "cold median", "cold min-max", "warm median", "warm p95", "warm min-max", "warm is faster by", "CLI lag: model done -> turn end"],
    rows.map((r) => [
      r.provider,
      r.cold.median,
      `${r.cold.min}-${r.cold.max}`,
      r.warm.median,
      r.warm.p95,
      `${r.warm.min}-${r.warm.max}`,
      `${r.speedup}x`,
      `${r.cliLag.median} / ${r.cliLag.p99}`,
    ]),
  );
  save("cold-vs-warm", { results: rows });
}

/** The startup benchmark: runs it, prints its tables, saves its results. */
export async function benchStartup({ runs, providers, save }: BenchContext): Promise<void> {
  const s = await startupBench(runs);
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  printTable(
    "Start-up as a host sees it (ms; median / p99)",
    ["measure", "claude", "codex", "gemini", "target"],
    [
      ["launch_agent -> sub-agent's first model request", ...providers.map((p) => ms(s.firstRequest[p])), "529 / 544 / 1102"],
      ["same without sub-agent messaging", ...providers.map((p) => ms(s.firstRequestNoMessaging[p])), ""],
    ],
  );
  const mp = (x: { median: number; p90: number }): string => `${x.median} / ${x.p90}`;
  const verdict = (x: number): string => `${x}x ${x <= 1.1 ? "PASS" : "FAIL"}`;
  printTable(
    `launch_agent -> first model request: (a) no setup, (b) setup done for every CLI in the HOME, (c) the CLI alone by its driver; taken in turn, ${runs} runs each after one uncounted; agents at nice ${s.setupVsBareNice}; load average ${s.setupVsBareLoad.start} -> ${s.setupVsBareLoad.end} (ms; median / p90)`,
    ["cli", "(a) without setup", "(b) with setup", "(c) bare CLI", "(b)/(a)", "(a)/(c)", "launch_agent offered (b) / (a)", "target"],
    s.setupVsBare.map((r) => [
      r.provider,
      mp(r.without),
      mp(r.withSetup),
      mp(r.bare),
      verdict(r.setupOverWithout),
      verdict(r.withoutOverBare),
      `${r.ownToolsOffered.withSetup}/${runs}, ${r.ownToolsOffered.without}/${runs}`,
      "both <= 1.1x",
    ]),
  );
  printTable(
    "",
    ["measure", "value", "target"],
    [
      ["three agents launched at once, all done", ms(s.threeAllDone), "<= 1197"],
      ["launch_agent call, 3 concurrent", ms(s.launchConcurrent3), "< 15"],
    ],
  );
  save("startup", { results: s });
}

/** The mcp benchmark: runs it, prints its tables, saves its results. */
export async function benchMcp({ runs, providers, save }: BenchContext): Promise<void> {
  const m = await mcpBench(Math.max(5, runs * 2));
  printTable(
    "MCP server over stdio (ms unless named; median / p99)",
    ["measure", "claude", "codex", "gemini", "target"],
    [
      ["model finished -> wait returns", ...providers.map((p) => `${m.wakeUp[p].median} / ${m.wakeUp[p].p99}`), "< 5"],
      ["same, naive 250 ms polling loop", ...providers.map((p) => `${m.wakeUpPolling250[p].median} / ${m.wakeUpPolling250[p].p99}`), "(baseline)"],
      ["follow-up turn (send_message + wait)", ...providers.map((p) => `${m.followUp[p].median} / ${m.followUp[p].p99}`), "< 65"],
    ],
  );
  printTable(
    "",
    ["measure", "value", "target"],
    [
      ["20 sequential tasks, median per task (claude)", `${m.sequential20.median} (p99 ${m.sequential20.p99})`, "< 65"],
      ["list_agents with 5 live agents, median / p99", `${m.listAgents5.median} / ${m.listAgents5.p99}`, "p99 < 2"],
      ["list_agents with 20 live agents, median / p99", `${m.listAgents20.median} / ${m.listAgents20.p99}`, "p99 < 2"],
      ["poll_agent with 20 live agents, median / p99", `${m.pollAgent20.median} / ${m.pollAgent20.p99}`, "p99 < 2"],
      ["launch_agent returns, median / p99", `${m.launchReturns.median} / ${m.launchReturns.p99}`, "< 15"],
      ["idle server RSS (MB)", m.idleRssMb, "< 45"],
      ["server exit after stdin closes", m.exitAfterStdinCloseMs, "< 1000"],
      ["agent processes alive 1 s after client exit", m.agentProcessesAliveAfter1s, "0"],
    ],
  );
  save("mcp", { results: m });
}

/** The permissions benchmark: runs it, prints its tables, saves its results. */
export async function benchPermissions({ runs, providers, save }: BenchContext): Promise<void> {
  const rows = await permissionBench(providers, runs);
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  printTable(
    `Permission requests over MCP, wait already blocking (ms, median / p99; ${runs} requests per CLI)`,
    [
      "cli",
      "model's tool call sent -> wait returns",
      "of which the CLI: -> asked_at",
      "the server: asked_at -> wait returns",
      "respond_permission -> command ran",
      "wait blocked first",
      "target",
    ],
    rows.map((r) => [r.provider, ms(r.toolCallToWait), ms(r.toolCallToAsked), ms(r.askedToWait), ms(r.respondToRan), `${r.waitBlockedFirst}/${runs}`, "< 10"]),
  );
  save("permissions", { results: rows });
}

/** The pool benchmark: runs it, prints its tables, saves its results. */
export async function benchPool({ runs, providers, save }: BenchContext): Promise<void> {
  const tasks = Number(process.env.SUBAGENT_MCP_BENCH_POOL_TASKS ?? 100);
  const naiveTasks = Math.min(tasks, Math.max(10, runs * 4));
  const rows: PoolResult[] = [];
  for (const provider of providers) rows.push(await poolBench(provider, tasks, naiveTasks));
  printTable(
    `Pool: ${tasks} sequential tasks on one pooled agent (reset / respawn) vs a new process per task (${naiveTasks} tasks); ms, median / p95`,
    ["cli", "pooled+reset per task", "pooled+respawn per task", "process per task", "to model: pooled / naive", "faster per task", "faster to model"],
    rows.map((r) => [
      r.provider,
      `${r.reset.perTask.median} / ${r.reset.perTask.p95}`,
      `${r.respawn.perTask.median} / ${r.respawn.perTask.p95}`,
      `${r.naive.perTask.median} / ${r.naive.perTask.p95}`,
      `${r.reset.toModel.median} / ${r.naive.toModel.median}`,
      `${r.speedupPerTask}x`,
      `${r.speedupToModel}x`,
    ]),
  );
  printTable(
    "Pool: process-tree RSS over the run (MB)",
    ["cli", "pooled first", "pooled last", "pooled max", "pooled growth", "naive per-task process"],
    rows.map((r) => [r.provider, r.reset.rssFirst, r.reset.rssLast, r.reset.rssMax, `${r.reset.rssGrowthPct}%`, `${r.naive.rssFirst}-${r.naive.rssMax}`]),
  );
  save("pool", { results: rows });
}

/** Pool replicas that may nest (setup done) against plain ones, through the built server: prints its table, saves its results. */
export async function benchPoolNesting({ runs, providers, save }: BenchContext): Promise<void> {
  const replicas = 3;
  const rows: PoolNestingResult[] = [];
  for (const provider of providers) rows.push(await poolNestingBench(provider, replicas, Math.max(1, Math.ceil(runs / 2))));
  printTable(
    `Pool nesting: ${replicas} replicas of one definition, each after its first task, in a HOME where \`setup --host\` was done against a plain one (ours = the server, its helpers and any server of ours a CLI started)`,
    [
      "cli",
      "our processes: setup / plain",
      "ours MB: setup / plain",
      "ours per replica that may nest (MB)",
      "CLIs MB: setup / plain",
      "first task ms: setup / plain",
    ],
    rows.map((r) => [
      r.provider,
      `${r.setup.ourProcesses} / ${r.plain.ourProcesses}`,
      `${r.setup.oursRssMb} / ${r.plain.oursRssMb}`,
      r.oursPerReplicaMb,
      `${r.setup.clisRssMb} / ${r.plain.clisRssMb}`,
      `${r.setup.firstTask.median} / ${r.plain.firstTask.median}`,
    ]),
  );
  save("pool-nesting", { results: rows });
}

/** The worker benchmark: runs it, prints its tables, saves its results. */
export async function benchWorker({ runs, providers, save }: BenchContext): Promise<void> {
  const wake = await mailboxWake(Math.max(50, runs * 10));
  const rows: WorkerResult[] = [];
  for (const provider of providers)
    for (const backend of ["maildir", "redis"] as const) rows.push(await workerBench(provider, Math.max(10, runs * 2), backend));
  printTable(
    `Worker: messages answered through the mailboxes, one after another (ms, median / p95; mailbox alone: send -> reader wakes ${wake.median} / ${wake.p95})`,
    ["cli", "mail", "first reply (CLI start)", "send -> reply", "send -> model", "model done -> reply", "idle tree RSS (MB)"],
    rows.map((r) => [
      r.provider,
      r.backend,
      r.firstReplyMs,
      `${r.reply.median} / ${r.reply.p95}`,
      `${r.toModel.median} / ${r.toModel.p95}`,
      `${r.modelToReply.median} / ${r.modelToReply.p95}`,
      r.idleTreeRssMb,
    ]),
  );
  save("worker", { mailboxWake: wake, results: rows });
}

/** The serve benchmark: a fresh server's start, idle memory and first calls, against the one-tool SDK server and a bare node. */
export async function benchServe({ runs, save }: BenchContext): Promise<void> {
  const s = await serveBench(Math.max(5, runs * 2));
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  const [t, v, f] = [SERVE_TARGETS, s.verdict, s.firstCalls];
  const init = [ms(s.bareNodeStartMs), ms(s.floorInitializeMs), ms(s.initializeMs)];
  const rss = [ms(s.bareNodeRssMb), ms(s.floorRssMb), ms(s.idleRssMb)];
  const carried = Object.entries(s.environment.carried).map(([k, value]) => `${k}=${value}`);
  const vars = `${s.environment.variables.length} variables, ${carried.length === 0 ? "none carried from the host" : `carried from the host: ${carried.join(", ")}`}`;
  printTable(
    `A fresh server as a host sees it (median / p99; ${s.initializeMs.n} runs; the same environment for all three: ${vars})`,
    ["measure", "bare node", "one-tool SDK server (floor)", "subagent-mcp", "ours vs floor", "target"],
    [
      ["spawn -> initialize answered (ms)", ...init, `${s.initializeVsFloor}x`, `<= ${t.initializeVsFloor}x: ${v.initializeVsFloor}`],
      ["tools/list, right after initialize (ms)", "", ms(s.floorToolsListMs), ms(s.toolsListMs), "", ""],
      ["spawn -> tools/list answered (ms)", "", ms(s.floorToolsReadyMs), ms(s.toolsReadyMs), `${s.toolsReadyVsFloor}x`, ""],
      ["idle RSS after 2 s (MB)", ...rss, `+${s.idleOverFloorMb} MB`, `<= +${t.idleOverFloorMb}: ${v.idleOverFloorMb}`],
      ["  over a bare node (MB)", "", `+${s.floorOverBareMb}`, `+${s.idleOverBareMb}`, "", ""],
      ["a tool call, 3 at once (ms)", "", ms(s.floorCall3), "", "", ""],
    ],
  );
  // wait: with nothing to wait on; poll_agent: of an agent whose first turn just finished.
  const row = (n: keyof typeof f): string[] => [n, ms(f[n].first), ms(f[n].second), ms(f[n].later), `${f[n].ratio}x`, `<= ${t.firstVsLater}x`];
  printTable(
    "Its first calls against its later ones (ms; median / p99): the first and the second each after 2 s of quiet, then 8 back to back",
    ["measure", "first", "second", "later", "first / second", "target"],
    [
      ...(["list_agents", "wait", "poll_agent"] as const).map(row),
      [
        "launch_agent, 3 at once",
        ms(s.firstLaunch3),
        ms(s.laterLaunch3),
        "",
        "",
        `< ${t.firstLaunchMs}: ${v.firstLaunch} / < ${t.laterLaunchMs}: ${v.laterLaunch}`,
      ],
      ["first calls within 2x of second ones", "", "", "", "", v.firstCalls],
    ],
  );
  save("serve", { results: s });
}

/** Delegation as MCP tasks: how late the interactive Claude Code host hears a sub-agent finished, and its model's calls per delegation. */
export async function benchTasks({ runs, save }: BenchContext): Promise<void> {
  const t = await tasksBench(Math.max(3, runs));
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  printTable(
    "Delegation with an interactive Claude Code host (median / p99)",
    ["measure", "value", "target"],
    [
      ["sub-agent's last byte -> host model told, tasks + our 250 ms poll hint (ms)", ms(t.tasksPollHint), "< 2000"],
      ["the same, tasks without a poll hint (host's own 2 s poll) (ms)", ms(t.tasksNoHint), ""],
      ["the same, no tasks: launch_agent then wait (ms)", ms(t.waitLoop), ""],
      ["host model's tool calls per delegation, with tasks", t.toolCallsWithTasks, "1"],
      ["host model's tool calls per delegation, launch + wait", t.toolCallsWithWait, ""],
      ["tasks/get round trip over stdio (µs)", ms(t.taskGetUs), "< 1000"],
    ],
  );
  save("tasks", { results: t });
}

/** The fleet benchmark: each CLI here and on a node over loopback Redis; prints its table, saves its results. */
export async function benchFleet({ runs, providers, save }: BenchContext): Promise<void> {
  const rows: FleetResult[] = [];
  for (const provider of providers) rows.push(await fleetBench(provider, runs, 5));
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  printTable(
    `Fleet: the same CLI here and on a node over Redis on 127.0.0.1 (ms, median / p99; ${runs} launches, ${runs * 5} follow-ups each)`,
    ["cli", "launch -> first model request, local", "remote", "follow-up, local", "remote", "remote - local (median)", "target"],
    rows.map((r) => [
      r.provider,
      ms(r.firstRequest.local),
      ms(r.firstRequest.remote),
      ms(r.followUp.local),
      ms(r.followUp.remote),
      Math.round((r.followUp.remote.median - r.followUp.local.median) * 100) / 100,
      "follow-up within 10",
    ]),
  );
  save("fleet", { results: rows });
}

/** The tracing benchmark: OpenTelemetry off against on, per tool call, per turn, at start-up; prints its tables, saves its results. */
export async function benchTracing({ runs, save }: BenchContext): Promise<void> {
  const t = await tracingBench(runs);
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  const { stdio: s, inProcessCall: c, turns: u, start: b } = t;
  printTable(
    `Tracing off vs on (OTLP http/protobuf to 127.0.0.1): ${s.calls} sequential ${s.tool} calls per server over stdio; load average ${t.machine.loadAverage.start.toFixed(1)} -> ${t.machine.loadAverage.end.toFixed(1)} on ${t.machine.cores} cores`,
    ["measure", "off", "on", "on - off", "target"],
    [
      ["tool call over stdio, median / p99 (ms)", ms(s.off.callMs), ms(s.on.callMs), `${s.addedMedianMs} / ${s.addedP99Ms}`, "< 0.2 ms"],
      ["server CPU per call (µs)", s.off.serverCpuUsPerCall, s.on.serverCpuUsPerCall, s.addedServerCpuUs, "< 200"],
      ["  on, the sampler dropping every span: CPU (µs)", "", s.onUnsampled.serverCpuUsPerCall, s.addedServerCpuUsUnsampled, ""],
      ["  off, only an AsyncLocalStorage in use: CPU (µs)", "", s.offWithAsyncContext.serverCpuUsPerCall, s.addedServerCpuUsAsyncContext, ""],
      [`in process: call span start/_meta/end (µs; ${c.batches} x ${c.callsPerBatch}; min ${c.otel.minUs})`, c.none.us, c.otel.us, c.addedUs, "< 200"],
      ["  the same, CPU incl. export (µs)", c.none.cpuUs, c.otel.cpuUs, c.addedCpuUs, "< 200"],
      ["  on the OFF tracer (µs)", c.none.us, c.offTracer.us, Math.round((c.offTracer.us - c.none.us) * 1000) / 1000, "~0"],
      [`agent turn, Supervisor + AgentSpans (µs; ${u.rounds} x ${u.turnsPerRound} turns)`, u.off.us, u.on.us, u.addedUs, "< 200"],
      ["  the same, CPU incl. export (µs)", u.off.cpuUs, u.on.cpuUs, u.addedCpuUs, "< 200"],
      [`spawn -> initialize (ms; ${b.off.initializeMs.n} runs)`, ms(b.off.initializeMs), ms(b.on.initializeMs), b.addedInitializeMs, "off unchanged"],
      ["spawn -> tools/list (ms)", ms(b.off.toolsListMs), ms(b.on.toolsListMs), b.addedToolsListMs, ""],
      [`idle RSS (MB; bare node ${b.bareNodeRssMb.median})`, b.off.idleRssMb.median, b.on.idleRssMb.median, b.addedIdleRssMb, "off unchanged"],
      ["  over a bare node (MB)", b.off.idleOverBareMb, b.on.idleOverBareMb, "", ""],
      [
        "spans exported / made: stdio, in process, turns",
        "",
        `${s.spansExported}/${s.callsTraced}, ${c.spansExported}/${c.spansStarted}, ${u.spansExported}/${u.spansMade}`,
        "",
        "all",
      ],
    ],
  );
  if (t.serveReported !== undefined)
    process.stdout.write(
      `serve bench as last reported (${t.serveReported.measuredAt}): initialize ${t.serveReported.initializeMedianMs} ms, idle RSS ${t.serveReported.idleRssMedianMb} MB (${t.serveReported.idleOverBareMb} over bare)\n`,
    );
  save("tracing", { results: t });
}
