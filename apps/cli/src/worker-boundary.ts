import { homedir } from "node:os";
import type { PermissionRuling, SessionSpec } from "@subagent-mcp/core";
import { decide, describeRequest, type AuditLog, type PermissionRules } from "@subagent-mcp/permissions";
import type { PermissionRequest } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * A worker session's deny and ask rules as a boundary, as the server's agents have it: handed to
 * the CLI where it enforces them itself, and checked on every tool use the driver sees before it
 * runs (a refusal is audited like the approver's).
 */
export function denyBoundary(rules: PermissionRules, cwd: string, audit: AuditLog, worker: string): Pick<SessionSpec, "rules" | "precheck"> {
  if ((rules.deny?.length ?? 0) + (rules.ask?.length ?? 0) === 0) return {};
  const home = homedir();
  return {
    rules: { ...definedFields({ deny: rules.deny, ask: rules.ask }) },
    precheck: (request: PermissionRequest): PermissionRuling => {
      const outcome = decide(request, rules, { cwd, home });
      if (outcome.decision === "deny")
        audit.record({
          by: "rule",
          agentId: worker,
          requestId: request.requestId,
          tool: request.tool,
          request: describeRequest(request),
          decision: "deny",
          reason: outcome.why,
          ...definedFields({ rule: outcome.rule }),
        });
      return outcome;
    },
  };
}
