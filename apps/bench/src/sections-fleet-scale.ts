import type { BenchContext } from "./context.js";
import { scaleFleetBench } from "./scale/scale-fleet.js";
import { scalePastBench } from "./scale/scale-past.js";
import { printTable } from "./stats.js";

/** The fleet at scale: K nodes on one Redis, M agents each; prints its tables, saves results/scale-fleet.json. */
export async function benchScaleFleet({ runs, save }: BenchContext): Promise<void> {
  const r = await scaleFleetBench(runs);
  const ms = (x: { median: number; p99: number }): string => `${String(x.median)} / ${String(x.p99)}`;
  const agents = r.nodes * r.agentsPerNode;
  printTable(
    `Fleet at scale: ${String(r.nodes)} nodes x ${String(r.agentsPerNode)} ${r.provider} agents on one Redis (127.0.0.1), a turn every ~${String(r.turnIntervalMs)} ms`,
    ["measure", "value"],
    [
      ["Redis commands / agent / s, idle (heartbeats only)", r.redisPerAgentPerS.idle.total ?? 0],
      ["Redis commands / agent / s, busy", r.redisPerAgentPerS.busy.total ?? 0],
      ["turns / agent / s, busy", r.turnsPerAgentPerS],
      ["node heartbeat record (bytes; bytes/s per node)", `${String(r.heartbeat.nodeRecordBytes)}; ${String(r.heartbeat.nodeBytesPerS)}`],
      ["orchestrator heartbeat record (bytes)", r.heartbeat.ownerRecordBytes],
      ["response end -> wait returns, busy (ms, median / p99)", ms(r.eventLag.busy)],
      ["the same, one agent on a node / here", `${ms(r.eventLag.quietRemote)}  |  ${ms(r.eventLag.quietLocal)}`],
      ["node process RSS idle -> with agents (MB)", `${r.nodeRss.idleMb.join(", ")} -> ${r.nodeRss.withAgentsMb.join(", ")}`],
      ["node RSS per agent (MB)", r.nodeRss.perAgentMb],
      [
        `orchestrator RSS idle -> with ${String(agents)} remote agents (MB; per agent)`,
        `${String(r.orchestratorRss.idleMb)} -> ${String(r.orchestratorRss.withAgentsMb)}; ${String(r.orchestratorRss.perAgentMb)}`,
      ],
    ],
  );
  const commands = [...new Set([...Object.keys(r.redisPerAgentPerS.idle), ...Object.keys(r.redisPerAgentPerS.busy)])].filter((c) => c !== "total");
  printTable(
    "Redis commands per agent per second, by command",
    ["command", "idle", "busy"],
    commands.map((c) => [c, r.redisPerAgentPerS.idle[c] ?? 0, r.redisPerAgentPerS.busy[c] ?? 0]),
  );
  save("scale-fleet", r);
}

/** Many past agents in the journal: what listing, logs, usage and the dashboard's state cost; saves results/scale-past.json. */
export async function benchScalePast({ runs, save }: BenchContext): Promise<void> {
  const r = await scalePastBench(runs);
  const ms = (x: { median: number; p99: number }): string => `${String(x.median)} / ${String(x.p99)}`;
  printTable(
    `${String(r.pastAgents)} past agents (one turn each, ${String(r.journalMbTotal)} MB of journal): reading calls (ms, median / p99)`,
    ["call", "first", "then"],
    [
      [`list_agents {include_past: true} (${String(r.listPastChars)} chars)`, r.listPastFirst, ms(r.listPast)],
      ["list_agents {include_past: true}, a server started after (index written)", r.listPastFirstRestart, ""],
      [`list_agents {include_past: true}, every page (${String(r.listPastPages)} pages, limit 500)`, r.listPastWalk, ""],
      ["list_agents (past ones on disk)", "", ms(r.listCurrent)],
      ["subagent-mcp logs <one> (a process)", "", ms(r.logsCli)],
      ["transcript {one}", "", ms(r.transcript)],
      ["usage (by provider, every turn)", r.usageFirst, ms(r.usage)],
      ["usage, a server started after", r.usageFirstRestart, ""],
      [`dashboard /api/state (${String(r.dashboardStateKb)} KB)`, r.dashboardFirst, ms(r.dashboard)],
      ["server RSS before -> after (MB)", "", `${String(r.serverRssMb.before)} -> ${String(r.serverRssMb.after)}`],
    ],
  );
  save("scale-past", r);
}
