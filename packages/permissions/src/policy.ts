import { homedir, userInfo } from "node:os";
import type { PermissionRuling } from "@subagent-mcp/core";
import { decide, describeRequest, type PermissionOutcome } from "./decide.js";
import { PermissionRuleSchema, type PermissionRules } from "./rule.js";
import { PermissionsError } from "./errors.js";
import {
  LEVEL,
  levelRank as rank,
  MODE,
  permissionLevelOf,
  PermissionModeSchema,
  type PermissionLevel,
  type PermissionRequest,
  definedFields,
} from "@subagent-mcp/contract";

/**
 * The most a server may grant its sub-agents, inherited from the agent it runs under: that
 * agent's permission level and, below bypassPermissions, the tools it was allowed without asking.
 */
export interface Ceiling {
  level: PermissionLevel;
  /** Tools allowed without asking; undefined: any (the level alone decides). */
  tools: readonly string[] | undefined;
}

/** What a launch asks for. */
interface GrantRequest {
  mode?: string | undefined;
  tools?: string[] | undefined;
}

/** What a launch gets: the level to run at (and to pass down as the child's ceiling) and its tools. */
export interface Grant {
  level: PermissionLevel;
  /** The mode for the CLI; undefined when none was asked for and none is needed (the CLI's own default). */
  mode: PermissionLevel | undefined;
  tools: string[] | undefined;
}

/** The level a mode name stands for; an unknown name is an error that lists the known ones. */
export function levelOf(mode: string, what: string): PermissionLevel {
  const level = permissionLevelOf(mode);
  if (level === undefined)
    throw new PermissionsError("INVALID_ARGUMENT", `${what}: unknown permission mode "${mode}" (known: ${PermissionModeSchema.options.join(", ")})`);
  return level;
}

// Claude Code's rules: "Bash" covers "Bash(git diff:*)", and "mcp__srv" every tool of that server.
function covers(allowed: string, tool: string): boolean {
  if (allowed === tool) return true;
  if (!allowed.includes("(") && tool.startsWith(`${allowed}(`)) return true;
  return /^mcp__[^_]+(?:_[^_]+)*$/.test(allowed) && tool.startsWith(`${allowed}__`);
}

/**
 * Checks a launch against the ceiling (none: a server started by a person or a host, which may
 * grant anything) and says what it gets. A launch that names no mode runs at `default`, or at the
 * ceiling when that is lower. Asking for more than the ceiling is refused, never reduced quietly.
 */
export function grant(request: GrantRequest, ceiling: Ceiling | undefined, what: string): Grant {
  const asked = request.mode === undefined ? undefined : levelOf(request.mode, what);
  if (ceiling === undefined) return { level: asked ?? "default", mode: asked, tools: request.tools };
  if (asked !== undefined && rank(asked) > rank(ceiling.level)) {
    throw new PermissionsError(
      "PERMISSION_ABOVE_CEILING",
      `${what}: permission mode "${request.mode ?? ""}" is more than this agent was given (${ceiling.level}); a sub-agent can be given at most its parent's permissions`,
    );
  }
  const level = asked ?? (rank(ceiling.level) < rank("default") ? ceiling.level : "default");
  const allowed = ceiling.tools;
  const extra = allowed === undefined ? [] : (request.tools ?? []).filter((t) => !allowed.some((a) => covers(a, t)));
  if (extra.length > 0) {
    throw new PermissionsError(
      "PERMISSION_ABOVE_CEILING",
      `${what}: allowed tools ${extra.join(", ")} go beyond what this agent was allowed (${allowed?.join(", ") || "none"}); a sub-agent can be given at most its parent's tools`,
    );
  }
  return { level, mode: asked ?? (level === "default" ? undefined : level), tools: request.tools };
}

/** Rules with the allow rules a ceiling does not cover left out (a nested server's config grants no more than it was given). */
export function withinCeiling(rules: PermissionRules, ceiling: Ceiling | undefined): PermissionRules {
  const allowed = ceiling?.tools;
  if (allowed === undefined || rules.allow === undefined) return rules;
  return { ...rules, allow: rules.allow.filter((rule) => allowed.some((a) => covers(a, rule))) };
}

/** Rule sets combined: every rule of each applies, and deny beats ask beats allow across all of them. */
export function mergeRules(...sets: (PermissionRules | undefined)[]): PermissionRules {
  const out: PermissionRules = {};
  for (const key of ["allow", "deny", "ask"] as const) {
    const rules = [...new Set(sets.flatMap((set) => set?.[key] ?? []))];
    if (rules.length > 0) out[key] = rules;
  }
  return out;
}

