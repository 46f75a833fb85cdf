import { isAbsolute, relative, resolve, dirname } from "node:path";
import type { PermissionRequest } from "@subagent-mcp/core";
import ignore, { type Ignore } from "ignore";
import type { ParsedRule } from "./rule.js";

// Whether one parsed rule covers one request. Lenient for deny and ask (a rule covers any part of a
// compound command, any letter case of a path), strict for allow (a prefix or wildcard never covers
// a command that chains, substitutes or redirects), so a mismatch errs towards asking.

/** Where relative rules and paths are anchored. */
export interface DecideContext {
  /** The agent's working directory (absolute). */
  cwd: string;
  /** The user's home, for `~/` rules. */
  home: string;
  /** The folder `/path` rules are relative to (the project the rules came from); default `cwd`. */
  root?: string;
}

/** `allow` matches strictly; `deny` and `ask` leniently. */
export type MatchMode = "strict" | "lenient";

/** Shell syntax that chains, substitutes or redirects: a prefix cannot vouch for what follows it. */
const SHELL_META = /[;&|<>`$()\n\r]/;
/** Where a compound command splits into the commands it runs (over-splitting only adds candidates). */
const SHELL_SPLIT = /&&|\|\||\$\(|[;&|`()\n\r]/;
const LEADING_ASSIGNMENTS = /^(?:[A-Za-z_]\w*=\S*\s+)+/;
/** Commands that run the command after them (with their own options first): `sudo rm` runs `rm`. */
const WRAPPERS = new Set(["sudo", "doas", "env", "command", "builtin", "exec", "nohup", "nice", "time", "timeout", "xargs"]);

/** The program a segment runs, as a deny rule names it: assignments and wrappers dropped, `/bin/rm` read as `rm`. */
function program(segment: string): string {
  const words = segment.replace(LEADING_ASSIGNMENTS, "").split(" ");
  let start = 0;
  while (start < words.length - 1 && (WRAPPERS.has(words[start] ?? "") || /^-|^\d+[smhd]?$|^[A-Za-z_]\w*=/.test(words[start] ?? ""))) start += 1;
  const first = words[start] ?? "";
  return [first.slice(first.lastIndexOf("/") + 1), ...words.slice(start + 1)].join(" ");
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

function commandMatches(rule: Extract<ParsedRule, { type: "command" }>, command: string): boolean {
  if (rule.match === "exact") return command === rule.pattern;
  if (rule.match === "wildcard") return wildcardRegExp(rule.pattern).test(command);
  // `npm:*` covers `npm` and `npm test` but not `npmx`; a prefix ending in `/` or `=` needs no boundary.
  if (command === rule.pattern) return true;
  return /[\w.-]$/.test(rule.pattern) ? command.startsWith(`${rule.pattern} `) : command.startsWith(rule.pattern);
}

function shellMatches(rule: Extract<ParsedRule, { type: "command" }>, raw: string, mode: MatchMode): boolean {
  // The shell splits words on any run of blanks: `rm\t-rf` is `rm -rf` to a rule.
  const command = raw.trim().replace(/[ \t]+/g, " ");
  if (mode === "strict") return rule.match === "exact" ? command === rule.pattern : !SHELL_META.test(command) && commandMatches(rule, command);
  if (commandMatches(rule, command)) return true;
  // Deny and ask look at every command a compound line runs, and at the program behind wrappers and paths.
  return command.split(SHELL_SPLIT).some((part) => {
    const segment = part.trim();
    return segment !== "" && (commandMatches(rule, segment) || commandMatches(rule, program(segment)));
  });
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

function pathMatches(rule: Extract<ParsedRule, { type: "path" }>, path: string, ctx: DecideContext, mode: MatchMode): boolean {
  let base = rule.base === "root" ? "/" : rule.base === "home" ? ctx.home : rule.base === "project" ? (ctx.root ?? ctx.cwd) : ctx.cwd;
  for (let up = 0; up < rule.up; up += 1) base = dirname(base);
  const rel = inside(resolve(base), resolve(ctx.cwd, path));
  return rel !== undefined && pathMatcher(rule.pattern, mode === "lenient").ignores(rel);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase().replace(/\.$/, "");
  } catch {
    return undefined;
  }
}

/** Whether a rule naming `tool` applies to this request's tool (Edit rules cover every editing tool, Read rules every reading one). */
function toolApplies(tool: string, request: PermissionRequest): boolean {
  if (tool === request.tool) return true;
  switch (tool) {
    case "Bash":
      return request.kind === "shell";
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

/** Whether `rule` covers `request`. */
export function ruleMatches(rule: ParsedRule, request: PermissionRequest, ctx: DecideContext, mode: MatchMode): boolean {
  switch (rule.type) {
    case "mcp_server":
      return request.tool === `mcp__${rule.server}` || request.tool.startsWith(`mcp__${rule.server}__`);
    case "tool":
      return toolApplies(rule.tool, request);
    case "command":
      return toolApplies(rule.tool, request) && request.command !== undefined && shellMatches(rule, request.command, mode);
    case "path":
      return toolApplies(rule.tool, request) && request.path !== undefined && pathMatches(rule, request.path, ctx, mode);
    case "domain": {
      const host = request.url === undefined ? undefined : hostOf(request.url);
      if (!toolApplies(rule.tool, request) || host === undefined) return false;
      return rule.domain.startsWith("*.") ? host.endsWith(rule.domain.slice(1)) : host === rule.domain;
    }
  }
}
