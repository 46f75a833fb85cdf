import { realpathSync } from "node:fs";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { writeBigJournal } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { connect, mcpRig, rssMb, serverBin, startDashboard } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** What the reading calls cost with many past agents in the journal (ms unless named otherwise). */
export interface ScalePastResult {
  pastAgents: number;
  journalMbTotal: number;
  /** list_agents {include_past: true} (its first page): the server's first (it reads the journal), then the following. */
  listPastFirst: number;
  /** The same first page in a server started after it (the ended agents' summaries index written by the first). */
  listPastFirstRestart: number;
  listPast: Summary;
  /** The first page's size, characters (the default cap is 40,000). */
  listPastChars: number;
  /** Every page of it, next_cursor after next_cursor: how many, and the walk's time. */
  listPastPages: number;
  listPastWalk: number;
  /** list_agents without past agents, with them on disk. */
  listCurrent: Summary;
  /** `subagent-mcp logs <id>` of one past agent, a process each (its start included). */
  logsCli: Summary;
  /** transcript {agent_id} of one past agent, through the server. */
  transcript: Summary;
  /** usage (by provider) over every past agent's turns: first, then the following. */
  usageFirst: number;
  /** usage's first call in the second server. */
  usageFirstRestart: number;
  usage: Summary;
  /** The dashboard's state (/api/state): its first load and the following; its size. */
  dashboardFirst: number;
  dashboard: Summary;
  dashboardStateKb: number;
  /** The server's resident memory before the calls and after them, MB. */
  serverRssMb: { before: number; after: number };
}

async function time(runs: number, call: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await call();
    out.push(performance.now() - t0);
  }
  return out;
}

const round = (x: number): number => Math.round(x * 100) / 100;

/** `count` past agents (one finished turn each; SUBAGENT_MCP_BENCH_PAST_AGENTS, default 10,000), then `runs` of each reading call. */
export async function scalePastBench(runs: number, count = Number(process.env.SUBAGENT_MCP_BENCH_PAST_AGENTS ?? 10_000)): Promise<ScalePastResult> {
  const r = await mcpRig();
  try {
    const agents = stateLayout(stateDir({ home: r.env.home, env: r.env.env })).agents;
    const project = realpathSync(r.env.cwd);
    let bytes = 0;
    // A pid no process has: their server is gone. 1,000 bytes asked: the launch and one turn (about 9 KB).
    for (let i = 0; i < count; i++) bytes += writeBigJournal(agents, `past${String(i).padStart(6, "0")}`, project, 2 ** 22 + 12_345, 1000).bytes;
    const before = rssMb(r.pid);
    let listPastChars = 0;
    const [listPastFirst] = await time(1, async () => {
      listPastChars = JSON.stringify(await r.call("list_agents", { include_past: true })).length;
    });
    const listPast = summarize(await time(runs, () => r.call("list_agents", { include_past: true })));
    const listCurrent = summarize(await time(runs, () => r.call("list_agents")));
    let listPastPages = 0;
    const [listPastWalk] = await time(1, async () => {
      let cursor: string | undefined;
      do {
        listPastPages++;
        cursor = (await r.call<{ next_cursor?: string }>("list_agents", { include_past: true, limit: 500, ...(cursor === undefined ? {} : { cursor }) }))
          .next_cursor;
      } while (cursor !== undefined);
    });
    // The first server's first usage before the second starts: that one then finds what this one wrote (as for the listing).
    const [usageFirst] = await time(1, () => r.call("usage"));
    // A server started later (a restart, or another session's) reads the past agents afresh.
    const again = await connect(r.env);
    let listPastFirstRestart = Number.NaN;
    let usageFirstRestart = Number.NaN;
    try {
      [listPastFirstRestart = Number.NaN] = await time(1, () => again.call("list_agents", { include_past: true }));
      [usageFirstRestart = Number.NaN] = await time(1, () => again.call("usage"));
    } finally {
      await again.client.close().catch(() => undefined);
    }
    const one = `past${String(Math.floor(count / 2)).padStart(6, "0")}`;
    const logsCli = summarize(await time(runs, () => execa(process.execPath, [serverBin, "logs", one], { cwd: r.env.cwd, env: r.env.env, extendEnv: false })));
    const transcript = summarize(await time(runs, () => r.call("transcript", { agent_id: one })));
    const usage = summarize(await time(runs, () => r.call("usage")));
    const dash = startDashboard(r.env);
    try {
      const { state } = await dash.urls;
      let size = 0;
      const load = async (): Promise<void> => {
        size = (await (await fetch(state)).arrayBuffer()).byteLength;
      };
      const [dashboardFirst] = await time(1, load);
      const loads = summarize(await time(runs, load));
      return {
        pastAgents: count,
        journalMbTotal: round(bytes / 1024 / 1024),
        listPastFirst: round(listPastFirst ?? Number.NaN),
        listPastFirstRestart: round(listPastFirstRestart),
        listPast,
        listPastChars,
        listPastPages,
        listPastWalk: round(listPastWalk ?? Number.NaN),
        listCurrent,
        logsCli,
        transcript,
        usageFirst: round(usageFirst ?? Number.NaN),
        usageFirstRestart: round(usageFirstRestart),
        usage,
        dashboardFirst: round(dashboardFirst ?? Number.NaN),
        dashboard: loads,
        dashboardStateKb: round(size / 1024),
        serverRssMb: { before, after: rssMb(r.pid) },
      };
    } finally {
      await dash.stop();
    }
  } finally {
    await r.close();
  }
}
