import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";
import { BudgetSchema } from "@subagent-mcp/core";
import { BudgetOutSchema, definedFields } from "@subagent-mcp/contract";
import { AgentIdSchema, StatusSchema, objectOf } from "../answers/schemas.js";
import { budgetOut } from "../answers/wire.js";
import { delegateTurn } from "../tasks/delegate-turn.js";
import { holdsFollowUps, refuseHeldFollowUp } from "../launch/held-agents.js";

export const SendMessageInput = {
  agent_id: AgentIdSchema,
  message: z.string().min(1).describe("The follow-up user message."),
  raise_budget: BudgetSchema.optional().describe(
    "New limits for the agent's budget (they replace its own, e.g. {max_cost_usd: 2}); needed to go on after it stopped in budget_exceeded.",
  ),
};

export const SendMessageOutput = {
  agent_id: z.string(),
  status: StatusSchema,
  queued_messages: z.number(),
  budget: BudgetOutSchema.optional(),
};

/** `send_message`: a follow-up to a live agent, queued behind its running turn. */
export function registerSendMessageTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "send_message",
    {
      title: "Send a follow-up",
      description:
        "Send a follow-up message to a live sub-agent. Accepted while it works (queued, answered after the current turn, in order) or when it has finished but its session is alive (a hibernated one is resumed; one stopped at its budget needs raise_budget). Then use wait (a host that takes tasks gets the answer back by itself).",
      inputSchema: objectOf(SendMessageInput),
      outputSchema: objectOf(SendMessageOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      guard(async () => {
        const runtime = await deps.runtime();
        const { supervisor } = runtime;
        // Before its budget is raised: a spend cap holds it whatever its own budget says. The turn it starts now is reserved under the caps.
        const reserved = await refuseHeldFollowUp(runtime, args.agent_id, args.raise_budget !== undefined);
        // The supervisor says which turn will answer the message (hibernation and queues included).
        let turn: number | undefined;
        const stop = supervisor.onChange((change) => {
          if (change.type === "sent" && change.agentId === args.agent_id) turn = change.turn;
        });
        let view;
        try {
          if (args.raise_budget !== undefined) supervisor.raiseBudget(args.agent_id, args.raise_budget);
          view = supervisor.send(args.agent_id, args.message, holdsFollowUps(runtime.spendCaps));
        } catch (error) {
          reserved?.release();
          throw error;
        } finally {
          stop();
        }
        const queued = view.queuedMessages > 0 ? ` (${view.queuedMessages} message(s) queued behind the running turn)` : "";
        const budget = budgetOut(view);
        const sent = `Sent to ${view.id}; it is ${view.status}${queued}.`;
        delegateTurn(deps, runtime, extra, { agentId: view.id, turn: turn ?? view.turns + view.queuedMessages + 1 }, sent);
        return ok({ agent_id: view.id, status: view.status, queued_messages: view.queuedMessages, ...definedFields({ budget }) }, sent);
      }),
  );
}
