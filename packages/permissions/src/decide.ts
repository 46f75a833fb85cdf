import { z } from "zod";
import { fileHit } from "./command-paths.js";
import { commandMatches, coversAll, inside, subjectMatches, subjectOf, type DecideContext, type MatchMode, type Subject } from "./match.js";
import { realPath } from "./real-path.js";
import { parseRule, type ParsedRule, type PermissionRules } from "./rule.js";
import { passedOn } from "./passed-on.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// One policy for every CLI: deny beats ask beats allow, and with no rule a read inside the cwd
// (where the file really is, links resolved) is allowed while everything else is asked, as
// Claude Code's own default does. A shell line that cannot be read in full is asked about
// whenever a rule could be watching for part of it.

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

function firstMatch(sources: readonly string[] | undefined, subject: Subject, ctx: DecideContext, mode: MatchMode): string | undefined {
  return sources?.find((source) => subjectMatches(cachedRule(source), subject, ctx, mode));
}

// `cat ./.env` is a read of .env to a `Read(./.env)` deny rule: every file a command line names is
// held against the path rules (command-paths.ts), as a file, or as a glob that could name the rule's.
function pathInCommand(sources: readonly string[] | undefined, subject: Subject, ctx: DecideContext): string | undefined {
  const hit = subject.shell === undefined ? undefined : fileHit((sources ?? []).map(cachedRule), subject.shell, subject.request.command ?? "", ctx);
  return hit?.known === true ? hit.rule : undefined;
}

// Why a line that cannot be read in full must be asked about, when a rule could be watching for
// part of it: a command rule any word known only as it runs, a path rule a file word that could
// name its file only through such a value (or a program settled only as it runs, which may open any).
function doubtOf(subject: Subject, rules: PermissionRules, ctx: DecideContext): string | undefined {
  const shell = subject.shell;
  if (shell === undefined) return undefined;
  const watching = [...(rules.deny ?? []), ...(rules.ask ?? [])].map(cachedRule);
  if (shell.doubt !== undefined && watching.some((r) => r.type === "command")) return shell.doubt;
  if (shell.dynamic && watching.some((r) => r.type === "command")) return "a word of it (a variable, substitution or glob) is decided only when it runs";
  if (!watching.some((r) => r.type === "path")) return undefined;
  if (shell.commands.some((c) => c.unsettled !== undefined)) return "the program it runs is decided only when it runs";
  const hit = fileHit(watching, shell, subject.request.command ?? "", ctx);
  return hit === undefined ? undefined : `a word of it, decided only when it runs, could name a file rule ${hit.rule} watches`;
}

// Allow is strict: one rule covers the whole line, or every command the line runs is covered by some command rule.
function allowedBy(sources: readonly string[] | undefined, subject: Subject, ctx: DecideContext): string | undefined {
  const single = firstMatch(sources, subject, ctx, "strict");
  // Several Bash rules together allow Bash only (see toolApplies).
  if (single !== undefined || subject.shell === undefined || subject.request.tool !== "Bash") return single;
  const rules = (sources ?? []).map(cachedRule).filter((r): r is Extract<ParsedRule, { type: "command" }> => r.type === "command" && r.tool === "Bash");
  const used = new Set<string>();
  const covered = coversAll(subject.shell, (text) => {
    const rule = rules.find((r) => commandMatches(r, text));
    if (rule !== undefined) used.add(rule.source);
    return rule !== undefined;
  });
  return covered ? [...used].join(" + ") : undefined;
}

/** The most of a launch's check a request's line shows: more than any check a server accepts (2,000). */
const CHECK_CHARS = 4_000;

/**
 * A short human line for a request: `Bash: npm test`, `Edit: /repo/src/a.ts`. A tool other than
 * Bash with a command (a launch that carries a check its server will run) shows the check in full.
 */
export function describeRequest(request: PermissionRequest): string {
  if (request.kind === "shell" && request.tool !== "Bash" && request.command !== undefined) {
    const check = request.command.length > CHECK_CHARS ? `${request.command.slice(0, CHECK_CHARS - 1)}…` : request.command;
    return `${request.tool}, which then runs the shell command: ${check}`;
  }
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
  const subject = subjectOf(request, ctx);
  const denied = firstMatch(rules.deny, subject, ctx, "lenient") ?? pathInCommand(rules.deny, subject, ctx);
  if (denied !== undefined) return { decision: "deny", rule: denied, why: `${what}: denied by rule ${denied}` };
  const watching = [...(rules.deny ?? []), ...(rules.ask ?? [])].map(cachedRule);
  // A program settled only as it runs may be a wrapper of what its arguments name: deny what they would run.
  const wrapping = passedOn((rules.deny ?? []).map(cachedRule), subject.shell, "unsettled");
  if (wrapping !== undefined)
    return { decision: "deny", rule: wrapping.rule, why: `${what}: denied by rule ${wrapping.rule} (${wrapping.program} may run ${wrapping.words})` };
  const asked = firstMatch(rules.ask, subject, ctx, "lenient") ?? pathInCommand(rules.ask, subject, ctx);
  if (asked !== undefined) return { decision: "ask", rule: asked, why: `${what}: rule ${asked} asks` };
  // A program we do not know may run the words it is given, as chronic or nohup do.
  const passed = passedOn(watching, subject.shell, "unknown");
  if (passed !== undefined) return { decision: "ask", why: `${what}: ${passed.program} may run ${passed.words}, which rule ${passed.rule} watches` };
  const doubt = doubtOf(subject, rules, ctx);
  if (doubt !== undefined) return { decision: "ask", why: `${what}: cannot be checked against the rules: ${doubt}` };
  const allowed = allowedBy(rules.allow, subject, ctx);
  if (allowed !== undefined) return { decision: "allow", rule: allowed, why: `${what}: allowed by rule ${allowed}` };
  if (request.kind === "read" && subject.paths !== undefined) {
    const { written, real } = subject.paths;
    const cwd = ctx.cwd;
    const within = (base: string, path: string): boolean => path === base || inside(base, path) !== undefined;
    if (within(cwd, written) && (within(realPath(cwd, "/"), real) || within(cwd, real)))
      return { decision: "allow", why: `${what}: reads inside the working directory are allowed` };
    const where = within(cwd, written) ? `it leads outside the working directory (to ${real})` : "a read outside the working directory";
    return { decision: "ask", why: `${what}: ${where}; no rule allows it` };
  }
  return { decision: "ask", why: `${what}: no rule allows it` };
}
