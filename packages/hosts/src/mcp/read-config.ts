import { statSync, type Stats } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";

/** A config file as read: absent (not a problem), parsed, or refused with why. */
export type ReadConfig = { kind: "missing" } | { kind: "ok"; data: Record<string, unknown> } | { kind: "bad"; reason: string };

// Why: every launch asks each candidate CLI's config whether it would start our own server
// (launch-steps ownEntryFor), and reading and parsing those files again was most of a launch's
// time. A file read before is answered from what it parsed to while its stamp (inode, size, change
// and modification times) is the same; a changed, replaced or removed file is read again. Kept:
// files up to KEEP_BYTES, the newest first, within KEPT_BYTES in all (a large ~/.claude.json is
// parsed each time rather than held in memory). Callers only read what they are given.
const KEEP_BYTES = 256 * 1024;
const KEPT_BYTES = 1024 * 1024;
const kept = new Map<string, { stamp: string; size: number; read: ReadConfig }>();

/** Reads a JSON/JSONC (comments, trailing commas) or TOML file; never throws. */
export async function readConfig(path: string, format: "jsonc" | "toml"): Promise<ReadConfig> {
  const stats = statOf(path);
  if (stats === null) return { kind: "missing" };
  const stamp = stats === undefined ? undefined : `${format}:${stampOf(stats)}`;
  const known = kept.get(path);
  if (known !== undefined && known.stamp === stamp) return known.read;
  kept.delete(path);
  const read = await readAndParse(path, format);
  if (stamp !== undefined && stats !== undefined && stats.size <= KEEP_BYTES && read.kind !== "missing") keep(path, { stamp, size: stats.size, read });
  return read;
}

/**
 * A file's stamp (inode, size, change and modification times), for answering a file read before
 * from what was made of it while the stamp is the same; null when the file does not exist,
 * undefined when stat fails otherwise (a read then says why). `size` is the file's, in bytes.
 */
export function fileStamp(path: string): { stamp: string; size: number } | null | undefined {
  const stats = statOf(path);
  return stats === null || stats === undefined ? stats : { stamp: stampOf(stats), size: stats.size };
}

const stampOf = (stats: Stats): string => `${String(stats.dev)}:${String(stats.ino)}:${String(stats.size)}:${String(stats.mtimeMs)}:${String(stats.ctimeMs)}`;

// The file's stats; null when it does not exist; undefined when stat fails otherwise (the read says why).
function statOf(path: string): Stats | null | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOTDIR" ? null : undefined;
  }
}

function keep(path: string, entry: { stamp: string; size: number; read: ReadConfig }): void {
  kept.set(path, entry);
  let total = 0;
  for (const { size } of kept.values()) total += size;
  // The oldest go first (a Map iterates in insertion order).
  for (const [oldest, { size }] of kept) {
    if (total <= KEPT_BYTES) break;
    kept.delete(oldest);
    total -= size;
  }
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
