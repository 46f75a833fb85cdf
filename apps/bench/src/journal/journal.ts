import type { LaunchAgentResult as Launched, WaitResult as WaitOut } from "@subagent-mcp/contract";
import { loadavg } from "node:os";
import { mcpRig, type McpRig } from "../mcp-rig.js";
import { summarize, type Summary } from "../stats.js";
import { journalBytes, type BytesResult } from "./journal-bytes.js";
import { wakeCost, type WakeResult } from "./journal-wake.js";

/** One measure with the journal off and on, and what the journal adds at the median. */
export interface OnOff {
  off: Summary;
  on: Summary;
  addedMedian: number;
  /** Median of the per-run differences (on - off) of runs made back to back: less noise than addedMedian. */
  pairedMedian: number;
}

/** Everything the journal benchmark measures (milliseconds unless named). */
export interface JournalResults {
  /** `launch_agent` call -> its answer, claude on its fake model. */
  launch: OnOff;
  /** `launch_agent` call -> `wait` returns the finished first turn. */
  firstTurn: OnOff;
  /** Journal bytes per turn, per CLI: plain turns and turns with one shell tool call. */
  bytes: BytesResult[];
  /** A follow-up to a hibernated agent (new process, session resumed) vs the same to a live one, per CLI. */
  wake: WakeResult[];
  /** The machine's 1-minute load average when the run started and ended. */
  loadAverage: { start: number; end: number };
}

// One claude agent: launch -> first turn end, timed from the host's side; then killed, untimed.
async function once(r: McpRig, tag: string): Promise<{ launch: number; turn: number }> {
  const t0 = performance.now();
  const { agent_id: id } = await r.call<Launched>("launch_agent", { provider: "claude", prompt: `${tag}-${Math.random().toString(36).slice(2, 8)}` });
  const launch = performance.now() - t0;
  const done = await r.call<WaitOut>("wait", { agent_ids: [id], timeout_s: 120 });
  const turn = performance.now() - t0;
  const finished = done.finished.find((f) => f.agent_id === id);
  if (finished === undefined || finished.is_error) throw new Error(`${tag}: first turn did not finish: ${JSON.stringify(done)}`);
  await r.call("kill_agent", { agent_id: id });
  return { launch, turn };
}

function onOff(off: number[], on: number[]): OnOff {
  const a = summarize(off);
  const b = summarize(on);
  const pairs = summarize(on.map((x, i) => x - (off[i] ?? Number.NaN)));
  return { off: a, on: b, addedMedian: Math.round((b.median - a.median) * 100) / 100, pairedMedian: pairs.median };
}

/**
 * Two servers side by side, one with SUBAGENT_MCP_JOURNAL=0: `runs` launches on each, alternating
 * (which goes first swaps every run, after one unmeasured pair); then journal bytes per turn and
 * the wake cost of hibernated agents (SUBAGENT_MCP_IDLE_TTL_S=1), on the three real CLIs.
 */
export async function journalBench(runs: number, turns: number, wakes: number): Promise<JournalResults> {
  const load1 = loadavg()[0] ?? 0;
  const on = await mcpRig();
  const off = await mcpRig({ SUBAGENT_MCP_JOURNAL: "0" });
  const samples = { on: [] as { launch: number; turn: number }[], off: [] as { launch: number; turn: number }[] };
  try {
    await once(on, "warm-on");
    await once(off, "warm-off");
    for (let i = 0; i < runs; i += 1) {
      const order = i % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const);
      for (const which of order) samples[which].push(await once(which === "on" ? on : off, `${which}-${i}`));
    }
  } finally {
    await off.close();
  }
  let bytes: BytesResult[];
  try {
    bytes = await journalBytes(on, turns);
  } finally {
    await on.close();
  }
  const wake = await wakeCost(wakes);
  return {
    launch: onOff(
      samples.off.map((s) => s.launch),
      samples.on.map((s) => s.launch),
    ),
    firstTurn: onOff(
      samples.off.map((s) => s.turn),
      samples.on.map((s) => s.turn),
    ),
    bytes,
    wake,
    loadAverage: { start: load1, end: loadavg()[0] ?? 0 },
  };
}
