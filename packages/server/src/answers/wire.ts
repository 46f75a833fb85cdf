import type { AgentView, PendingPermission, TurnReport } from "@subagent-mcp/core";
import { describeRequest } from "@subagent-mcp/permissions";
import type { z } from "zod";
import {
  type BudgetOutSchema,
  type FinishedTurnSchema,
  type PendingPermissionOutSchema,
  type PermissionOutSchema,
  PermissionDecisionSchema,
  receiptLine,
  recordedUsage,
  type Receipt,
} from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";
import { quoted } from "./agent-text.js";

/** Characters of a request's input shown on the wire. */
const MAX_INPUT_CHARS = 4096;

// Core's views in the wire's snake_case, with numbers rounded for reading.

/** A finished turn on the wire. */
export function finishedOut(report: TurnReport): z.infer<typeof FinishedTurnSchema> {
  return {
    agent_id: report.agentId,
    turn: report.turn,
    status: report.status,
    result: report.result,
    is_error: report.isError,
    interrupted: report.interrupted,
    usage: recordedUsage(report.usage),
    ...(report.costUsd === undefined ? {} : { cost_usd: round(report.costUsd) }),
    duration_ms: Math.round(report.durationMs),
    ...definedFields({ receipt: report.receipt }),
  };
}

/** The MCP servers an agent was given that did not start, for a text (empty when all did). */
export function mcpFailedText(failed: readonly { server: string; error: string }[] | undefined): string {
  if (failed === undefined || failed.length === 0) return "";
  // The CLI's words for why: quoted, so that no line of them passes for one of ours.
  return ` [MCP server${failed.length === 1 ? "" : "s"} it was given did not start, it works without their tools: ${failed.map((f) => `${f.server} (${quoted(f.error)})`).join("; ")}]`;
}

/**
 * A turn's receipt where a host model reads first: `SUSPECT: why [facts]` before the answer when
 * its claims are not backed, else the facts in brackets after it. Empty without a receipt.
 */
export function receiptText(receipt: Receipt | undefined): { before: string; after: string } {
  if (receipt === undefined) return { before: "", after: "" };
  const line = receiptLine(receipt);
  return (receipt.suspect ?? []).length > 0 ? { before: `${line}\n`, after: "" } : { before: "", after: ` [${line}]` };
}

/** Seconds since the agent's last visible event. */
export function idleSeconds(view: AgentView): number {
  return Math.round(view.idleMs / 100) / 10;
}

/** A cost in USD to a millionth. */
export function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** A permission request on the wire, in one line. */
export function permissionOut(pending: PendingPermission): z.infer<typeof PermissionOutSchema> {
  const { request } = pending;
  return { request_id: request.requestId, tool: request.tool, kind: request.kind, summary: describeRequest(request) };
}

/** A pending permission request with its input (bounded: over 4 KB of JSON it becomes cut JSON text) and when it was asked. */
export function pendingPermissionOut(pending: PendingPermission): z.infer<typeof PendingPermissionOutSchema> {
  // JSON.stringify gives undefined for an undefined input, which its type does not say.
  const json = (JSON.stringify(pending.request.input) as string | undefined) ?? "null";
  const input = json.length <= MAX_INPUT_CHARS ? pending.request.input : `${json.slice(0, MAX_INPUT_CHARS)}… (${json.length} characters)`;
  // Every driver carries all three (a CLI without an "always" option is answered with its one-time allow).
  return { ...permissionOut(pending), input, asked_at: new Date(pending.askedAt).toISOString(), options: [...PermissionDecisionSchema.shape.behavior.options] };
}

/** An agent's budget on the wire (undefined without one). */
export function budgetOut(view: AgentView): z.infer<typeof BudgetOutSchema> | undefined {
  const b = view.budget;
  if (b === undefined) return undefined;
  const known = b.unknownCostTurns === 0 && b.spent.costUsd !== undefined;
  return {
    limits: b.limits,
    spent: {
      ...(known && b.spent.costUsd !== undefined ? { cost_usd: round(b.spent.costUsd) } : {}),
      tokens: b.spent.tokens,
      turns: b.spent.turns,
      seconds: Math.round(b.spent.seconds * 10) / 10,
    },
    ...(b.warnings.length === 0 ? {} : { warnings: b.warnings }),
    ...definedFields({ exceeded: b.exceeded }),
  };
}
