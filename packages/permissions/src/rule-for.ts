import { basename, dirname, resolve } from "node:path";
import { inside, type DecideContext } from "./match.js";
import { analyzeShell } from "./shell.js";
import { parseRule } from "./rule.js";
import type { PermissionRequest } from "@subagent-mcp/contract";

// The rule an "allow always" answer adds for the rest of the session: the narrowest rule a person
// would write for "this kind of thing again": the command's leading words, the file's folder, the host.

/** A word that names a program or subcommand (not an option, a path, a file or shell syntax). */
const COMMAND_WORD = /^[A-Za-z0-9_][\w@+:-]*$/;
/** Subcommands that take the real subcommand next: `npm run build`, `pnpm exec tsc`. */
const RUNNERS = new Set(["run", "exec", "x", "run-script"]);

// The one command a line runs, when it runs one, seen through transparent wrappers (Codex asks
// about `/bin/bash -lc 'npm test'`, which is `npm test` to a rule).
function ownCommand(command: string): string {
  const shell = analyzeShell(command);
  const own = shell.commands.filter((c) => c.transparent !== true);
  const [only] = own;
  if (shell.doubt !== undefined || shell.dynamic || own.length !== 1 || only === undefined || only.reads.length + only.writes.length > 0) return command;
  return only.argv.join(" ");
}

function commandRule(command: string): string | undefined {
  const trimmed = ownCommand(command).trim();
  const words = trimmed.split(/\s+/);
  const prefix: string[] = [];
  for (const word of words) {
    const limit = RUNNERS.has(prefix[1] ?? "") ? 3 : 2;
    if (prefix.length >= limit || !COMMAND_WORD.test(word) || word.endsWith(":")) break;
    prefix.push(word);
  }
  if (prefix.length > 0 && !/[;&|<>`$()\n\r]/.test(trimmed)) return `Bash(${prefix.join(" ")}:*)`;
  // Compound commands, and those that start with a path or an assignment, are remembered exactly
  // (a `*` in them would read as a wildcard, so those are allowed once).
  return trimmed.includes("*") ? undefined : `Bash(${trimmed})`;
}

/** Escapes gitignore's special characters in a literal path. */
function literal(path: string): string {
  return path.replace(/[*?[\]\\!#]/g, "\\$&");
}

function pathRule(tool: "Edit" | "Read", path: string, ctx: DecideContext): string | undefined {
  const cwd = resolve(ctx.cwd);
  const target = resolve(cwd, path);
  const folder = dirname(target);
  if (folder === cwd) return `${tool}(./${literal(basename(target))})`;
  const rel = inside(cwd, folder);
  if (rel !== undefined) return `${tool}(${/^[A-Za-z0-9_]/.test(rel) ? "" : "./"}${literal(rel)}/**)`;
  if (target === "/") return undefined; // the root itself: no rule narrower than the whole tool
  if (folder === "/") return `${tool}(//${literal(basename(target))})`;
  return `${tool}(/${literal(folder)}/**)`;
}

function domainRule(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return `WebFetch(domain:${new URL(url).hostname.toLowerCase().replace(/\.$/, "")})`;
  } catch {
    return undefined;
  }
}

function candidate(request: PermissionRequest, ctx: DecideContext): string | undefined {
  switch (request.kind) {
    case "shell":
      // Another tool that runs a command (a launch with a check) is allowed again by its own name.
      if (request.tool !== "Bash") return request.tool;
      return request.command === undefined || request.command.trim() === "" ? undefined : commandRule(request.command);
    case "edit":
    case "read":
      return request.path === undefined ? undefined : pathRule(request.kind === "edit" ? "Edit" : "Read", request.path, ctx);
    case "fetch":
      return domainRule(request.url);
    case "mcp":
    case "other":
      return request.tool;
  }
}

/**
 * The rule to add when the answer to `request` is `allow_always`, e.g. `Bash(npm test:*)`,
 * `Edit(src/**)`, `WebFetch(domain:example.com)`, `mcp__github__create_issue`; undefined when no
 * rule narrower than the whole tool exists (no command, path or host), so the answer allows once.
 */
export function ruleFor(request: PermissionRequest, ctx: DecideContext): string | undefined {
  const rule = candidate(request, ctx);
  if (rule === undefined) return undefined;
  try {
    parseRule(rule);
    return rule;
  } catch {
    return undefined;
  }
}
