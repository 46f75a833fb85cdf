// The commands a command runs in turn: `sudo -u root rm x` runs `rm x`, `sh -c 'rm x'` runs the
// script `rm x`, `find . -exec rm {} ;` runs `rm {}`. Each wrapper's options that take a value
// are skipped with their value, so `env -u X rm` is not read as running `X`.
import { TRANSPARENT, WRAPPERS, type Wrapper } from "./wrappers.js";

/** What one command runs besides itself. */
export interface Unwrapped {
  /** Commands it runs, as argv. */
  commands: string[][];
  /** Shell scripts it runs (`sh -c`, `eval`, `env -S`, `watch`, `flock -c`). */
  scripts: string[];
  /** Why what it runs cannot be known from its words. */
  doubt?: string;
  /**
   * It runs only what it wraps, with nothing of its own an allow rule should vouch for: `sh -c`,
   * `eval`, and `time`, `timeout`, `nice`, `nohup`, `stdbuf`, `command`. (`sudo`, `env`, `xargs`,
   * `find -exec` are not: they change who runs what, with which environment or arguments.)
   */
  transparent?: true;
}

const SHELLS = new Set(["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "yash", "fish"]);
/** Shell options that take a value (so the word after them is not the script). */
const SHELL_VALUES = new Set(["-o", "+o", "-O", "+O", "--rcfile", "--init-file"]);
const FIND_EXEC = new Set(["-exec", "-execdir", "-ok", "-okdir"]);
/** git's options before its subcommand that take a value. */
const GIT_VALUES = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env", "--super-prefix"]);

/** The program a word names, as rules name it: `/usr/bin/rm` is `rm`. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

/** More readings than this of one wrapper's words are not made (the primary one always is). */
const MAX_READINGS = 16;

// One option word: how many following words it takes as its value (0 or 1), the script it names,
// and whether its shape is unknown (it may take the next word as a value, or not).
function option(word: string, next: string | undefined, spec: Wrapper): { skip: number; script?: string; unknown?: true } {
  const values = spec.values ?? [];
  const scripts = spec.scripts ?? [];
  const flags = spec.flags ?? [];
  const eq = word.startsWith("--") ? word.indexOf("=") : -1;
  const [flag, inline] = eq === -1 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
  const valued = (name: string, rest: string | undefined): { skip: number; script?: string } => {
    const value = rest ?? next;
    const script = scripts.includes(name) && value !== undefined ? { script: value } : {};
    return { skip: rest === undefined ? 1 : 0, ...script };
  };
  if (values.includes(flag) || scripts.includes(flag)) return valued(flag, inline);
  if (flags.includes(flag) || /^-\d+$/.test(word) || inline !== undefined) return { skip: 0 };
  if (word.startsWith("--") || word.length <= 2) return { skip: 0, unknown: true };
  // A cluster of short options (`-iu root`, `-n5`, `-oL`): flags, then at most one that takes a value.
  for (let j = 1; j < word.length; j += 1) {
    const name = `-${word[j] ?? ""}`;
    if (values.includes(name) || scripts.includes(name)) return valued(name, j + 1 < word.length ? word.slice(j + 1) : undefined);
    if (!flags.includes(name)) return { skip: 0, unknown: true };
  }
  return { skip: 0 };
}

function wrapped(args: string[], spec: Wrapper): Unwrapped {
  const out: Unwrapped = { commands: [], scripts: [] };
  let operands = spec.operands ?? 0;
  let start: number | undefined;
  // After an option of unknown shape the command may begin at any later word: each is read as one.
  let unsure: number | undefined;
  for (let i = 0; i < args.length && start === undefined; i += 1) {
    const word = args[i] ?? "";
    if (word === "--") {
      const from = i + 1 + operands; // a wrapper's own operands come before the command
      if (from < args.length) start = from;
      break;
    }
    if (word.startsWith("-") && (word !== "-" || (spec.flags ?? []).includes(word))) {
      const seen = option(word, args[i + 1], spec);
      if (seen.script !== undefined) out.scripts.push(seen.script);
      if (seen.unknown === true) unsure ??= i + 1;
      i += seen.skip;
      continue;
    }
    if (spec.assignments === true && /^[A-Za-z_]\w*=/.test(word)) continue;
    if (operands > 0) {
      operands -= 1;
      continue;
    }
    start = i;
  }
  if (start !== undefined) out.commands.push(args.slice(start));
  for (let j = unsure ?? args.length; j < args.length && out.commands.length < MAX_READINGS; j += 1)
    if (j !== start && !(args[j] ?? "").startsWith("-")) out.commands.push(args.slice(j));
  return out;
}

// `sh -c SCRIPT`, `bash -lc SCRIPT`: the script; a shell reading a file or its input runs commands nobody can see.
function shell(args: string[]): Unwrapped {
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] ?? "";
    if (SHELL_VALUES.has(word)) {
      i += 1;
      continue;
    }
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(word)) {
      const script = args[i + 1];
      // Options that make the shell read files of its own first (--rcfile) are not transparent.
      const plain = args.slice(0, i).every((a) => /^-[A-Za-z]+$/.test(a));
      return script === undefined ? { commands: [], scripts: [] } : { commands: [], scripts: [script], ...(plain ? { transparent: true as const } : {}) };
    }
    if (word === "-s" || word === "-") break;
    if (!word.startsWith("-") && !word.startsWith("+"))
      return { commands: [], scripts: [], doubt: `it runs the script file ${word}, which cannot be read here` };
  }
  return { commands: [], scripts: [], doubt: "it runs a shell reading commands from its input" };
}

