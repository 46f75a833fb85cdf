import type { BashNode, BashWord } from "@ericcornelissen/bash-parser";
import { parseWithoutHeredocs } from "./heredocs.js";
import { programName, unwrap } from "./unwrap.js";

// Whose exit status a command line's is. The shell's own rules, read from the same parser as the
// permission rules: a list's status is its last command's (`npm test; echo done` is echo's), a
// pipeline's its last command's (`npm test | tee log` is tee's) unless `set -o pipefail`, `a || b`
// may be either's, `!` inverts, `&` is always 0, and a command inside an `if`, a loop or a function
// is not the line's. Under `a && b` (and `set -e` between commands) a zero exit of the line does
// mean each command exited 0. So a zero exit of the line says a command exited 0 only when that
// command is not `masked`; `masked` names what stands in the way.

/** One command the line runs (wrapped ones too), and whether the line's zero exit means its own. */
export interface StatusCommand {
  /** Its words after quote removal, program first. */
  argv: string[];
  /** Why the line's exit 0 does not mean this command exited 0 (e.g. "exit masked by `|| true`"); absent when it does. */
  masked?: string;
}

/** The commands of a line with what masks each one's exit, and what could not be read. */
export interface LineStatus {
  commands: StatusCommand[];
  /** Why part of the line cannot be read (then no command of it is to be trusted as its status). */
  doubt?: string;
}

/** Wrappers whose own exit is the exit of what they run (`timeout 60 npm test`, `env CI=1 npm test`, `sh -c`). */
const PASS_STATUS = new Set(
  (
    "sudo doas env command builtin exec nohup time nice ionice timeout stdbuf taskset chrt flock xargs chronic setpriv prlimit numactl " +
    "xvfb-run strace valgrind fakeroot faketime chroot runuser su eval git sh bash zsh dash ksh mksh ash yash"
  ).split(" "),
);
const MAX_DEPTH = 6;
const SHOWN = 40;

interface Walk {
  source: string;
  out: StatusCommand[];
  functions: Set<string>;
  errexit: boolean;
  pipefail: boolean;
  depth: number;
  /** The line has set PATH: a program name may now be any file. */
  pathSet: boolean;
  doubt?: string;
}

interface Ctx {
  masked?: string;
  /** Inside `a && b`'s left side or a condition, where `set -e` does not stop the shell. */
  conditional: boolean;
}

const setsPath = (word: string): boolean => word.startsWith("PATH=");
// The reason nearest the command is named (`npm test | tee log || true`: the pipe).
const mask = (ctx: Ctx, reason: string): Ctx => ({ ...ctx, masked: reason });

/** Whose exit the line's exit is: each command with what masks it. Never throws. */
export function lineStatus(line: string): LineStatus {
  const walk: Walk = { source: line, out: [], functions: new Set(), errexit: false, pipefail: false, depth: 0, pathSet: false };
  script(line, walk, { conditional: false });
  // A function the line defines under a program's name runs instead of that program.
  for (const c of walk.out) {
    const name = programName(c.argv[0] ?? "");
    if (c.masked === undefined && walk.functions.has(name)) c.masked = `\`${name}\` is a function the line defines`;
  }
  return walk.doubt === undefined ? { commands: walk.out } : { commands: walk.out, doubt: walk.doubt };
}

function script(source: string, walk: Walk, ctx: Ctx): void {
  if (walk.depth > MAX_DEPTH) {
    walk.doubt ??= "shells nested too deeply to read";
    return;
  }
  const parsed = parseWithoutHeredocs(source);
  if ("doubt" in parsed) {
    walk.doubt ??= parsed.doubt;
    return;
  }
  const outer = walk.source;
  walk.source = parsed.source;
  node(parsed.ast, walk, ctx);
  walk.source = outer;
}

// The source text of a node, shortened, to name it in a reason.
function shown(n: BashNode | undefined, walk: Walk): string {
  if (n?.loc === undefined) return "…";
  const text = walk.source
    .slice(n.loc.start.char, n.loc.end.char + 1)
    .replace(/\s+/g, " ")
    .trim();
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}…`;
}

function node(n: BashNode | undefined, walk: Walk, outer: Ctx): void {
  if (n === undefined) return;
  let ctx = outer;
  if (n.async === true) ctx = mask(ctx, "it runs in the background (`&`)");
  if (n.bang === true) ctx = mask(ctx, "its exit is inverted by `!`");
  switch (n.type) {
    case "Script":
    case "CompoundList":
      list(n.commands ?? [], walk, ctx);
      break;
    case "Pipeline":
      pipeline(n.commands ?? [], walk, ctx);
      break;
    case "LogicalExpression":
      // A LogicalExpression's operator ("and" or "or") is a string where a redirection's is a word.
      if ((n as { op?: unknown }).op === "or") {
        node(n.left, walk, { ...mask(ctx, `exit masked by \`|| ${shown(n.right, walk)}\``), conditional: true });
        node(n.right, walk, { ...mask(ctx, `it runs only when \`${shown(n.left, walk)}\` fails`), conditional: true });
      } else {
        node(n.left, walk, { ...ctx, conditional: true });
        node(n.right, walk, ctx);
      }
      break;
    case "Subshell":
      keeping(walk, () => {
        node(n.list, walk, ctx);
      });
      break;
    case "If":
    case "While":
    case "Until":
    case "For":
    case "Case":
      inside(n, walk, mask(ctx, `it runs inside \`${n.type.toLowerCase()}\`, whose exit is not its own`));
      break;
    case "Function":
      walk.functions.add(n.name?.text ?? "");
      node(n.body, walk, mask(ctx, `it is inside the function \`${n.name?.text ?? ""}\``));
      break;
    case "Command":
      command(n, walk, ctx);
      break;
    default:
      walk.doubt ??= `it uses shell syntax that is not understood (${n.type})`;
  }
}

