import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { PollAgentOutput, recordedUsage, definedFields } from "@subagent-mcp/contract";
import type { AgentView } from "@subagent-mcp/core";
import { z } from "zod";
import { ServerError } from "../errors.js";
import { sliceToFit } from "@subagent-mcp/mcp-transport";
import type { ToolDeps } from "../deps.js";
import { quoted, quotedBlock } from "../answers/agent-text.js";
import { guard, ok } from "../answers/result.js";
import { AgentIdSchema, objectOf } from "../answers/schemas.js";
import { budgetOut, mcpFailedText, pendingPermissionOut, receiptText } from "../answers/wire.js";
import { agentRow } from "../answers/agent-row.js";
import { roomLeft } from "../answers/paging.js";
import { describeWorktree } from "../launch/worktree-view.js";

export const PollAgentInput = {
  agent_id: AgentIdSchema,
  tail_chars: z
    .number()
    .int()
    .min(0)
    .max(64_000)
    .optional()
    .describe("How many characters of output to return (default 2000, max 64000, less when the result cap needs it)."),
  offset: z.number().int().min(0).optional().describe("Page through a long last_result: start at this character (next_offset of the previous page)."),
  max_chars: z.number().int().min(1).optional().describe("At most this many characters of last_result (default: as many as fit the result cap)."),
};

/** One sentence on what a state means and what to do, for the states that need one. */
export function hintFor(view: AgentView, stallSeconds: number): string | undefined {
  if (!view.alive && view.note !== undefined) return `Its session was ${view.note}; follow-ups need a new agent.`;
  switch (view.status) {
    case "stalled":
      return `No output for ${Math.round(view.idleMs / 1000)} s (stall window ${stallSeconds} s): it may be stuck; interrupt_agent or kill_agent it, or keep waiting.`;
    case "errored":
      return view.alive
        ? `The last turn failed (${view.lastError?.message ?? "unknown error"}); send_message can retry, since the session is still alive.`
        : `The session ended with an error (${view.lastError?.message ?? "unknown error"}); launch a new agent to continue.`;
    case "permission_requested":
      return `Waiting for an answer to ${view.permissions.length} permission request(s) (pending_permissions): answer with respond_permission; unanswered ones are denied after the permission timeout.`;
    case "budget_exceeded":
      return `It stopped at its budget (${view.budget?.exceeded ?? view.note ?? "a limit was reached"}); what it wrote is in its last result. send_message with raise_budget lets it go on.`;
    case "hibernated":
      return `Idle for ${Math.round(view.idleMs / 1000)} s, so its process was closed to free memory (idle_ttl_s); its conversation is kept: send_message resumes it in a new process.`;
    case "queued":
      return view.machine === undefined
        ? `Waiting for a free ${view.provider} slot (position ${String(view.queuePosition)}); it starts when a running ${view.provider} agent finishes.`
        : `Queued on machine ${view.machine} (position ${String(view.queuePosition)}): its ${view.provider} slots are all taken; it starts there when one frees.`;
    default: {
      const warning = view.budget?.warnings[0];
      return warning === undefined ? undefined : `Near its budget: ${view.budget?.warnings.join("; ")}; at 100 % its turn is interrupted.`;
    }
  }
}

/**
 * Whether a sub-agent handed a messaging server uses it. Every CLI starts the MCP servers it is
 * given before its first model call, so one that has not called by the end of its first turn
 * ignores them (some ACP agents do), and cannot reach its parent.
 */
function messagingState(reached: boolean | undefined, turns: number): "connected" | "not_connected" | undefined {
  if (reached === undefined) return undefined;
  if (reached) return "connected";
  return turns > 0 ? "not_connected" : undefined;
}

const notConnected = (provider: string): string =>
  `It never called the "mailbox" MCP server it was handed: ${provider} ignores MCP servers given at session start, so it has no send_to or wait_inbox (doctor --host ${provider} checks this); messages sent to it wait in its mailbox unread.`;

/** `poll_agent`: a snapshot of one agent; reading it never resets its idle clock. */
export function registerPollAgentTool(server: McpServer, deps: ToolDeps & { stallSeconds: number }): void {
  server.registerTool(
    "poll_agent",
    {
      title: "Poll a sub-agent",
      description:
        "Status, last result, the last visible items, the tail of a sub-agent's output and the permission requests it waits on (pending_permissions, with each tool's input). Does not block; use wait to block until a turn ends.",
      inputSchema: objectOf(PollAgentInput),
      outputSchema: objectOf(PollAgentOutput),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) => guard(() => pollAgent(deps, args)),
  );
}

type PollArgs = z.infer<z.ZodObject<typeof PollAgentInput>>;