function find(args: string[]): Unwrapped {
  const out: Unwrapped = { commands: [], scripts: [] };
  for (let i = 0; i < args.length; i += 1) {
    if (!FIND_EXEC.has(args[i] ?? "")) continue;
    let end = i + 1;
    while (end < args.length && args[end] !== ";" && args[end] !== "+") end += 1;
    if (end > i + 1) out.commands.push(args.slice(i + 1, end));
    i = end;
  }
  return out;
}

// `git -C dir push` is `git push` to a rule; `-c` can make git run any program (aliases, pagers, hooks).
function git(program: string, args: string[]): Unwrapped {
  let i = 0;
  let configured = false;
  while (i < args.length) {
    const word = args[i] ?? "";
    if (!word.startsWith("-")) break;
    const flag = word.includes("=") ? word.slice(0, word.indexOf("=")) : word;
    if (flag === "-c" || flag === "--config-env") configured = true;
    i += GIT_VALUES.has(word) ? 2 : 1;
  }
  const commands = i === 0 || i >= args.length ? [] : [[program, ...args.slice(i)]];
  return { commands, scripts: [], ...(configured ? { doubt: "git -c can make git run other programs" } : {}) };
}

/** Whether unwrap() knows what `program` runs in turn (a wrapper, a shell, `find`, `git`, `eval`…). */
export function knownRunner(program: string): boolean {
  return SHELLS.has(program) || WRAPPERS[program] !== undefined || ["eval", "source", ".", "find", "git", "watch"].includes(program);
}

/** What `argv` runs besides itself; nothing for a program that wraps none. */
export function unwrap(argv: readonly string[]): Unwrapped {
  const [first, ...args] = argv;
  if (first === undefined) return { commands: [], scripts: [] };
  const program = programName(first);
  if (SHELLS.has(program)) return shell(args);
  if (program === "eval") return { commands: [], scripts: args.length > 0 ? [args.join(" ")] : [], transparent: true };
  if (program === "source" || program === ".")
    return { commands: [], scripts: [], doubt: `it runs the script file ${args[0] ?? ""}, which cannot be read here` };
  if (program === "find") return find(args);
  if (program === "git") return git(first, args);
  if (program === "watch") {
    const rest = wrapped(args, { values: ["-n", "--interval", "-q", "--equexit"] }).commands[0];
    return { commands: [], scripts: rest === undefined ? [] : [rest.join(" ")] };
  }
  const spec = WRAPPERS[program];
  if (spec === undefined) return { commands: [], scripts: [] };
  const inner = wrapped(args, spec);
  return TRANSPARENT.has(program) && (program !== "command" || !args.some((a) => a === "-v" || a === "-V")) ? { ...inner, transparent: true } : inner;
}
