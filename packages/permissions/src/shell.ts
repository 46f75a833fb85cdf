// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- the parser ships no types; its declaration must travel with this file to packages that compile it from source
/// <reference path="./bash-parser.d.ts" />
import parse, { type BashNode, type BashWord } from "@ericcornelissen/bash-parser";
import { programPattern } from "./program-glob.js";
import { changeFolder, folderChange, restoring, UNKNOWN_FOLDER, UNKNOWN_STEP, type Folder } from "./folders.js";
import { unwrap } from "./unwrap.js";

// A shell command line as the shell would run it, read by a real parser: quoting and escapes
// removed (`"rm"`, `\rm`, `r""m` are all `rm`), every command of a list, pipeline, subshell,
// loop, condition or command substitution, and the commands that wrappers run (`sh -c '…'`,
// `sudo -u x rm`, `find -exec rm`, `xargs rm`). What cannot be understood is said, so that the
// caller asks instead of guessing.

/** One command the line runs, with the files its redirections read and write. */
export interface ShellCommand {
  /** Its words after quote removal, program first (as written: `/bin/rm`, not `rm`). */
  argv: string[];
  /** Files redirected into it (`< file`). */
  reads: string[];
  /** Files it writes through a redirection (`> file`, `>> file`), /dev/null left out. */
  writes: string[];
  /** It only runs the commands it wraps (`sh -c`, `timeout`): an allow rule need not cover it, only them. */
  transparent?: true;
  /** Its program is settled only as it runs (`r?`, `$(…)`): the glob its name could match (`*` for any). */
  unsettled?: string;
  /** Its words that expand a variable or substitution: their text is then the source, quotes and all. */
  expands?: string[];
  /** The folders it may run in, after the line's `cd`s; undefined: the line's own. */
  folders?: Folder[];
}

/** What a command line runs, and whether all of it could be understood. */
export interface ShellAnalysis {
  /** Every command it runs, wrapped ones included (the wrapper too). */
  commands: ShellCommand[];
  /** Why part of it cannot be known before it runs; undefined when all of it can. */
  doubt: string | undefined;
  /** Some word is decided only when it runs: a variable, a substitution or a glob. */
  dynamic: boolean;
}

/** Nested `sh -c` / `eval` levels read before the rest counts as doubt. */
const MAX_DEPTH = 6;
/** Longer command lines are not parsed (the parser is not linear in every case). */
const MAX_LENGTH = 64 * 1024;

