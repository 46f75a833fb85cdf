import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";

// A project's `providers` entry runs a program with arguments: when that program, or a file an
// argument or a variable names, is a file of the project, trusting the config vouches for it as it
// was then. An edited script is not the one the user read, so each such file is recorded by content.

/** The parts of a `providers` entry that can name a file. */
export interface ProviderEntry {
  command?: string | undefined;
  args?: readonly string[] | undefined;
  env?: Readonly<Record<string, string>> | undefined;
}

/** Project-relative path (with `/`) -> sha256 of its content. */
export type FileDigests = Record<string, string>;

function digest(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? createHash("sha256").update(readFileSync(path)).digest("hex") : undefined;
  } catch {
    return undefined;
  }
}

// `path` relative to the project root with `/`, when it is inside it (as written: a link in the project is the project's).
function insideKey(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

// Words of an entry that may be a path: the command when written as one, every argument (and the value of `--opt=value`), every variable's value.
function candidates(entry: ProviderEntry): string[] {
  const words: string[] = [];
  if (entry.command !== undefined && entry.command.includes("/")) words.push(entry.command);
  for (const arg of entry.args ?? []) {
    words.push(arg);
    const eq = arg.indexOf("=");
    if (arg.startsWith("-") && eq !== -1) words.push(arg.slice(eq + 1));
  }
  words.push(...Object.values(entry.env ?? {}));
  return words.filter((w) => w !== "");
}

/** The files of the project at `root` an entry runs or names (relative paths from the root), with their digests now. */
export function providerFiles(root: string, entry: ProviderEntry): FileDigests {
  const out: FileDigests = {};
  for (const word of candidates(entry)) {
    const path = resolve(root, word);
    const key = insideKey(root, path);
    const sum = key === undefined ? undefined : digest(path);
    if (key !== undefined && sum !== undefined) out[key] = sum;
  }
  return out;
}

/** Why an entry's files are not those the user trusted (one changed, is gone, or was never recorded); undefined when each is as trusted. */
export function providerFilesChanged(root: string, entry: ProviderEntry, trusted: FileDigests | undefined): string | undefined {
  const now = providerFiles(root, entry);
  for (const [file, sum] of Object.entries(now)) {
    const known = trusted?.[file];
    if (known === undefined) return `the file ${file} it runs was not part of what you trusted`;
    if (known !== sum) return `the file ${file} it runs changed since you trusted it`;
  }
  for (const file of Object.keys(trusted ?? {})) if (!(file in now)) return `the file ${file} it ran is gone`;
  return undefined;
}
