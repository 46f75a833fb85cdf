import type { AgentView, PendingPermission } from "@subagent-mcp/core";
import { describeRequest } from "@subagent-mcp/permissions";
import { z } from "zod";
import type { TaskControl } from "@subagent-mcp/mcp-transport";
import type { PermissionDecision } from "@subagent-mcp/contract";

// The form's one choice, in the words respond_permission uses.
const DECISIONS = ["allow", "allow_always", "deny"] as const;
const LABELS = ["Allow", "Allow always (this rule, for the rest of its session)", "Deny"];

/** What the sub-agent's model is told of a denial from the form (respond_permission can say more). */
const DENIED = "Denied by the user at the orchestrator.";

/** The host's answer to one form, as the elicitation result carries it: accepted with a decision, or declined or dismissed. */
const FormAnswerSchema = z.union([
  z.object({ action: z.literal("accept"), content: z.object({ decision: z.enum(DECISIONS) }) }),
  z.object({ action: z.enum(["decline", "cancel"]) }),
]);

/**
 * Puts one permission request to the person at the host, as an elicitation form inside the task
 * (`input_required`; the host answers with `tasks/update`). Resolves with the decision, or with
 * undefined when the form was dismissed (the request then waits for respond_permission or its
 * timeout, as without forms). Declining the form denies.
 */
export async function askPermission(control: TaskControl, view: AgentView, pending: PendingPermission): Promise<PermissionDecision | undefined> {
  const { request } = pending;
  const key = `permission-${request.requestId}`;
  const detail = request.command ?? request.path ?? request.url;
  const message = [
    `Sub-agent ${view.id} (${view.provider}${view.label === undefined ? "" : `, ${view.label}`}) asks permission: ${describeRequest(request)}`,
    detail === undefined ? "" : `${request.kind === "shell" ? "Command" : request.kind === "fetch" ? "URL" : "Path"}: ${detail}`,
    `Working folder: ${view.cwd}`,
  ]
    .filter(Boolean)
    .join("\n");
  const answers = await control.ask(
    {
      [key]: {
        method: "elicitation/create",
        params: {
          mode: "form",
          message,
          requestedSchema: {
            type: "object",
            properties: {
              // One field: Claude Code 2.1.330 does not send the answer of a form with an empty optional text field.
              decision: { type: "string", title: "Decision", enum: [...DECISIONS], enumNames: LABELS },
            },
            required: ["decision"],
          },
        },
      },
    },
    `${view.id} asks permission: ${describeRequest(request)}`,
    // Anything but this form's answer (another key, an accept without a decision) leaves it open.
    (responses) => FormAnswerSchema.safeParse(responses[key]).success,
  );
  const answer = FormAnswerSchema.safeParse(answers[key]).data;
  if (answer === undefined) return undefined;
  if (!("content" in answer)) return answer.action === "decline" ? { behavior: "deny", message: DENIED } : undefined;
  const decision = answer.content.decision;
  return decision === "deny" ? { behavior: "deny", message: DENIED } : { behavior: decision };
}
