import type { Folder } from "./folders.js";
import type { ShellAnalysis } from "./shell.js";
import { programName } from "./unwrap.js";
import { definedFields } from "@subagent-mcp/contract/fields";

// The files a command line names, and how it may use them, so that path rules (`Read(./.env)`,
// `Edit(src/**)`) also stand guard over shell commands: `cat .env` reads .env, `rm .env` or
// `sed -i … .env` may change it, `> out` writes out.

/** A file a command line names. */
export interface NamedFile {
  path: string;
  /** How the line may use it: a known read-only program or `<` only reads; anything else may read and change it. */
  uses: readonly ("read" | "edit")[];
  /** Its text is the source of a word that expands a variable or substitution (quotes and all). */
  expands?: true;
  /** The folders it is relative to, after the line's `cd`s; undefined: the line's own. */
  folders?: Folder[];
}

/** Programs that only read the files they are given (never write, delete or run them). */
export const READ_ONLY: ReadonlySet<string> = new Set([
  "cat",
  "tac",
  "head",
  "tail",
  "less",
  "more",
  "nl",
  "od",
  "xxd",
  "hexdump",
  "strings",
  "wc",
  "file",
  "stat",
  "ls",
  "tree",
  "du",
  "grep",
  "egrep",
  "fgrep",
  "rg",
  "ag",
  "diff",
  "cmp",
  "md5sum",
  "sha1sum",
  "sha256sum",
  "base64",
  "cut",
  "sort",
  "uniq",
  "column",
  "jq",
  "yq",
  "realpath",
  "readlink",
  "basename",
  "dirname",
  "bat",
]);

const BOTH = ["read", "edit"] as const;

/** Every word of every command that could name a file (options' own words left out), with how it may be used. */
export function filesNamed(shell: ShellAnalysis): NamedFile[] {
  const out: NamedFile[] = [];
  for (const command of shell.commands) {
    const [program = "", ...args] = command.argv;
    const uses = READ_ONLY.has(programName(program)) ? (["read"] as const) : BOTH;
    const named = (path: string, how: NamedFile["uses"], whole: string): NamedFile => ({
      path,
      uses: how,
      ...(command.expands?.includes(whole) === true ? { expands: true as const } : {}),
      ...definedFields({ folders: command.folders }),
    });
    for (const arg of args) {
      const value = arg.startsWith("--") && arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : arg.startsWith("-") ? "" : arg;
      if (value !== "") out.push(named(value, uses, arg));
    }
    for (const path of command.reads) out.push(named(path, ["read"], path));
    for (const path of command.writes) out.push(named(path, ["edit"], path));
  }
  return out;
}
