// An escalation's check is a shell command this server runs itself, with nobody to ask: it is
// judged before the launch is accepted, by the rules and ceiling that hold the launcher's own shell
// use. Deny and ask rules (through the permissions package's shell parser, paths a line names
// included) refuse it at any server; a nested server also holds it to its ceiling, as the CLI of the
// agent it runs under would hold `Bash(<check>)`.
import { homedir } from "node:os";
import { LEVEL, definedFields } from "@subagent-mcp/contract";
import { decide, describeRequest } from "./decide.js";
import { PermissionsError } from "./errors.js";
import type { Ceiling } from "./policy.js";
import { protectedRules } from "./protected.js";
import { PermissionRuleSchema, type PermissionRules } from "./rule.js";

/** What a check is judged in: the rules in force, the ceiling (none: a top-level server) and the folder it runs in. */
export interface CheckScope {
  rules: PermissionRules;
  ceiling: Ceiling | undefined;
  cwd: string;
}

// The ceiling's tools that are rules (an MCP tool or a bare name of another CLI's tool is no shell rule).
function ceilingAllows(ceiling: Ceiling): string[] {
  if (ceiling.level === LEVEL.bypassPermissions) return ["Bash"];
  if (ceiling.level === LEVEL.plan) return [];
  return (ceiling.tools ?? []).filter((tool) => PermissionRuleSchema.safeParse(tool).success);
}

/** How a refusal speaks of the command it refuses (a check, an MCP server's command). */
export interface CommandSubject {
  /** The command as the refusal names it: "the check `pnpm test`". */
  named: string;
  /** What runs it with nobody to ask: "a check". */
  kind: string;
  /** What to drop instead of the rule: "the check". */
  drop: string;
  /** How the launch would do without it: "launched without escalate on check". */
  without: string;
}

const checkSubject = (command: string): CommandSubject => ({
  named: `the check \`${command}\``,
  kind: "a check",
  drop: "the check",
  without: "launched without escalate on check",
});

/**
 * Why `command` may not run as a check here, or undefined when it may: a deny or ask rule matches
 * it (or a part it cannot read for sure), or, on a nested server, its ceiling does not cover it.
 */
export function checkRefusal(command: string, scope: CheckScope): string | undefined {
  return commandRefusal(command, scope, checkSubject(command));
}

/** As {@link checkRefusal}, for any shell line this server makes run with nobody to ask, spoken of as `subject`. */
function commandRefusal(command: string, scope: CheckScope, subject: CommandSubject): string | undefined {
  const { ceiling } = scope;
  // A top-level server was started by a person or a host: its checks run unless a rule stops them.
  const allow = ceiling === undefined ? ["Bash"] : ceilingAllows(ceiling);
  const request = { requestId: "check", tool: "Bash", kind: "shell" as const, command, input: { command } };
  const deny = ceiling === undefined ? withoutProtected(scope.rules.deny) : scope.rules.deny;
  const rules = { ...definedFields({ deny, ask: scope.rules.ask }) };
  const outcome = decide(request, { ...rules, allow }, { cwd: scope.cwd, home: homedir() });
  if (outcome.decision === "allow") return undefined;
  const { named } = subject;
  if (outcome.decision === "deny") return `${named} is refused: rule ${outcome.rule ?? "?"} denies it; drop the rule or ${subject.drop}`;
  if (outcome.rule !== undefined)
    return `${named} is refused: rule ${outcome.rule} asks, and ${subject.kind} runs with nobody to ask; drop the ask rule or ${subject.drop}`;
  // decide's reason after the request's own line: "cannot be checked against the rules: ..." or "no rule allows it".
  const why = outcome.why.slice(describeRequest(request).length + 2);
  if (ceiling === undefined || why.startsWith("cannot be checked"))
    return `${named} is refused: it ${why.replace(/^cannot/, "can not")}, and ${subject.kind} runs with nobody to ask; write it so that the rules can read it`;
  return `${named} is refused: it runs as a shell command, and this server runs under an agent at permission level ${ceiling.level}${
    ceiling.level === LEVEL.plan
      ? ", which runs no shell commands"
      : ` allowed ${ceiling.tools === undefined ? "no listed tools" : describeTools(ceiling.tools)}`
  }; it would run under an agent allowed Bash or ${exactRule(command)} (or at bypassPermissions), or ${subject.without}`;
}

/** Refuses the launch (`what`: the tool or definition) whose check may not run here; see {@link checkRefusal}. */
export function judgeCheck(what: string, command: string | undefined, scope: CheckScope): void {
  if (command === undefined) return;
  judgeCommand(what, command, scope, checkSubject(command));
}

/** Throws PERMISSION_ABOVE_CEILING, naming `what`, when `command` may not run here; see {@link commandRefusal}. */
export function judgeCommand(what: string, command: string, scope: CheckScope, subject: CommandSubject): void {
  const refusal = commandRefusal(command, scope, subject);
  if (refusal !== undefined) throw new PermissionsError("PERMISSION_ABOVE_CEILING", `${what}: ${refusal}`);
}

// The files kept from every sub-agent (fleet key, user config, servers' records) guard against
// sub-agents; a top-level server's check is its host's own command, and that host reaches those
// files anyway. Held to them, every check with a glob or a variable would be unreadable, so refused.
function withoutProtected(deny: string[] | undefined): string[] | undefined {
  if (deny === undefined) return undefined;
  const kept = new Set(protectedRules({ home: homedir(), env: process.env }).deny);
  const left = deny.filter((rule) => !kept.has(rule));
  return left.length === 0 ? undefined : left;
}

function describeTools(tools: readonly string[]): string {
  return tools.length === 0 ? "no tools without asking" : `only ${tools.join(", ")}`;
}

function exactRule(command: string): string {
  return `Bash(${command.trim().replace(/\s+/g, " ")})`;
}
