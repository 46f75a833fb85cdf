import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { McpServerSpec } from "@subagent-mcp/core";
import { AgentStatusSchema, CoreError, ProviderSchema, type AgentView, type Provider, type Supervisor, type TurnReport, type Usage } from "@subagent-mcp/core";
import { DriverError } from "@subagent-mcp/drivers";
import { MailboxError } from "@subagent-mcp/mailbox";
import { RoutingError, type Branch, type RoutingTable } from "@subagent-mcp/routing";
import { z } from "zod";
import { ServerError } from "../errors.js";

/** What every tool needs: the supervisor and the server's settings. */
export interface ToolDeps {
  supervisor: Supervisor;
  /** Working directory used when a launch gives none. */
  defaultCwd: string;
  /** This server's nesting depth (0 when started by a person or a host). */
  depth: number;
  /** Deepest nesting allowed: a server at this depth refuses to launch. */
  maxDepth: number;
  /** How often a blocking `wait` sends progress notifications. */
  progressEveryMs: number;
  /** This agent's own mailbox, so that `wait` also wakes when a message arrives for it. */
  inbox?: { pending(): number; wait(timeoutMs: number, signal: AbortSignal): Promise<boolean> };
  /**
   * Gives each launched sub-agent its own subagent-mcp server (messaging tools) under a mailbox
   * name, so that it can message `parent` (this agent) by name.
   */
  children?: { parent: string; server: (self: string) => McpServerSpec };
  /** The routing table and default branch, and which CLIs are installed here. */
  routing: { table: RoutingTable; branch: Branch; installed: (provider: Provider) => boolean };
  /** The result cap (SUBAGENT_MCP_MAX_RESULT_CHARS): tools page their large fields to fit it. */
  maxResultChars: number;
}

export const AgentIdSchema = z.string().min(1).describe("An agent id returned by launch_agent (list_agents shows them all).");
export const StatusSchema = AgentStatusSchema;
export { ProviderSchema };

export const UsageOutSchema = z.object({
  input: z.number(),
  output: z.number(),
  cache_read: z.number(),
  cache_write: z.number(),
});

/** Usage in the wire's snake_case. */
export function usageOut(usage: Usage): z.infer<typeof UsageOutSchema> {
  return { input: usage.input, output: usage.output, cache_read: usage.cacheRead, cache_write: usage.cacheWrite };
}

export const FinishedTurnSchema = z.object({
  agent_id: z.string(),
  turn: z.number(),
  status: StatusSchema,
  result: z.string(),
  /** Set when `result` is only its beginning (over the result cap): the full length. */
  result_chars: z.number().optional().describe("Set when result is cut: its full length; poll_agent with offset reads on."),
  is_error: z.boolean(),
  interrupted: z.boolean(),
  usage: UsageOutSchema,
  cost_usd: z.number().optional(),
  duration_ms: z.number(),
});

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

export function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** A successful result: structured content plus a short text rendering. */
export function ok(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

/** A tool error whose message says what to fix. */
export function fail(message: string): CallToolResult {
  return { isError: true, content: [{ type: "text", text: message }] };
}

/** Runs a handler, turning our typed errors into tool errors (anything else is a bug and rethrown). */
export async function guard(run: () => Promise<CallToolResult> | CallToolResult): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CoreError || error instanceof DriverError || error instanceof ServerError || error instanceof RoutingError || error instanceof MailboxError) return fail(error.message);
    throw error;
  }
}
