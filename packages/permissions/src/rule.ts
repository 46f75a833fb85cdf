import { z } from "zod";
import { PermissionsError } from "./errors.js";
import { errorMessage } from "@subagent-mcp/errors";

// Claude Code's permission-rule syntax, `Tool` or `Tool(specifier)`, parsed once into the shape the
// matcher needs, so a rule that could never match is refused when it is written, not ignored later.

/** Tools whose specifier is a path pattern (gitignore syntax; `//abs`, `~/home`, `/root-relative`, `rel`). */
const PATH_TOOLS = new Set(["Read", "Edit", "Write", "MultiEdit", "NotebookEdit", "Grep", "Glob", "LS"]);

/** Where a path pattern is anchored: the filesystem root, home, the rules' root, or the agent's cwd. */
const PathBaseSchema = z.enum(["root", "home", "project", "cwd"]);

export const ParsedRuleSchema = z.discriminatedUnion("type", [
  /** `Read`, `Bash`, `WebFetch`, `mcp__server__tool`: every use of the tool. */
  z.object({ type: z.literal("tool"), source: z.string(), tool: z.string() }),
  /** `mcp__server` or `mcp__server__*`: every tool of one MCP server. */
  z.object({ type: z.literal("mcp_server"), source: z.string(), server: z.string() }),
  /** `Bash(git diff)` exact, `Bash(npm test:*)` prefix, `Bash(npm run *)` wildcard. */
  z.object({ type: z.literal("command"), source: z.string(), tool: z.string(), match: z.enum(["exact", "prefix", "wildcard"]), pattern: z.string() }),
  /** `Edit(src/**)`: a gitignore pattern under `base`, `up` folders above it for a leading `../`. */
  z.object({ type: z.literal("path"), source: z.string(), tool: z.string(), base: PathBaseSchema, up: z.number().int().min(0), pattern: z.string() }),
  /** `WebFetch(domain:example.com)`, or `domain:*.example.com` for its subdomains. */
  z.object({ type: z.literal("domain"), source: z.string(), tool: z.string(), domain: z.string() }),
]);
export type ParsedRule = z.infer<typeof ParsedRuleSchema>;

const RULE_SHAPE = /^([A-Za-z][\w-]*(?:__\*)?)(?:\((.*)\))?$/s;
const MCP_NAME = /^mcp__([\w-]+?)(?:__([\w-]+|\*))?$/;

function fail(rule: string, why: string): never {
  throw new PermissionsError("INVALID_RULE", `permission rule ${JSON.stringify(rule)}: ${why}`);
}

function parseCommand(source: string, tool: string, spec: string): ParsedRule {
  const body = spec.trim().replace(/[ \t]+/g, " "); // as the matcher sees the command
  if (body === "" || body === "*" || body === ":*") return { type: "tool", source, tool };
  if (body.endsWith(":*")) {
    const prefix = body.slice(0, -2).trimEnd();
    if (prefix.includes("*")) fail(source, "a `:*` prefix rule takes no other `*`; write `Bash(npm run *)` for a wildcard");
    return { type: "command", source, tool, match: "prefix", pattern: prefix };
  }
  if (body.includes(":*")) fail(source, "`:*` is allowed only at the end, as in `Bash(npm test:*)`");
  return { type: "command", source, tool, match: body.includes("*") ? "wildcard" : "exact", pattern: body };
}

