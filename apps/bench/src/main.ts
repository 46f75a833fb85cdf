import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Provider } from "@subagent-mcp/core";
import { budgetCheckBench } from "./budget.js";
import { coldVsWarm, type ColdWarmResult } from "./cold-warm.js";
import { dashboardBench } from "./dashboard.js";
import { decideBench } from "./decide.js";
import { hookBench } from "./hooks.js";
import { journalBench } from "./journal.js";
import { bigJournalBench } from "./journal-big.js";
import { mailboxBench } from "./mailbox.js";
import { mcpBench } from "./mcp.js";
import { permissionBench } from "./permissions.js";
import { poolBench, type PoolResult } from "./pool.js";
import { printTable } from "./stats.js";
import { startupBench } from "./startup.js";
import { mailboxWake, workerBench, type WorkerResult } from "./worker.js";
import { worktreeBench, type Paired } from "./worktree.js";

// Benchmarks print tables on stdout and write JSON under apps/bench/results/.
// SUBAGENT_MCP_BENCH_RUNS scales the run count (default 5); SUBAGENT_MCP_BENCH_ONLY picks one
// benchmark (cold-warm, startup, mcp, decide, permissions, pool, hooks, worker, worktree, journal, journal-big, budget, mailbox or dashboard); SUBAGENT_MCP_BENCH_POOL_TASKS sets the pooled task count (100).
const runs = Number(process.env.SUBAGENT_MCP_BENCH_RUNS ?? 5);
const only = process.env.SUBAGENT_MCP_BENCH_ONLY;
const providers: Provider[] = ["claude", "codex", "gemini"];
const resultsDir = join(import.meta.dirname, "..", "results");
mkdirSync(resultsDir, { recursive: true });
const save = (name: string, data: unknown): void => {
  writeFileSync(
    join(resultsDir, `${name}.json`),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), node: process.version, runs, ...(data as object) }, null, 2)}\n`,
  );
};

if (only === undefined || only === "cold-warm") {
  const rows: ColdWarmResult[] = [];
  for (const provider of providers) rows.push(await coldVsWarm(provider, runs, 5));
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

if (only === undefined || only === "startup") {
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
  printTable(
    "",
    ["measure", "value", "target"],
    [
      ["client connect + initialize", ms(s.connectInitialize), "< 120"],
      ["client connect + initialize + tools/list", ms(s.connectToolsList), ""],
      ["three agents launched at once, all done", ms(s.threeAllDone), "<= 1197"],
      ["launch_agent call, 3 concurrent", ms(s.launchConcurrent3), "< 15"],
    ],
  );
  save("startup", { results: s });
}

if (only === undefined || only === "mcp") {
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

if (only === undefined || only === "permissions" || only === "decide") {
  const rows = decideBench(1000);
  printTable(
    "A rule check (decide) per request, 1000 runs (ms)",
    ["request", "decision", "median", "p99", "target"],
    rows.map((r) => [r.request, r.decision, r.ms.median, r.ms.p99, "< 1"]),
  );
  save("decide", { results: rows });
}

if (only === undefined || only === "permissions") {
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

if (only === undefined || only === "pool") {
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

if (only === undefined || only === "hooks") {
  const h = await hookBench(Math.max(10, runs * 4));
  printTable(
    "Hook handler, process start to exit (ms)",
    ["case", "median", "p95", "min-max"],
    [
      ["claude: UserPromptSubmit, mode off", h.userPromptOff.median, h.userPromptOff.p95, `${h.userPromptOff.min}-${h.userPromptOff.max}`],
      ["claude: PreToolUse on Agent, mode on (deny)", h.preToolOn.median, h.preToolOn.p95, `${h.preToolOn.min}-${h.preToolOn.max}`],
      ["gemini: BeforeAgent, mode on (directive)", h.geminiPromptOn.median, h.geminiPromptOn.p95, `${h.geminiPromptOn.min}-${h.geminiPromptOn.max}`],
      ["gemini: BeforeTool on invoke_agent, mode on (deny)", h.geminiToolOn.median, h.geminiToolOn.p95, `${h.geminiToolOn.min}-${h.geminiToolOn.max}`],
      ["codex: PreToolUse on spawn_agent, mode on (deny)", h.codexToolOn.median, h.codexToolOn.p95, `${h.codexToolOn.min}-${h.codexToolOn.max}`],
      ...(["claude", "codex", "gemini"] as const).map((host) => [
        `${host}: ${host === "gemini" ? "AfterAgent" : "Stop"}, mode on, agent running (block)`,
        h.stopOn[host].median,
        h.stopOn[host].p95,
        `${h.stopOn[host].min}-${h.stopOn[host].max}`,
      ]),
      ["for scale: subagent-mcp --version", h.versionCommand.median, h.versionCommand.p95, `${h.versionCommand.min}-${h.versionCommand.max}`],
    ],
  );
  save("hooks", { results: h });
}

if (only === undefined || only === "worker") {
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

if (only === undefined || only === "worktree") {
  const w = await worktreeBench(Math.max(10, runs * 2));
  const ms = (x: { median: number; p95: number }): string => `${x.median} / ${x.p95}`;
  const row = (name: string, p: Paired): string[] => [name, ms(p.none), ms(p.worktree), `${p.addedMedian}`];
  printTable(
    `Worktree isolation, claude on a repository of ${w.repo.files} files (ms, median / p95; ${w.launch.none.n} runs each, alternating; load average ${w.loadAverage.start.toFixed(1)} -> ${w.loadAverage.end.toFixed(1)} on ${availableParallelism()} cores)`,
    ["measure", "isolation none", "isolation worktree", "added (median)"],
    [
      row("launch_agent call -> answer", w.launch),
      row("launch_agent -> first model request", w.toModel),
      row("launch_agent -> wait returns first turn", w.firstTurnEnd),
      row("kill_agent (clean worktree released)", w.kill),
    ],
  );
  printTable(
    `Worktree alone on the same repository (ms, median / p95; ${w.packageCreate.n} runs each, alternating; clean worktrees removed by kill_agent: ${w.worktreesRemoved}/${w.launch.worktree.n})`,
    ["step", "@subagent-mcp/worktrees", "git alone", "ours on top (median)"],
    [
      [
        "create (createWorktree | worktree add -b)",
        ms(w.packageCreate),
        ms(w.gitCreate),
        `${Math.round((w.packageCreate.median - w.gitCreate.median) * 100) / 100}`,
      ],
      [
        "release (releaseWorktree | remove + prune + branch -D)",
        ms(w.packageRelease),
        ms(w.gitRelease),
        `${Math.round((w.packageRelease.median - w.gitRelease.median) * 100) / 100}`,
      ],
    ],
  );
  save("worktree", { results: w });
}

if (only === undefined || only === "journal") {
  const j = await journalBench(Math.max(20, runs * 4), 10, Math.max(10, runs * 2));
  const ms = (x: { median: number; p95: number }): string => `${x.median} / ${x.p95}`;
  printTable(
    `Agent journal, claude on its fake model (ms, median / p95; ${j.launch.on.n} runs each, alternating; load average ${j.loadAverage.start.toFixed(1)} -> ${j.loadAverage.end.toFixed(1)} on ${availableParallelism()} cores)`,
    ["measure", "journal off", "journal on", "added (median)", "added (median of pairs)", "target"],
    [
      ["launch_agent call -> answer", ms(j.launch.off), ms(j.launch.on), `${j.launch.addedMedian}`, `${j.launch.pairedMedian}`, "< 1"],
      ["launch_agent -> wait returns first turn", ms(j.firstTurn.off), ms(j.firstTurn.on), `${j.firstTurn.addedMedian}`, `${j.firstTurn.pairedMedian}`, "< 1"],
    ],
  );
  printTable(
    `Journal bytes per turn (${j.bytes[0]?.turns ?? 0} turns of each kind after the first)`,
    ["cli", "after first turn", "short prompt, per turn", "one tool call, per turn", "tool calls ran / journaled", "error"],
    j.bytes.map((b) => [b.provider, b.afterFirstTurn, b.plainPerTurn, b.toolPerTurn, `${b.toolRan} / ${b.toolEntries}`, b.error ?? ""]),
  );
  printTable(
    "Wake: follow-up (send_message -> wait returns) to a hibernated agent vs at once after, live (ms, median / p95; SUBAGENT_MCP_IDLE_TTL_S=1)",
    ["cli", "hibernated", "live", "wake adds (median)", "idle -> hibernated", "resumed with history", "error"],
    j.wake.map((w) => [
      w.provider,
      w.hibernated === undefined ? "" : ms(w.hibernated),
      w.live === undefined ? "" : ms(w.live),
      w.addedMedian ?? "",
      w.toHibernated === undefined ? "" : ms(w.toHibernated),
      w.hibernated === undefined ? "" : `${w.resumedWithHistory}/${w.hibernated.n}`,
      w.error ?? "",
    ]),
  );
  save("journal", { results: j });
}

if (only === undefined || only === "journal-big") {
  const b = await bigJournalBench(Math.max(5, runs));
  const ms = (x: { median: number; p95: number }): string => `${x.median} / ${x.p95}`;
  printTable(
    `A past agent with a ${b.journalMb} MB journal (${b.turns} turns): each call through the built server (ms, median / p95; ${b.listPast.n} runs)`,
    ["measure", "value", "target"],
    [
      ["list_agents {include_past: true}", ms(b.listPast), "< 50"],
      ["transcript (from turn 1, one page)", ms(b.transcriptFirst), "< 50"],
      ["transcript {latest: true}", ms(b.transcriptLatest), "< 50"],
      ["bytes read per list_agents call (MB)", b.readPerListMb, "<= 1.1"],
      ["server RSS before / peak after (MB)", `${b.rssBeforeMb} / ${b.peakRssMb}`, "peak < 150"],
    ],
  );
  save("journal-big", { results: b });
}

if (only === undefined || only === "budget") {
  const b = budgetCheckBench(Math.max(10, runs * 2));
  const ns = (x: { median: number; p95: number }): string => `${Math.round(x.median)} / ${Math.round(x.p95)}`;
  printTable(
    `Budget check per streamed text event (ns, median / p95; ${b.events} events per run)`,
    ["measure", "value"],
    [
      ["supervisor, agent without a budget", ns(b.withoutBudget)],
      ["supervisor, agent with every limit set", ns(b.withBudget)],
      ["added by the check (median)", b.addedNsMedian],
    ],
  );
  save("budget", { results: b });
}

if (only === undefined || only === "mailbox") {
  const samples = Math.max(200, runs * 40);
  const rows = await mailboxBench(samples, 10_000);
  const ms = (x: { median: number; p99: number }): string => `${x.median} / ${x.p99}`;
  printTable(
    `Mailboxes: send -> a reader blocked in wait wakes (ms, median / p99; ${samples} runs after 20 warm-up; Redis on 127.0.0.1)`,
    ["backend", "send -> wait returns", "send -> received + acked", "target"],
    rows.map((r) => [r.backend, ms(r.wake), ms(r.wakeReceiveAck), r.backend === "redis" ? "median < 2" : ""]),
  );
  printTable(
    `Mailboxes: ${rows[0]?.throughput.messages ?? 0} messages through one mailbox (sequential sends; receive in batches of 100, ack each)`,
    [
      "backend",
      "send all (ms)",
      "sends/s",
      "receive + ack all (ms)",
      "received+acked/s",
      "bench RSS before -> after send -> after (MB)",
      "server used_memory after send (MB)",
    ],
    rows.map((r) => {
      const t = r.throughput;
      return [
        r.backend,
        t.sendMs,
        t.sendPerSec,
        t.receiveAckMs,
        t.receiveAckPerSec,
        `${t.rssBeforeMb} -> ${t.rssAfterSendMb} -> ${t.rssAfterMb}`,
        t.serverUsedMemoryMb ?? "",
      ];
    }),
  );
  save("mailbox", { results: rows });
}

if (only === undefined || only === "dashboard") {
  const d = await dashboardBench(Math.max(10, runs * 4));
  const ms = (x: { median: number; p95: number }): string => `${x.median} / ${x.p95}`;
  printTable(
    `Dashboard in Chromium: agent event -> the page shows it (ms, median / p95; ${d.launchToRow.n} runs, claude on its fake)`,
    ["measure", "value"],
    [
      ["launch_agent called -> its row in the page", ms(d.launchToRow)],
      ["launch_agent returned -> its row in the page", ms(d.launchReturnedToRow)],
      ["send_message called -> the row shows it processing", ms(d.sendToProcessing)],
      ["page load -> live (EventSource open)", ms(d.loadToLive)],
    ],
  );
  const t = d.transfer;
  printTable(
    `Dashboard transfer size (bytes; content-encoding: ${t.encoding})`,
    ["/", "ui/app.js", "ui/style.css", "first /api/state", "page total", `/api/state after ${d.launchToRow.n} agents`],
    [[t.page, t.appJs, t.styleCss, t.firstState, t.total, t.stateAfterRuns]],
  );
  save("dashboard", { results: d });
}
