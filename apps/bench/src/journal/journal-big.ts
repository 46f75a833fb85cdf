import { readFileSync, realpathSync } from "node:fs";
import { stateDir, stateLayout } from "@subagent-mcp/state";
import { writeBigJournal } from "@subagent-mcp/testkit";
import { mcpRig, rssMb } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";

/** What one past agent with a long journal costs the calls that read it. */
export interface BigJournalResult {
  journalMb: number;
  turns: number;
  /** list_agents {include_past: true}, ms. */
  listPast: Summary;
  /** transcript from turn 1 (one page), ms. */
  transcriptFirst: Summary;
  /** transcript {latest: true} (one page from the end), ms. */
  transcriptLatest: Summary;
  /** The server's resident memory before the calls and its peak (VmHWM) after them, MB. */
  rssBeforeMb: number;
  peakRssMb: number;
  /** Bytes the server read per list_agents call, MB. */
  readPerListMb: number;
}

// The server's peak resident memory so far, MB.
function peakMb(pid: number): number {
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return kb === undefined ? 0 : Math.round(Number(kb) / 102.4) / 10;
}

const readBytes = (pid: number): number => Number(/rchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1]);

/** A past agent's journal of `mb` MB, then `runs` of each reading call through the built server. */
export async function bigJournalBench(runs: number, mb = 40): Promise<BigJournalResult> {
  const r = await mcpRig();
  try {
    const agents = stateLayout(stateDir({ home: r.env.home, env: r.env.env })).agents;
    // A pid no process has: the agent's server is gone.
    const made = writeBigJournal(agents, "bigjournal", realpathSync(r.env.cwd), 2 ** 22 + 12_345, mb * 1024 * 1024);
    await r.call("list_agents");
    const rssBeforeMb = rssMb(r.pid);
    const time = async (name: string, args: Record<string, unknown>): Promise<number[]> => {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await r.call(name, args);
        out.push(performance.now() - t0);
      }
      return out;
    };
    const before = readBytes(r.pid);
    const listPast = summarize(await time("list_agents", { include_past: true }));
    const readPerListMb = Math.round(((readBytes(r.pid) - before) / runs / 1024 / 1024) * 100) / 100;
    const transcriptFirst = summarize(await time("transcript", { agent_id: made.agentId }));
    const transcriptLatest = summarize(await time("transcript", { agent_id: made.agentId, latest: true }));
    return {
      journalMb: Math.round((made.bytes / 1024 / 1024) * 10) / 10,
      turns: made.turns,
      listPast,
      transcriptFirst,
      transcriptLatest,
      rssBeforeMb,
      peakRssMb: peakMb(r.pid),
      readPerListMb,
    };
  } finally {
    await r.close();
  }
}
