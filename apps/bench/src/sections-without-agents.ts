// The sections of `pnpm bench` that run no agent CLI (our own parts alone): each runs one benchmark and reports it.
import { availableParallelism } from "node:os";
import { budgetCheckBench } from "./budget/budget.js";
import { dashboardBench } from "./dashboard/dashboard.js";
import { decideBench } from "./permissions/decide.js";
import { hookGuardBench } from "./permissions/hook-guard.js";
import { hookBench } from "./permissions/hooks.js";
import { journalBench } from "./journal/journal.js";
import { bigJournalBench } from "./journal/journal-big.js";
import { mailboxBench } from "./mailbox/mailbox.js";
import { printTable } from "./stats.js";
import { worktreeBench, type Paired } from "./worktree/worktree.js";
import type { BenchContext } from "./context.js";

/** The decide benchmark (also run with permissions): runs it, prints its tables, saves its results. */
export function benchDecide({ save }: BenchContext): Promise<void> {
  const rows = decideBench(1000);
  printTable(
    "A rule check (decide) per request, 1000 runs (ms)",
    ["request", "decision", "median", "p99", "target"],
    rows.map((r) => [r.request, r.decision, r.ms.median, r.ms.p99, "< 1"]),
  );
  save("decide", { results: rows });
  return Promise.resolve();
}

/** The hooks benchmark: runs it, prints its tables, saves its results. */
export async function benchHooks({ runs, save }: BenchContext): Promise<void> {
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
  const g = await hookGuardBench(Math.max(10, runs * 4));
  printTable(
    "One hook event through the registered command, /bin/sh -c to exit (ms)",
    ["case", "median", "p95", "min-max"],
    [
      ["sub-agent (depth 1): the shell answers, no Node", g.subagent.median, g.subagent.p95, `${g.subagent.min}-${g.subagent.max}`],
      ["orchestrator (depth unset): our handler in Node", g.orchestrator.median, g.orchestrator.p95, `${g.orchestrator.min}-${g.orchestrator.max}`],
      ["for scale: /bin/sh -c 'exit 0'", g.emptyShell.median, g.emptyShell.p95, `${g.emptyShell.min}-${g.emptyShell.max}`],
    ],
  );
  save("hooks", { results: { ...h, guard: g } });
}

/** The worktree benchmark: runs it, prints its tables, saves its results. */
export async function benchWorktree({ runs, save }: BenchContext): Promise<void> {
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

/** The journal benchmark: runs it, prints its tables, saves its results. */
export async function benchJournal({ runs, save }: BenchContext): Promise<void> {
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

/** The journal-big benchmark: runs it, prints its tables, saves its results. */
export async function benchJournalBig({ runs, save }: BenchContext): Promise<void> {
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

/** The budget benchmark: runs it, prints its tables, saves its results. */
export function benchBudget({ runs, save }: BenchContext): Promise<void> {
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
  return Promise.resolve();
}

/** The mailbox benchmark: runs it, prints its tables, saves its results. */
export async function benchMailbox({ runs, save }: BenchContext): Promise<void> {
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

/** The dashboard benchmark: runs it, prints its tables, saves its results. */
export async function benchDashboard({ runs, save }: BenchContext): Promise<void> {
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
    ["/", "ui/*.js", "ui/*.css", "first /api/state", "page total", `/api/state after ${d.launchToRow.n} agents`],
    [[t.page, t.scripts, t.styles, t.firstState, t.total, t.stateAfterRuns]],
  );
  save("dashboard", { results: d });
}