const GLOB = /[*?[]/;
const NULL_DEVICE = "/dev/null";

interface Walk {
  commands: ShellCommand[];
  doubts: string[];
  dynamic: boolean;
  depth: number;
  /** Where the next command may run (see folders.ts). */
  folders: Folder[];
  /** Words of the command being read that expand something. */
  expands?: string[];
  /** The line sets CDPATH: a `cd` may go anywhere. */
  cdpath: boolean;
}

// The same line is often judged twice (a CLI's hook, then its permission question): a small cache
// of readings, dropped whole when full.
const readings = new Map<string, ShellAnalysis>();

/** Reads a command line; never throws (an unparsable line is a doubt). */
export function analyzeShell(line: string): ShellAnalysis {
  const known = readings.get(line);
  if (known !== undefined) return known;
  const walk: Walk = { commands: [], doubts: [], dynamic: false, depth: 0, folders: [[]], cdpath: line.includes("CDPATH") };
  script(line, walk);
  const reading = { commands: walk.commands, doubt: walk.doubts[0], dynamic: walk.dynamic };
  if (readings.size >= 256) readings.clear();
  if (line.length <= 4096) readings.set(line, reading);
  return reading;
}

// Parses one script (the line, or the text of `sh -c` / `eval`) into the walk.
function script(source: string, walk: Walk): void {
  if (walk.depth > MAX_DEPTH) {
    walk.doubts.push("shells nested too deeply to read");
    return;
  }
  if (source.length > MAX_LENGTH) {
    walk.doubts.push("too long to read");
    return;
  }
  // A heredoc's body is data the parser would read as commands; its lines still count for deny
  // rules (more candidates never allow anything), but the line is not understood as a whole.
  if (/<<-?\s*['"]?\w/.test(source)) walk.doubts.push("it has a here-document");
  let ast: BashNode;
  try {
    ast = parse(source, { mode: "bash" });
  } catch (error) {
    walk.doubts.push(`the shell syntax cannot be read (${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)})`);
    roughly(source, walk);
    return;
  }
  node(ast, walk);
}

// A line the parser cannot read still gets deny rules' attention: split where the shell might split,
// quotes and escapes dropped (more candidates never allow anything; the doubt makes it ask).
function roughly(source: string, walk: Walk): void {
  for (const part of source.split(/&&|\|\||\$\(|<\(|>\(|[;&|`()\n\r{}]/)) {
    const argv = part
      .replace(/\\(.)/g, "$1")
      .replace(/["']/g, "")
      .trim()
      .split(/\s+/)
      .filter((w) => w !== "");
    if (argv.length > 0) simple(argv, walk);
  }
}

function node(n: BashNode | undefined, walk: Walk): void {
  if (n === undefined) return;
  switch (n.type) {
    case "Script":
    case "CompoundList":
      for (const c of n.commands ?? []) node(c, walk);
      break;
    case "Pipeline":
      // Each command of a pipeline runs in a subshell of its own: a `cd` there moves nothing after it.
      for (const c of n.commands ?? [])
        restoring(walk, () => {
          node(c, walk);
        });
      break;
    case "LogicalExpression":
      node(n.left, walk);
      node(n.right, walk);
      break;
    case "Subshell":
      restoring(walk, () => {
        node(n.list, walk);
      });
      break;
    case "If":
      node(n.clause, walk);
      node(n.then, walk);
      node(n.else, walk);
      break;
    case "While":
    case "Until":
      looping(walk, () => {
        node(n.clause, walk);
        node(n.do, walk);
      });
      break;
    case "For":
      for (const w of n.wordlist ?? []) word(w, walk);
      looping(walk, () => {
        node(n.do, walk);
      });
      break;
    case "Case":
      word(n.clause, walk);
      for (const item of n.cases ?? []) node(item.body, walk);
      break;
    case "Function": {
      // A function runs wherever it is called, and may move the folder of whoever calls it.
      const before = walk.folders;
      walk.folders = [UNKNOWN_FOLDER];
      node(n.body, walk);
      walk.folders = walk.folders.length > 1 ? changeFolder(before, UNKNOWN_STEP) : before;
      break;
    }
    case "Command":
      command(n, walk);
      break;
    default:
      walk.doubts.push(`it uses shell syntax that is not understood (${n.type})`);
  }
  for (const r of n.redirections ?? []) redirect(r, walk, undefined);
}

// A word's own text, after walking the commands its substitutions run.
function word(w: BashWord | undefined, walk: Walk): string {
  if (w === undefined) return "";
  for (const e of w.expansion ?? []) {
    walk.dynamic = true;
    if (e.type === "CommandExpansion")
      restoring(walk, () => {
        node(e.commandAST, walk);
      });
  }
  if ((w.expansion?.length ?? 0) > 0) walk.expands?.push(w.text ?? "");
  return w.text ?? "";
}

function redirect(r: BashWord, walk: Walk, into: ShellCommand | undefined): void {
  const target = word(r.file, walk);
  const op = r.op?.text ?? "";
  if (into === undefined || op.includes("&") || target === NULL_DEVICE) return;
  if (op === "<" || op === "<>") into.reads.push(target);
  if (op !== "<") into.writes.push(target);
}

function command(n: BashNode, walk: Walk, inherited: readonly string[] = []): void {
  const out: ShellCommand = { argv: [], reads: [], writes: [] };
  const outer = walk.expands;
  // A wrapped command's words are its wrapper's: those that expanded there still do.
  const expands: string[] = [...inherited];
  walk.expands = expands;
  try {
    words(n, walk, out);
  } finally {
    walk.expands = outer;
  }
  if (expands.length > 0) out.expands = expands;
  if (walk.folders.length !== 1 || walk.folders[0]?.length !== 0) out.folders = walk.folders;
  if (out.argv.length === 0) {
    if (out.reads.length + out.writes.length > 0) walk.commands.push(out);
    return; // assignments alone run nothing (their substitutions were walked)
  }
  walk.commands.push(out);
  const moved = folderChange(out.argv, expands, walk.cdpath);
  if (moved !== undefined) walk.folders = changeFolder(walk.folders, moved);
  // What the program runs in turn: wrapped commands and the scripts of `sh -c` and `eval`.
  const inner = unwrap(out.argv);
  if (inner.doubt !== undefined) walk.doubts.push(inner.doubt);
  if (inner.transparent === true) out.transparent = true;
  for (const argv of inner.commands)
    command({ type: "Command", name: { type: "Word", text: argv[0] ?? "" }, suffix: argv.slice(1).map((text) => ({ type: "Word", text })) }, walk, expands);
  for (const source of inner.scripts) {
    walk.depth += 1;
    script(source, walk);
    walk.depth -= 1;
  }
}

// A command's words: its program, arguments and redirections, into `out`.
function words(n: BashNode, walk: Walk, out: ShellCommand): void {
  for (const p of n.prefix ?? []) {
    if (p.type === "Redirect") redirect(p, walk, out);
    else word(p, walk);
  }
  if (n.name === undefined) return;
  out.argv.push(word(n.name, walk));
  // A glob, substitution or brace expansion names no program until it runs: any it could be counts.
  const unsettled = programPattern(out.argv[0] ?? "");
  if (unsettled !== undefined) {
    out.unsettled = unsettled;
    walk.dynamic = true;
    walk.doubts.push(`the program it runs is decided only when it runs (${out.argv[0] ?? ""})`);
  }
  for (const s of n.suffix ?? []) {
    if (s.type === "Redirect") redirect(s, walk, out);
    else if (s.type === "dless" || s.type === "dlessdash")
      continue; // a heredoc's operator, its body flagged above
    else {
      const text = word(s, walk);
      if (GLOB.test(text)) walk.dynamic = true;
      out.argv.push(text);
    }
  }
}

// A loop's body may run again where an earlier round's `cd` left it, any number of times.
function looping(walk: Walk, body: () => void): void {
  const before = walk.folders;
  body();
  if (walk.folders === before) return;
  walk.folders = changeFolder(walk.folders, UNKNOWN_STEP);
  body();
}

// A command known only by its words (wrapped, or from a line the parser could not read).
function simple(argv: string[], walk: Walk): void {
  command({ type: "Command", name: { type: "Word", text: argv[0] ?? "" }, suffix: argv.slice(1).map((text) => ({ type: "Word", text })) }, walk);
}
