import { resolve } from "node:path";
import type { PermissionRequest } from "@subagent-mcp/core";
import { z } from "zod";
import { inside, ruleMatches, type DecideContext, type MatchMode } from "./match.js";
import { parseRule, type ParsedRule, type PermissionRules } from "./rule.js";

// One policy for every CLI: deny beats ask beats allow, and with no rule a read inside the cwd is
// allowed while everything else is asked, as Claude Code's own default does.

export const PermissionOutcomeSchema = z.object({
  decision: z.enum(["allow", "deny", "ask"]),
  /** The rule that decided, when one did. */
  rule: z.string().optional(),
  /** One line for the audit log and the orchestrator. */
  why: z.string(),
});
export type PermissionOutcome = z.infer<typeof PermissionOutcomeSchema>;

const parsed = new Map<string, ParsedRule>();

// Rules are checked when they are configured (PermissionRulesSchema); parsing again per event would cost more than matching.
function cachedRule(source: string): ParsedRule {
  let rule = parsed.get(source);
  if (rule === undefined) {
    rule = parseRule(source);
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(source, rule);
  }
  return rule;
}

function firstMatch(sources: readonly string[] | undefined, request: PermissionRequest, ctx: DecideContext, mode: MatchMode): string | undefined {
  return sources?.find((source) => ruleMatches(cachedRule(source), request, ctx, mode));
}

/** A short human line for a request: `Bash: npm test`, `Edit: /repo/src/a.ts`. */
export function describeRequest(request: PermissionRequest): string {
  const detail = request.command ?? request.path ?? request.url;
  const line = detail === undefined ? request.tool : `${request.tool}: ${detail}`;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Decides one request against an agent's rules. Throws PermissionsError INVALID_RULE for a rule
 * string that does not parse (validate rules with PermissionRulesSchema when they are configured).
 */
export function decide(request: PermissionRequest, rules: PermissionRules, ctx: DecideContext): PermissionOutcome {
  const what = describeRequest(request);
  const denied = firstMatch(rules.deny, request, ctx, "lenient");
  if (denied !== undefined) return { decision: "deny", rule: denied, why: `${what}: denied by rule ${denied}` };
  const asked = firstMatch(rules.ask, request, ctx, "lenient");
  if (asked !== undefined) return { decision: "ask", rule: asked, why: `${what}: rule ${asked} asks` };
  const allowed = firstMatch(rules.allow, request, ctx, "strict");
  if (allowed !== undefined) return { decision: "allow", rule: allowed, why: `${what}: allowed by rule ${allowed}` };
  if (request.kind === "read" && request.path !== undefined) {
    const path = resolve(ctx.cwd, request.path);
    if (path === resolve(ctx.cwd) || inside(resolve(ctx.cwd), path) !== undefined)
      return { decision: "allow", why: `${what}: reads inside the working directory are allowed` };
    return { decision: "ask", why: `${what}: a read outside the working directory; no rule allows it` };
  }
  return { decision: "ask", why: `${what}: no rule allows it` };
}