// A list's status is its last command's; an earlier one's counts only under `set -e`.
function list(commands: BashNode[], walk: Walk, ctx: Ctx): void {
  commands.forEach((c, i) => {
    const next = commands[i + 1];
    const stops = walk.errexit && !ctx.conditional;
    node(c, walk, next === undefined || stops ? ctx : mask(ctx, `exit masked by the command after it (\`${shown(next, walk)}\`)`));
  });
}

// A pipeline's status is its last command's; every one's under `set -o pipefail`. Each runs in a subshell.
function pipeline(commands: BashNode[], walk: Walk, ctx: Ctx): void {
  commands.forEach((c, i) => {
    const next = commands[i + 1];
    const own = next === undefined || walk.pipefail ? ctx : mask(ctx, `exit masked by \`| ${shown(next, walk)}\``);
    keeping(walk, () => {
      node(c, walk, own);
    });
  });
}

// A compound command's parts, each as masked as the compound says.
function inside(n: BashNode, walk: Walk, ctx: Ctx): void {
  const conditional = { ...ctx, conditional: true };
  // An if's or a loop's clause is a list of commands; a case's is a word.
  const clause = n.clause;
  if (clause !== undefined && "commands" in clause) node(clause, walk, conditional);
  else if (clause !== undefined) words([clause], walk, conditional);
  words(n.wordlist ?? [], walk, conditional);
  node(n.then, walk, conditional);
  node(n.else, walk, conditional);
  node(n.do, walk, conditional);
  for (const item of n.cases ?? []) node(item.body, walk, conditional);
}

// The commands of a word's substitutions: their exits are not the line's.
function words(list: BashWord[], walk: Walk, ctx: Ctx): void {
  for (const w of list)
    for (const e of w.expansion ?? [])
      if (e.type === "CommandExpansion") node(e.commandAST, walk, { ...mask(ctx, "it runs inside a command substitution `$(…)`"), conditional: true });
}

function command(n: BashNode, walk: Walk, ctx: Ctx): void {
  const parts = [...(n.prefix ?? []), ...(n.name === undefined ? [] : [n.name]), ...(n.suffix ?? [])];
  words(parts, walk, ctx);
  for (const r of parts) if (r.type === "Redirect" && r.file !== undefined) words([r.file], walk, ctx);
  const argv = [n.name, ...(n.suffix ?? [])].filter((w): w is BashWord => w !== undefined && w.type === "Word").map((w) => w.text ?? "");
  const ownPath = (n.prefix ?? []).some((w) => w.type === "AssignmentWord" && setsPath(w.text ?? ""));
  if (n.name === undefined) {
    walk.pathSet ||= ownPath;
    return; // assignments alone run nothing
  }
  // `export PATH=…` (or any word that looks like it: erring wide): later commands may run any file.
  const after = walk.pathSet || ownPath;
  walk.pathSet ||= argv.slice(1).some(setsPath);
  run(argv, walk, after ? mask(ctx, "PATH is changed on the line, so its program may be any file") : ctx);
}

// A command by its words: listed, its `set` options taken, and what it wraps read in turn.
function run(argv: string[], walk: Walk, ctx: Ctx): void {
  walk.out.push(ctx.masked === undefined ? { argv } : { argv, masked: ctx.masked });
  const program = programName(argv[0] ?? "");
  if (program === "set") options(argv.slice(1), walk);
  // git's own reading names git again: nothing more runs.
  const inner = program === "git" ? { commands: [], scripts: [] } : unwrap(argv);
  if (inner.commands.length === 0 && inner.scripts.length === 0) return;
  const through = PASS_STATUS.has(program) ? ctx : mask(ctx, `it runs under \`${program}\`, whose exit is not its own`);
  walk.depth += 1;
  for (const words of inner.commands) run(words, walk, through);
  for (const source of inner.scripts)
    keeping(walk, () => {
      script(source, walk, through);
    });
  walk.depth -= 1;
}

// `set -e`, `set -o pipefail`, `set -euo pipefail`, `set +e`: the options that decide whose exit counts.
function options(args: string[], walk: Walk): void {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    const on = arg.startsWith("-");
    if (!/^[-+][a-zA-Z]+$/.test(arg)) continue;
    if (arg.includes("e")) walk.errexit = on;
    if (arg.endsWith("o")) {
      const name = args[i + 1];
      if (name === "pipefail") walk.pipefail = on;
      if (name === "errexit") walk.errexit = on;
      i += 1;
    }
  }
}

// A subshell's `set` ends with it.
function keeping(walk: Walk, body: () => void): void {
  const { errexit, pipefail } = walk;
  try {
    body();
  } finally {
    walk.errexit = errexit;
    walk.pipefail = pipefail;
  }
}
