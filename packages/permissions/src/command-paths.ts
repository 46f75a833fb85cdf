import { resolve } from "node:path";
import type { Folder } from "./folders.js";
import { pathMatches, ruleBase, type DecideContext } from "./match.js";
import { hasUnknown, literalPath, meet, onDisk, placed, realPlaced, rulePatterns } from "./path-pattern.js";
import { realPath } from "./real-path.js";
import type { ParsedRule } from "./rule.js";
import type { ShellAnalysis } from "./shell.js";
import { filesNamed, type NamedFile } from "./shell-files.js";
import { literal, plainPatterns, sourcePattern, type Lookup, type Pattern } from "./word-pattern.js";

// `cat ./.env` is a read of .env to a `Read(./.env)` deny rule: every file a command line names is
// held against the path rules, as the shell would expand it (`~`, `$HOME`, globs, after the line's
// `cd`s). A word that could name the rule's file only through a value known as it runs (another
// variable, `$(…)`) says so, for the caller to ask; a program can still open files it does not name.

type PathRule = Extract<ParsedRule, { type: "path" }>;

/** A path rule a line's files meet; `known`: a file it names, or one its glob could be, is the rule's. */
export interface FileHit {
  rule: string;
  known: boolean;
}

const READ_TOOLS = new Set(["Read", "Grep", "Glob", "LS"]);
/** Variables the context knows, when the line itself does not set them. */
const KNOWN = ["HOME", "USER", "PWD"];

// Whether the line names the variable other than by expanding it (`HOME=/x`, `read HOME`, `export PWD`).
function reassigned(line: string, name: string): boolean {
  return new RegExp(`(?<![\\w$]|\\$\\{)${name}(?!\\w)`).test(line);
}

function lookupFor(line: string, ctx: DecideContext, pwd: string | undefined): Lookup {
  const values: Record<string, string | undefined> = { HOME: ctx.home, USER: ctx.user, PWD: pwd };
  return (name) => (KNOWN.includes(name) && !reassigned(line, name) ? values[name] : undefined);
}

function wordPatterns(text: string, expands: boolean, lookup: Lookup): Pattern[] {
  return expands ? [sourcePattern(text, lookup)] : plainPatterns(text, lookup);
}

/** Where relative words may be read from, in one of the folders the line's `cd`s lead to. */
function folderPatterns(folder: Folder, line: string, ctx: DecideContext): Pattern[] {
  let places: Pattern[] = [literal(resolve(ctx.cwd))];
  for (const step of folder) {
    if ("unknown" in step) places = [[{ any: true }]];
    else places = places.flatMap((place) => wordPatterns(step.text, step.expands, lookupFor(line, ctx, literalPath(place))).map((w) => joined(w, place)));
  }
  return places.map((place) => placed(place, []));
}

// A word under a folder, nothing folded yet (a link's `..` is the kernel's to follow).
function joined(word: Pattern, folder: Pattern): Pattern {
  return word[0] === "/" ? word : [...folder, "/", ...word];
}

/** The paths one named file could be, each as written and where its known folders really lead. */
function candidates(file: NamedFile, line: string, ctx: DecideContext): { written: Pattern; real?: Pattern; raw?: string }[] {
  return (file.folders ?? [[]]).flatMap((folder) =>
    folderPatterns(folder, line, ctx).flatMap((place) =>
      wordPatterns(file.path, file.expands === true, lookupFor(line, ctx, literalPath(place))).map((word) => {
        const full = joined(word, place);
        const raw = literalPath(full);
        if (raw !== undefined) return { written: placed(full, []), raw };
        const real = realPlaced(full);
        return { written: placed(full, []), ...(real === undefined ? {} : { real: placed(real, []) }) };
      }),
    ),
  );
}

// Whether a rule names a path the candidate could be: by its text, and by what its glob finds on disk.
function hits(rule: PathRule, candidate: { written: Pattern; real?: Pattern; raw?: string }, ctx: DecideContext): boolean {
  if (candidate.raw !== undefined) return pathMatches(rule, { written: resolve(candidate.raw), real: realPath(candidate.raw, "/") }, ctx, "lenient");
  const base = ruleBase(rule, ctx);
  const named = [...rulePatterns(rule.pattern, resolve(base)), ...rulePatterns(rule.pattern, realPath(base, "/"))];
  const forms = candidate.real === undefined ? [candidate.written] : [candidate.written, candidate.real];
  if (forms.some((form) => named.some((r) => meet(form, r)))) return true;
  return forms.some((form) => (onDisk(form) ?? []).some((path) => pathMatches(rule, { written: path, real: realPath(path, "/") }, ctx, "lenient")));
}

/**
 * The first path rule of `sources` a file the line names meets, preferring a known hit (one that
 * decides as for a file named outright) to one only a value known as the line runs could make.
 */
export function fileHit(rules: readonly ParsedRule[], shell: ShellAnalysis, line: string, ctx: DecideContext): FileHit | undefined {
  const pathRules = rules.filter((r): r is PathRule => r.type === "path");
  if (pathRules.length === 0) return undefined;
  let unknown: string | undefined;
  for (const file of filesNamed(shell)) {
    const watching = pathRules.filter((rule) => file.uses.includes(READ_TOOLS.has(rule.tool) ? "read" : "edit"));
    if (watching.length === 0) continue;
    for (const candidate of candidates(file, line, ctx)) {
      const hit = watching.find((rule) => hits(rule, candidate, ctx));
      if (hit === undefined) continue;
      if (!hasUnknown(candidate.written)) return { rule: hit.source, known: true };
      unknown ??= hit.source;
    }
  }
  return unknown === undefined ? undefined : { rule: unknown, known: false };
}
