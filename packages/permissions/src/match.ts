import { dirname, isAbsolute, relative, resolve } from "node:path";
import ignore, { type Ignore } from "ignore";
import { realPath } from "./real-path.js";
import type { ParsedRule } from "./rule.js";
import { analyzeShell, type ShellAnalysis, type ShellCommand } from "./shell.js";
import { couldName } from "./program-glob.js";
import { programName } from "./unwrap.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// Whether one parsed rule covers one request. Lenient for deny and ask (a rule covers any command
// a line runs, wrapped ones included, and a path by its name or by where it really leads, in any
// letter case), strict for allow (a rule must cover everything the line runs, and the real path),
// so a mismatch errs towards asking.

/** Where relative rules and paths are anchored. */
export interface DecideContext {
  /** The agent's working directory (absolute). */
  cwd: string;
  /** The user's home, for `~/` rules. */
  home: string;
  /** The folder `/path` rules are relative to (the project the rules came from); default `cwd`. */
  root?: string;
  /** The user's login name, for `$USER` and `~name` in shell commands. */
  user?: string;
}

/** `allow` matches strictly; `deny` and `ask` leniently. */
export type MatchMode = "strict" | "lenient";

/** A request with what matching needs worked out once: the commands a shell line runs, a path's real place. */
export interface Subject {
  request: PermissionRequest;
  /** For a shell request: the line as the shell reads it. */
  shell?: ShellAnalysis;
  /** For a path: where it is as written (resolved against the cwd), and where it really leads. */
  paths?: { written: string; real: string };
}

/** Works out once what every rule will look at. */
export function subjectOf(request: PermissionRequest, ctx: DecideContext): Subject {
  if (request.command !== undefined && request.kind === "shell") return { request, shell: analyzeShell(request.command) };
  if (request.path !== undefined) return { request, paths: { written: resolve(ctx.cwd, request.path), real: realPath(request.path, ctx.cwd) } };
  return { request };
}