function parsePath(source: string, tool: string, spec: string): ParsedRule {
  if (spec.startsWith("!")) fail(source, "negated patterns are not rules; put the exception in another list");
  if (/^(\/\/|~\/|\/)\.?\/*$/.test(spec)) fail(source, "name files under the folder, e.g. `//tmp/**`, `~/notes/**`");
  if (spec.startsWith("//")) return { type: "path", source, tool, base: "root", up: 0, pattern: `/${spec.slice(2)}` };
  if (spec === "~" || (spec.startsWith("~") && !spec.startsWith("~/"))) fail(source, "home-relative patterns start with `~/`, e.g. `~/Documents/**`");
  if (spec.startsWith("~/")) return { type: "path", source, tool, base: "home", up: 0, pattern: spec.slice(1) };
  if (spec.startsWith("/")) return { type: "path", source, tool, base: "project", up: 0, pattern: spec };
  // `./x` and `../x` name a place relative to the cwd, so they are anchored there; a bare `x` is gitignore's any-depth name.
  let rest = spec;
  let up = 0;
  let anchored = false;
  for (;;) {
    if (rest.startsWith("./")) rest = rest.slice(2);
    else if (rest.startsWith("../")) [rest, up] = [rest.slice(3), up + 1];
    else break;
    anchored = true;
  }
  if (rest === "" || rest === "." || rest === "..") fail(source, "name files under the folder, e.g. `./**`");
  if (rest.split("/").includes("..")) fail(source, "`..` is allowed only at the start of a path pattern");
  return { type: "path", source, tool, base: "cwd", up, pattern: anchored ? `/${rest}` : rest };
}

function parseDomain(source: string, tool: string, spec: string): ParsedRule {
  const match = /^domain:(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/i.exec(spec.trim());
  if (match === null) fail(source, "WebFetch takes `domain:example.com` (or `domain:*.example.com`)");
  return { type: "domain", source, tool, domain: `${match[1] ?? ""}${(match[2] ?? "").toLowerCase()}` };
}

/** Parses one rule string; throws PermissionsError INVALID_RULE saying what is wrong. */
export function parseRule(source: string): ParsedRule {
  const shape = RULE_SHAPE.exec(source.trim());
  if (shape === null) fail(source, "expected `Tool` or `Tool(specifier)`, e.g. `Bash(npm test:*)`, `Edit(src/**)`, `mcp__server__tool`");
  const tool = shape[1] ?? "";
  const spec = shape[2];
  const mcp = MCP_NAME.exec(tool);
  if (mcp !== null) {
    if (spec !== undefined) fail(source, "MCP tools take no specifier; name the tool (`mcp__server__tool`) or the server (`mcp__server`)");
    const server = mcp[1] ?? "";
    return mcp[2] === undefined || mcp[2] === "*" ? { type: "mcp_server", source, server } : { type: "tool", source, tool };
  }
  if (tool.endsWith("*")) fail(source, "only MCP rules take `__*` (`mcp__server__*`)");
  if (spec === undefined || spec.trim() === "*") return { type: "tool", source, tool };
  if (spec.trim() === "") fail(source, "empty specifier; write the tool alone to match all its uses");
  if (tool === "Bash") return parseCommand(source, tool, spec);
  if (tool === "WebFetch") return parseDomain(source, tool, spec);
  if (PATH_TOOLS.has(tool)) return parsePath(source, tool, spec);
  return fail(source, `${tool} takes no specifier here; Bash, WebFetch and the file tools (${[...PATH_TOOLS].join(", ")}) do`);
}

/** A rule string, checked on parse: `PermissionRuleSchema.parse("Edit(src/**)")` keeps the string. */
export const PermissionRuleSchema = z.string().superRefine((value, ctx) => {
  try {
    parseRule(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: errorMessage(error) });
  }
});

/** A rule string parsed into its structured form (for tooling that shows or edits rules). */
export const ParsedRuleFromStringSchema = z.string().transform((value, ctx): ParsedRule => {
  try {
    return parseRule(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: errorMessage(error) });
    return z.NEVER;
  }
});

/** The rules of one agent, definition or config file: each list in Claude Code's syntax. */
export const PermissionRulesSchema = z.object({
  allow: z.array(PermissionRuleSchema).optional(),
  deny: z.array(PermissionRuleSchema).optional(),
  ask: z.array(PermissionRuleSchema).optional(),
});
export type PermissionRules = z.infer<typeof PermissionRulesSchema>;
