import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { fileStamp, KeptFiles, statOf } from "./kept-files.js";

/** A config file as read: absent (not a problem), parsed, or refused with why. */
export type ReadConfig = { kind: "missing" } | { kind: "ok"; data: Record<string, unknown> } | { kind: "bad"; reason: string };

// Why: every launch asks each candidate CLI's config whether it would start our own server
// (launch-steps ownEntryFor), and reading and parsing those files again was most of a launch's
// time. A file read before is answered from what it parsed to while its stamp (inode, size, change
// and modification times) is the same; a changed, replaced or removed file is read again. Kept:
// files up to 256 KB, the newest first, within 1 MB in all (a large ~/.claude.json is parsed each
// time rather than held in memory). Callers only read what they are given.
const kept = new KeptFiles<ReadConfig>(256 * 1024, 1024 * 1024);

/** Reads a JSON/JSONC (comments, trailing commas) or TOML file; never throws. */
export async function readConfig(path: string, format: "jsonc" | "toml"): Promise<ReadConfig> {
  const stamp = fileStamp(path);
  if (stamp === null) return { kind: "missing" };
  const key = `${format}:${path}`;
  const known = kept.get(key, stamp?.stamp);
  if (known !== undefined) return known.value;
  const read = await readAndParse(path, format);
  if (read.kind !== "missing") kept.set(key, stamp, read);
  return read;
}

async function readAndParse(path: string, format: "jsonc" | "toml"): Promise<ReadConfig> {
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
export function projectDirs(cwd: string): string[] {
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    // Synchronous: a few stats cost less than as many round trips through the thread pool.
    const git = statOf(join(dir, ".git"));
    if ((git !== null && git !== undefined) || dirname(dir) === dir) return dirs;
  }
}