/** A command as a rule reads it: blanks folded, the program by its name (`/bin/rm` is `rm`). */
export function commandText(command: ShellCommand): string {
  const [program = "", ...args] = command.argv;
  return [programName(program), ...args]
    .join(" ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

/** A command as written (blanks folded): an allow rule for `rm` never covers a program of that name elsewhere, like `./rm`. */
function writtenText(command: ShellCommand): string {
  return command.argv
    .join(" ")
    .replace(/[ \t]+/g, " ")
    .trim();
}

const wildcards = new Map<string, RegExp>();

function wildcardRegExp(pattern: string): RegExp {
  let regexp = wildcards.get(pattern);
  if (regexp === undefined) {
    const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\\\*/g, ".*");
    // Claude Code's rule: a trailing ` *` also matches the command without arguments (`ls *` covers `ls`).
    const source = pattern.endsWith(" *") ? `${escape(pattern.slice(0, -2))}(?: .*)?` : escape(pattern);
    regexp = new RegExp(`^${source}$`, "s");
    if (wildcards.size >= 1000) wildcards.clear();
    wildcards.set(pattern, regexp);
  }
  return regexp;
}

/** Whether a command rule covers one command's text. */
export function commandMatches(rule: Extract<ParsedRule, { type: "command" }>, command: string): boolean {
  if (rule.match === "exact") return command === rule.pattern;
  if (rule.match === "wildcard") return wildcardRegExp(rule.pattern).test(command);
  // `npm:*` covers `npm` and `npm test` but not `npmx`; a prefix ending in `/` or `=` needs no boundary.
  if (command === rule.pattern) return true;
  return /[\w.-]$/.test(rule.pattern) ? command.startsWith(`${rule.pattern} `) : command.startsWith(rule.pattern);
}

/** The whole line with blanks folded, as an exact rule names it. */
export function wholeLine(raw: string): string {
  return raw.trim().replace(/[ \t]+/g, " ");
}

function shellMatches(rule: Extract<ParsedRule, { type: "command" }>, raw: string, shell: ShellAnalysis, mode: MatchMode): boolean {
  const line = wholeLine(raw);
  // Strict: the exact line the rule names, or a line this one rule covers entirely (see allowsShell for several).
  if (mode === "strict") return (rule.match === "exact" && line === rule.pattern) || coversAll(shell, (text) => commandMatches(rule, text));
  if (commandMatches(rule, line)) return true;
  // Deny and ask look at every command the line runs, by its program's name and as written.
  return shell.commands.some((c) => mayCover(rule, c));
}

/** The program a command rule names (`rm` for `Bash(rm -rf:*)`), by its name. */
function ruleProgram(rule: Extract<ParsedRule, { type: "command" }>): string {
  return programName(rule.pattern.split(" ")[0] ?? "");
}

/**
 * Whether a deny or ask rule covers one command: by its words, or, for a program settled only as it
 * runs (`r?`, `$(…)`), by any name it could have (its arguments are then unknown too).
 */
export function mayCover(rule: Extract<ParsedRule, { type: "command" }>, command: ShellCommand): boolean {
  if (command.unsettled !== undefined) return couldName(command.unsettled, ruleProgram(rule));
  return commandMatches(rule, commandText(command)) || commandMatches(rule, command.argv.join(" "));
}

/**
 * Whether `covered` vouches for everything a line runs: it was understood, redirects no file in
 * or out, and each command it runs (wrapped ones too) is covered.
 */
export function coversAll(shell: ShellAnalysis, covered: (text: string) => boolean): boolean {
  if (shell.doubt !== undefined || !shell.commands.some((c) => c.transparent !== true)) return false;
  return shell.commands.every(
    (c) => c.unsettled === undefined && c.reads.length === 0 && c.writes.length === 0 && (c.transparent === true || covered(writtenText(c))),
  );
}

interface PathMatcher {
  ignore: Ignore;
  uses: number;
}
const pathMatchers = new Map<string, PathMatcher>();

// `ignore` caches every path it has seen; a fresh instance every few thousand checks bounds that.
function pathMatcher(pattern: string, caseInsensitive: boolean): Ignore {
  const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
  let matcher = pathMatchers.get(key);
  if (matcher === undefined || matcher.uses >= 5000) {
    matcher = { ignore: ignore({ ignorecase: caseInsensitive }).add(pattern), uses: 0 };
    if (pathMatchers.size >= 1000) pathMatchers.clear();
    pathMatchers.set(key, matcher);
  }
  matcher.uses += 1;
  return matcher.ignore;
}

/** `path` relative to `base`, or undefined when it is `base` itself or outside it. */
export function inside(base: string, path: string): string | undefined {
  const rel = relative(base, path);
  if (rel === "" || rel === ".." || rel.startsWith("../") || isAbsolute(rel)) return undefined;
  return rel;
}

/** The folder a path rule's pattern is anchored in. */
export function ruleBase(rule: Extract<ParsedRule, { type: "path" }>, ctx: DecideContext): string {
  let base = rule.base === "root" ? "/" : rule.base === "home" ? ctx.home : rule.base === "project" ? (ctx.root ?? ctx.cwd) : ctx.cwd;
  for (let up = 0; up < rule.up; up += 1) base = dirname(base);
  return base;
}

/** Whether a path rule covers a path (written and real forms): any of them for deny and ask, both for allow. */
export function pathMatches(
  rule: Extract<ParsedRule, { type: "path" }>,
  paths: { written: string; real: string },
  ctx: DecideContext,
  mode: MatchMode,
): boolean {
  const base = ruleBase(rule, ctx);
  const matcher = pathMatcher(rule.pattern, mode === "lenient");
  const under = (root: string, path: string): boolean => {
    const rel = inside(root, path);
    return rel !== undefined && matcher.ignores(rel);
  };
  // The rule's folder may itself be reached through a link (a cwd under /tmp -> /private/tmp).
  const realBase = realPath(base, "/");
  const written = under(resolve(base), paths.written);
  const real = under(realBase, paths.real) || under(resolve(base), paths.real);
  return mode === "lenient" ? written || real : real;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return undefined;
  }
}

/**
 * Whether a rule naming `tool` applies to this request's tool (Edit rules cover every editing tool,
 * Read rules every reading one). A Bash rule judges every shell command, but allows (strict) only
 * Bash itself: another tool that runs one (a launch with a check) needs a rule of its own to be allowed.
 */
export function toolApplies(tool: string, request: Pick<PermissionRequest, "tool" | "kind">, mode: MatchMode = "lenient"): boolean {
  if (tool === request.tool) return true;
  switch (tool) {
    case "Bash":
      return request.kind === "shell" && (mode === "lenient" || request.tool === "Bash");
    case "Edit":
      return request.kind === "edit";
    case "Read":
      return request.kind === "read";
    case "WebFetch":
      return request.kind === "fetch";
    default:
      return false;
  }
}

/** Whether `rule` covers the request a subject stands for. */
export function subjectMatches(rule: ParsedRule, subject: Subject, ctx: DecideContext, mode: MatchMode): boolean {
  const { request } = subject;
  switch (rule.type) {
    case "mcp_server":
      return request.tool === `mcp__${rule.server}` || request.tool.startsWith(`mcp__${rule.server}__`);
    case "tool":
      return toolApplies(rule.tool, request, mode);
    case "command":
      return (
        toolApplies(rule.tool, request, mode) &&
        request.command !== undefined &&
        subject.shell !== undefined &&
        shellMatches(rule, request.command, subject.shell, mode)
      );
    case "path":
      return toolApplies(rule.tool, request) && subject.paths !== undefined && pathMatches(rule, subject.paths, ctx, mode);
    case "domain": {
      const host = request.url === undefined ? undefined : hostOf(request.url);
      if (!toolApplies(rule.tool, request) || host === undefined) return false;
      return rule.domain.startsWith("*.") ? host.endsWith(rule.domain.slice(1)) : host === rule.domain;
    }
  }
}
