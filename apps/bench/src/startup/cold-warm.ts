import type { CliName as Provider } from "@subagent-mcp/testkit";
import { rig, startSession } from "../sessions.js";
import { summarize, type Summary } from "../stats.js";

/** Cold start to first result, against a follow-up turn in a warm session, for one CLI. */
export interface ColdWarmResult {
  provider: Provider;
  cold: Summary;
  warm: Summary;
  /** How many times faster a warm follow-up is than a cold start (median over median). */
  speedup: number;
  /** The CLI's own lag: model finished (fake's last byte) -> the driver has the turn end. */
  cliLag: Summary;
}

/** Runs `runs` cold sessions; in each, after the first result, `followUps` warm turns. */
export async function coldVsWarm(provider: Provider, runs: number, followUps: number): Promise<ColdWarmResult> {
  const r = await rig(provider);
  const cold: number[] = [];
  const warm: number[] = [];
  const lag: number[] = [];
  try {
    for (let i = 0; i < runs; i += 1) {
      const s = startSession(r);
      try {
        // Cold: spawn + handshake + first turn, all paid by the first result.
        cold.push(await s.turn(`cold start ${i}`));
        for (let j = 0; j < followUps; j += 1) {
          warm.push(await s.turn(`warm follow-up ${i}.${j}`));
          // OpenCode asks a side model call for a title: the lag is measured from the turn's own.
          const last = r.fake.requests.filter((q) => q.reply !== "title").at(-1)?.endedAt;
          if (last !== undefined) lag.push(s.lastTurnEndAt() - last);
        }
      } finally {
        await s.session.kill();
      }
    }
  } finally {
    await r.close();
  }
  const c = summarize(cold);
  const w = summarize(warm);
  return { provider, cold: c, warm: w, speedup: Math.round((c.median / w.median) * 10) / 10, cliLag: summarize(lag) };
}
