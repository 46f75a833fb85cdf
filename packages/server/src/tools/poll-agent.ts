import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { AgentView } from "@subagent-mcp/core";
import { z } from "zod";
import { AgentIdSchema, guard, idleSeconds, ok, ProviderSchema, round, StatusSchema, usageOut, UsageOutSchema, type ToolDeps } from "./_shared.js";

export const PollAgentInput = {
  agent_id: AgentIdSchema,
  tail_chars: z.number().int().min(0).max(64_000).optional().describe("How many characters of output to return (default 2000, max 64000)."),
};

const RecentSchema = z.object({ kind: z.string(), summary: z.string(), seconds_ago: z.number() });

export const PollAgentOutput = {
  agent_id: z.string(),
  label: z.string().optional(),
  provider: ProviderSchema,
  model: z.string().optional(),
  status: StatusSchema,
  alive: z.boolean(),
  idle_seconds: z.number(),
  turns: z.number(),
  last_result: z.string().optional(),
  recent: z.array(RecentSchema),
  output_tail: z.string(),
  usage: UsageOutSchema,
  cost_usd: z.number().optional(),
  queued_messages: z.number(),
  hint: z.string().optional(),
  /** Candidates that failed transiently and were replaced by the current one (auto mode). */
  failover: z.array(z.object({ provider: ProviderSchema, model: z.string().optional(), effort: z.string().optional(), reason: z.string() })).optional(),
};

/** One sentence on what a state means and what to do, for the states that need one. */
export function hintFor(view: AgentView, stallSeconds: number): string | undefined {
  switch (view.status) {
    case "stalled":
      return `No output for ${Math.round(view.idleMs / 1000)} s (stall window ${stallSeconds} s): it may be stuck; interrupt_agent or kill_agent it, or keep waiting.`;
    case "errored":
      return view.alive
        ? `The last turn failed (${view.lastError?.message ?? "unknown error"}); send_message can retry, since the session is still alive.`
        : `The session ended with an error (${view.lastError?.message ?? "unknown error"}); launch a new agent to continue.`;
    case "queued":
      return `Waiting for a free ${view.provider} slot (position ${String(view.queuePosition)}); it starts when a running ${view.provider} agent finishes.`;
    default:
      return undefined;
  }
}

/** `poll_agent`: a snapshot of one agent; reading it never resets its idle clock. */
export function registerPollAgentTool(server: McpServer, deps: ToolDeps & { stallSeconds: number }): void {
  server.registerTool(
    "poll_agent",
    {
      title: "Poll a sub-agent",
      description: "Status, last result, the last visible items and the tail of a sub-agent's output. Does not block; use wait to block until a turn ends.",
      inputSchema: PollAgentInput,
      outputSchema: PollAgentOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guard(() => {
        const { supervisor } = deps;
        const view = supervisor.get(args.agent_id);
        const now = Date.now();
        const hint = hintFor(view, deps.stallSeconds);
        const out = {
          agent_id: view.id,
          ...(view.label === undefined ? {} : { label: view.label }),
          provider: view.provider,
          ...(view.model === undefined ? {} : { model: view.model }),
          status: view.status,
          alive: view.alive,
          idle_seconds: idleSeconds(view),
          turns: view.turns,
          ...(view.lastTurn === undefined ? {} : { last_result: view.lastTurn.result }),
          recent: supervisor.recent(view.id, 3).map((r) => ({ kind: r.kind, summary: r.summary, seconds_ago: Math.max(0, Math.round((now - r.at) / 100) / 10) })),
          output_tail: supervisor.tail(view.id, args.tail_chars ?? 2000),
          usage: usageOut(view.usage),
          ...(view.costUsd === undefined ? {} : { cost_usd: round(view.costUsd) }),
          queued_messages: view.queuedMessages,
          ...(hint === undefined ? {} : { hint }),
          ...(view.attempts.length === 0
            ? {}
            : { failover: view.attempts.map((a) => ({ provider: a.provider, ...(a.model === undefined ? {} : { model: a.model }), ...(a.effort === undefined ? {} : { effort: a.effort }), reason: a.reason })) }),
        };
        const last = view.lastTurn === undefined ? "" : `\nLast result: ${view.lastTurn.result.slice(0, 500)}`;
        return ok(out, `Agent ${view.id} (${view.provider}) is ${view.status}${view.alive ? "" : ", session ended"}; ${view.turns} turn(s) done.${hint === undefined ? "" : ` ${hint}`}${last}`);
      }),
  );
}
