import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";

/** A config file as read: absent (not a problem), parsed, or refused with why. */
export type ReadConfig = { kind: "missing" } | { kind: "ok"; data: Record<string, unknown> } | { kind: "bad"; reason: string };

/** Reads a JSON/JSONC (comments, trailing commas) or TOML file; never throws. */
export async function readConfig(path: string, format: "jsonc" | "toml"): Promise<ReadConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return { kind: "missing" };
    return { kind: "bad", reason: `unreadable (${(error as Error).message})` };
  }
  const parsed = format === "toml" ? tomlOf(text) : jsoncOf(text);
  if (typeof parsed === "string") return { kind: "bad", reason: parsed };
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "bad", reason: "not an object at the top" };
  return { kind: "ok", data: parsed as Record<string, unknown> };
}

function tomlOf(text: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    return `not valid TOML (${(error as Error).message.split("\n")[0] ?? "invalid"})`;
  }
}

// Strict JSON first: the hosts write their files so (Claude Code's ~/.claude.json grows to megabytes
// of project history), and JSON.parse reads one ~15x faster than the JSONC parser, which a launch
// would otherwise wait on. A file with comments or trailing commas fails it at once and is read as JSONC.
function jsoncOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // JSONC, or not valid at all: the JSONC parser says which, and where.
  }
  const errors: ParseError[] = [];
  const value: unknown = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  const first = errors[0];
  if (first === undefined) return value;
  const line = text.slice(0, first.offset).split("\n").length;
  return `not valid JSON (${printParseErrorCode(first.error)} on line ${line})`;
}

/**
 * The folders a project file is looked for in: `cwd`, then each parent up to the git root (a folder
 * holding `.git`, a folder or a worktree's file) or the filesystem's root, nearest first.
 */
export async function projectDirs(cwd: string): Promise<string[]> {
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    const git = await stat(join(dir, ".git")).catch(() => undefined);
    if (git !== undefined || dirname(dir) === dir) return dirs;
  }
}