// A snapshot of one agent, its last result paged to fit the result cap.
async function pollAgent(deps: ToolDeps & { stallSeconds: number }, args: PollArgs) {
  const { supervisor, worktrees } = await deps.runtime();
  const view = supervisor.get(args.agent_id);
  // Its worktree here, or the one its machine reports.
  const worktree = (await worktrees.fresh(view.id)) ?? view.remoteWorktree;
  const budget = budgetOut(view);
  const now = Date.now();
  const messaging = messagingState(deps.messagingReached(view.id), view.turns);
  const hint = hintFor(view, deps.stallSeconds) ?? (messaging === "not_connected" ? notConnected(view.provider) : undefined);
  const full = view.lastTurn?.result;
  const offset = args.offset ?? 0;
  if (full !== undefined && offset > full.length)
    throw new ServerError("INVALID_ARGUMENT", `offset ${offset} is past the end of the last result (${full.length} characters)`);
  const paging = args.offset !== undefined || args.max_chars !== undefined;
  // The output tail takes at most a quarter of the cap; the last result gets the rest.
  const tail = supervisor.tail(view.id, Math.min(args.tail_chars ?? 2000, Math.floor(deps.maxResultChars / 4)));
  const out = (page: string | undefined, more: { last_result_chars?: number; next_offset?: number }) => ({
    ...agentRow(view, worktree),
    ...definedFields({ last_result: page, last_receipt: view.lastTurn?.receipt }),
    ...more,
    recent: supervisor.recent(view.id, 3).map((r) => ({ kind: r.kind, summary: r.summary, seconds_ago: Math.max(0, Math.round((now - r.at) / 100) / 10) })),
    output_tail: tail,
    usage: recordedUsage(view.usage),
    queued_messages: view.queuedMessages,
    ...(view.permissions.length === 0 ? {} : { pending_permissions: view.permissions.map(pendingPermissionOut) }),
    ...definedFields({ messaging, hint }),
    ...(view.attempts.length === 0
      ? {}
      : {
          failover: view.attempts.map(attemptOut),
        }),
    ...definedFields({ checking: view.checking, budget, mcp_servers: view.mcpServers, mcp_failed: view.mcpFailed }),
  });
  const where = worktree === undefined ? "" : ` Its ${describeWorktree(worktree)}.`;
  const checking = view.checking === undefined ? "" : ` Its check \`${view.checking}\` is running on its work.`;
  const escalated = view.attempts.filter((a) => a.kind === "escalation").length;
  const steps = escalated === 0 ? "" : ` Escalated ${escalated} time(s) (see failover).`;
  // A hint may carry its CLI's error message: quoted, as the last result is, so no line of it passes for ours.
  const status = quoted(
    `Agent ${view.id} (${view.provider}) is ${view.status}${view.alive ? "" : ", session ended"}; ${view.turns} turn(s) done.${checking}${steps}${hint === undefined ? "" : ` ${hint}`}${where}${mcpFailedText(view.mcpFailed)}`,
  );
  if (full === undefined) return ok(out(undefined, {}), status);
  // A page of the last result: in the text too when asked for, so that every host shows it.
  const room = roomLeft(deps.maxResultChars, ok(out("", { last_result_chars: full.length, next_offset: full.length }), `${status}\n${full.slice(0, 500)}`));
  const upTo = args.max_chars === undefined ? full : full.slice(0, offset + args.max_chars);
  const page = sliceToFit(upTo, offset, paging ? Math.floor(room / 2) : room);
  const end = offset + page.length;
  const whole = offset === 0 && end === full.length;
  const more = whole ? {} : { last_result_chars: full.length, ...(end < full.length ? { next_offset: end } : {}) };
  const next =
    end < full.length
      ? `\nlast_result holds characters ${offset}-${end} of ${full.length}: read on with poll_agent {"agent_id": "${view.id}", "offset": ${end}}.`
      : "";
  const receipt = receiptText(view.lastTurn?.receipt);
  const text = paging
    ? `${status}\n${receipt.before}Last result, characters ${offset}-${end} of ${full.length}:\n${quotedBlock(page)}${next}${receipt.after}`
    : `${status}\n${receipt.before}Last result: ${quoted(full.slice(0, 500))}${next}${receipt.after}`;
  return ok(out(page, more), text);
}

// One earlier candidate of the agent: a transient failover, or an escalation with its answer and check.
function attemptOut(a: AgentView["attempts"][number]) {
  return {
    provider: a.provider,
    ...definedFields({ model: a.model, effort: a.effort, machine: a.machine }),
    reason: a.reason,
    kind: a.kind ?? ("failover" as const),
    ...definedFields({ result: a.result }),
    ...(a.check === undefined
      ? {}
      : { check: { command: a.check.command, exit_code: a.check.exitCode, output_tail: a.check.output.slice(-2_000), duration_ms: a.check.durationMs } }),
    ...definedFields({ cost_usd: a.costUsd }),
  };
}