/** What {@link asking} adds to a launch: the CLI asks us, our rules answer, and what the CLI may enforce itself. */
export interface Asking {
  askPermissions?: true;
  permissionPolicy?: (request: PermissionRequest, agent?: { cwd: string }) => PermissionRuling;
  /** The tools left for the CLI's own allow-list (the others became allow rules of ours). */
  allowedTools?: string[];
  /** Deny and ask rules for the CLI to enforce too, where it can. */
  rules?: { deny?: string[]; ask?: string[] };
}

// A tool the CLI is told to allow is never asked about, so no deny or ask rule of ours would see
// it: with such rules, the allowed tools that are rules become allow rules of ours instead. MCP
// tools stay with the CLI (each CLI names them its own way; ours are the sub-agent's messaging).
function splitAllowed(tools: string[] | undefined): { ours: string[]; cli: string[] | undefined } {
  if (tools === undefined) return { ours: [], cli: undefined };
  const ours = tools.filter((tool) => !tool.startsWith("mcp_") && PermissionRuleSchema.safeParse(tool).success);
  return { ours, cli: tools.filter((tool) => !ours.includes(tool)) };
}

/**
 * Whether the sub-agent's CLI asks instead of refusing, and the rules that answer first. Every
 * mode asks; bypassPermissions and dontAsk only when a deny or ask rule is set, so that each tool
 * use reaches the rules (see {@link unattended}). `rules` is read per request (a pool agent's follow
 * its definition file); `allowedTools` are the launch's, some of which may move into the rules
 * (see {@link Asking.allowedTools}).
 */
export function asking(mode: string | undefined, level: string, rules: () => PermissionRules, cwd: string, allowedTools?: string[]): Asking {
  const home = homedir();
  const user = loginName();
  const now = rules();
  const guarded = (now.deny?.length ?? 0) + (now.ask?.length ?? 0) > 0;
  const unasked = level === LEVEL.bypassPermissions ? "bypass" : mode === MODE.dontAsk ? MODE.dontAsk : undefined;
  if (unasked !== undefined && !guarded) return {};
  // bypassPermissions allows everything anyway: the launch's tools stay the CLI's.
  const { ours, cli } = guarded && unasked !== "bypass" ? splitAllowed(allowedTools) : { ours: [], cli: allowedTools };
  const current = ours.length === 0 ? rules : () => mergeRules(rules(), { allow: ours });
  // The agent's own cwd when known: a pool replica's worktree is made only as it starts.
  const judge: Judge = (request, agent, only) => {
    const now = current();
    return decide(request, only === "allow" ? { allow: now.allow ?? [] } : now, { cwd: agent?.cwd ?? cwd, home, ...definedFields({ user }) });
  };
  return {
    askPermissions: true,
    ...(cli === allowedTools || cli === undefined ? {} : { allowedTools: cli }),
    ...(guarded ? { rules: { ...definedFields({ deny: now.deny, ask: now.ask }) } } : {}),
    permissionPolicy: unasked === undefined ? (request, agent) => judge(request, agent) : unattended(unasked, judge),
  };
}

// The user's login name (`~name` in a command is this user's home); none where the system has no record of it.
// Looked up once: a process's user does not change, and each lookup reads the user database again.
let login: { name: string | undefined } | undefined;
function loginName(): string | undefined {
  login ??= { name: lookUpLogin() };
  return login.name;
}

function lookUpLogin(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

/**
 * The answers of a mode that asks nobody, with deny or ask rules set: the CLI is made to ask
 * about each tool use anyway (Codex's approval policy, Gemini CLI's policy file, an ACP agent's
 * most asking mode), and these answer at once, so that the orchestrator is never asked.
 * bypassPermissions: the deny rules refuse, an ask rule asks, everything else is allowed.
 * dontAsk: what a rule allows (or a read inside the cwd) is allowed, the rest refused; a refusal
 * that names no rule leaves a use the CLI runs on its own to the CLI (core's `precheck`).
 */
function unattended(mode: "bypass" | typeof MODE.dontAsk, judge: Judge): Asking["permissionPolicy"] {
  return (request, agent) => {
    const outcome = judge(request, agent);
    if (outcome.decision !== "ask") return outcome;
    if (outcome.rule !== undefined)
      return mode === "bypass" ? outcome : { decision: "deny", rule: outcome.rule, why: `${outcome.why}, and dontAsk asks nobody` };
    // No rule asks: what the rules cannot read in full (a variable, a wrapper) passes where the
    // mode or an allow rule lets it, as Claude Code's hook lets such a use pass.
    if (mode === "bypass") return { decision: "allow", why: `${describeRequest(request)}: bypassPermissions, and no deny or ask rule covers it` };
    const allowed = judge(request, agent, "allow");
    return allowed.decision === "allow" ? allowed : { decision: "deny", why: `${outcome.why} (dontAsk refuses what no rule allows)` };
  };
}

// The rules' verdict on a request; `only: "allow"`: the allow rules' alone.
type Judge = (request: PermissionRequest, agent?: { cwd: string }, only?: "allow") => PermissionOutcome;
