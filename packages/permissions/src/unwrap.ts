// The commands a command runs in turn: `sudo -u root rm x` runs `rm x`, `sh -c 'rm x'` runs the
// script `rm x`, `find . -exec rm {} ;` runs `rm {}`. Each wrapper's options that take a value
// are skipped with their value, so `env -u X rm` is not read as running `X`.

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

/** How a wrapper's own words end and the wrapped command's begin. */
interface Wrapper {
  /** Short and long options that take the next word as their value. */
  values?: readonly string[];
  /** Plain words of the wrapper's own before the command (timeout's duration, taskset's mask). */
  operands?: number;
  /** Options whose value is a script to run. */
  scripts?: readonly string[];
  /** `NAME=value` words before the command are the wrapper's (env). */
  assignments?: boolean;
}

const WRAPPERS: Record<string, Wrapper> = {
  sudo: {
    values: [
      "-u",
      "--user",
      "-g",
      "--group",
      "-h",
      "--host",
      "-p",
      "--prompt",
      "-C",
      "--close-from",
      "-D",
      "--chdir",
      "-r",
      "--role",
      "-t",
      "--type",
      "-U",
      "--other-user",
      "-T",
      "--command-timeout",
      "-R",
      "--chroot",
    ],
  },
  doas: { values: ["-u", "-C"] },
  env: { values: ["-u", "--unset", "-C", "--chdir"], scripts: ["-S", "--split-string"], assignments: true },
  command: {},
  builtin: {},
  exec: { values: ["-a"] },
  nohup: {},
  setsid: {},
  time: { values: ["-f", "--format", "-o", "--output"] },
  nice: { values: ["-n", "--adjustment"] },
  ionice: { values: ["-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid", "-u", "--uid"] },
  timeout: { values: ["-s", "--signal", "-k", "--kill-after"], operands: 1 },
  stdbuf: { values: ["-i", "--input", "-o", "--output", "-e", "--error"] },
  taskset: { operands: 1 },
  chrt: { operands: 1 },
  flock: { values: ["-w", "--timeout", "-E", "--conflict-exit-code"], scripts: ["-c", "--command"], operands: 1 },
  xargs: {
    values: [
      "-I",
      "-a",
      "--arg-file",
      "-d",
      "--delimiter",
      "-E",
      "-e",
      "-L",
      "-l",
      "-n",
      "--max-args",
      "-P",
      "--max-procs",
      "-s",
      "--max-chars",
      "--process-slot-var",
    ],
  },
  busybox: {},
  caffeinate: { values: ["-t", "-w"] },
  unbuffer: {},
};

const TRANSPARENT = new Set(["time", "timeout", "nice", "nohup", "stdbuf", "command"]);

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

function wrapped(args: string[], spec: Wrapper): Unwrapped {
  const values = new Set(spec.values ?? []);
  const scripts = new Set(spec.scripts ?? []);
  const out: Unwrapped = { commands: [], scripts: [] };
  let operands = spec.operands ?? 0;
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] ?? "";
    if (word === "--") {
      i += 1;
      i += operands; // a wrapper's own operands come before the command
      if (i < args.length) out.commands.push(args.slice(i));
      return out;
    }
    const [flag, inline] =
      word.startsWith("--") && word.includes("=") ? [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)] : [word, undefined];
    if (scripts.has(flag)) {
      const script = inline ?? args[(i += 1)];
      if (script !== undefined) out.scripts.push(script);
      continue;
    }
    if (values.has(flag)) {
      if (inline === undefined) i += 1;
      continue;
    }
    if (word.startsWith("-") && word !== "-") continue;
    if (spec.assignments === true && /^[A-Za-z_]\w*=/.test(word)) continue;
    if (operands > 0) {
      operands -= 1;
      continue;
    }
    out.commands.push(args.slice(i));
    return out;
  }
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
