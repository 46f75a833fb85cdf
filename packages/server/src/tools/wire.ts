import type { AgentView, TurnReport, Usage } from "@subagent-mcp/core";
import type { z } from "zod";
import type { FinishedTurnSchema, UsageOutSchema } from "./schemas.js";

// Core's views in the wire's snake_case, with numbers rounded for reading.

/** Usage in the wire's snake_case. */
export function usageOut(usage: Usage): z.infer<typeof UsageOutSchema> {
  return { input: usage.input, output: usage.output, cache_read: usage.cacheRead, cache_write: usage.cacheWrite };
}

/** A finished turn on the wire. */
export function finishedOut(report: TurnReport): z.infer<typeof FinishedTurnSchema> {
  return {
    agent_id: report.agentId,
    turn: report.turn,
    status: report.status,
    result: report.result,
    is_error: report.isError,
    interrupted: report.interrupted,
    usage: usageOut(report.usage),
    ...(report.costUsd === undefined ? {} : { cost_usd: round(report.costUsd) }),
    duration_ms: Math.round(report.durationMs),
  };
}

/** Seconds since the agent's last visible event. */
export function idleSeconds(view: AgentView): number {
  return Math.round(view.idleMs / 100) / 10;
}

/** A cost in USD to a millionth. */
export function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
