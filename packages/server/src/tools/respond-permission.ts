import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ruleFor } from "@subagent-mcp/permissions";
import { homedir } from "node:os";
import { z } from "zod";
import type { ToolDeps } from "../deps.js";
import { guard, ok } from "../answers/result.js";
import { AgentIdSchema, StatusSchema, objectOf } from "../answers/schemas.js";
import { permissionOut } from "../answers/wire.js";
import { definedFields } from "@subagent-mcp/contract/fields";

export const RespondPermissionInput = {
  agent_id: AgentIdSchema,
  request_id: z
    .string()
    .min(1)
    .optional()
    .describe("The request to answer (wait and poll_agent show it); may be left out when the agent has exactly one pending."),
  decision: z
    .enum(["allow", "allow_always", "deny"])
    .describe(
      "allow: this once; allow_always: this and the same rule (tool and command prefix / path scope) for the rest of the agent's session; deny: refuse.",
    ),
  reason: z.string().max(2000).optional().describe("For deny: what the sub-agent's model is told (e.g. what to do instead)."),
};

export const RespondPermissionOutput = {
  agent_id: z.string(),
  request_id: z.string(),
  decision: z.enum(["allow", "allow_always", "deny"]),
  summary: z.string(),
  /** For allow_always: the rule allowed from now on in that session, in Claude Code's syntax. */
  rule: z.string().optional(),
  status: StatusSchema,
  pending_permissions: z.number(),
};

/** `respond_permission`: the orchestrator's answer to a sub-agent's permission request. */
export function registerRespondPermissionTool(server: McpServer, deps: ToolDeps): void {
  server.registerTool(
    "respond_permission",
    {
      title: "Answer a sub-agent's permission request",
      description:
        "Answer a permission request of a sub-agent in status permission_requested (wait returns them in permission_requests; poll_agent shows pending_permissions with the full input). allow runs it once, allow_always also allows the same rule for the rest of that agent's session, deny refuses and tells the model the reason. The agent goes on once none is pending. Unanswered requests are denied after permission_timeout_s (default 300 s).",
      inputSchema: objectOf(RespondPermissionInput),
      outputSchema: objectOf(RespondPermissionOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const { supervisor } = await deps.runtime();
        const message = args.decision === "deny" ? (args.reason ?? "Denied by the orchestrator.") : undefined;
        const { view, request } = supervisor.respondPermission(args.agent_id, args.request_id, {
          behavior: args.decision,
          ...definedFields({ message }),
        });
        const line = permissionOut({ request, askedAt: 0 });
        const rule = args.decision === "allow_always" ? ruleFor(request, { cwd: view.cwd, home: homedir() }) : undefined;
        const out = {
          agent_id: view.id,
          request_id: request.requestId,
          decision: args.decision,
          summary: line.summary,
          ...definedFields({ rule }),
          status: view.status,
          pending_permissions: view.permissions.length,
        };
        const scope = args.decision === "allow_always" ? (rule === undefined ? " (no narrower rule exists: allowed once)" : ` (from now on: ${rule})`) : "";
        const left = view.permissions.length > 0 ? `; ${view.permissions.length} more pending` : `; agent is ${view.status}`;
        return ok(out, `${args.decision} ${line.summary} for ${view.id}${scope}${left}.`);
      }),
  );
}
