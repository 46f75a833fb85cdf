import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { DriverError } from "../errors.js";
import { executableEnvVar, type BuiltinProvider, type Provider } from "@subagent-mcp/contract";

/** The command names looked up on PATH, per provider. */
const DEFAULT_COMMANDS: Readonly<Record<BuiltinProvider, string>> = { claude: "claude", codex: "codex", gemini: "gemini" };

/** Where to look for a provider's CLI: an explicit path, the environment (PATH and the override), an ACP agent's command. */
export interface Lookup {
  explicit?: string | undefined;
  env?: Record<string, string | undefined>;
  command?: string;
}

/**
 * Every place a lookup tries, in order: the files it names (each with its source, for the error),
 * then the command in each PATH folder. The one description both the lookup and a watch of its
 * folders read.
 */
function places(provider: Provider, options: Lookup): { files: [source: string, path: string][]; command: string; path: string[] } {
  const env = options.env ?? process.env;
  const files: [string, string][] = [];
  if (options.explicit !== undefined) files.push(["explicit path", options.explicit]);
  const override = env[executableEnvVar(provider)];
  if (override !== undefined && override !== "") files.push([executableEnvVar(provider), override]);
  const command = options.command ?? (DEFAULT_COMMANDS as Record<string, string | undefined>)[provider] ?? provider;
  // An absolute command (an ACP agent's) is that file alone, as in a shell: PATH is not searched.
  if (isAbsolute(command)) return { files: [...files, ["command", command]], command, path: [] };
  return { files, command, path: (env.PATH ?? "").split(delimiter).filter(Boolean) };
}

/**
 * Finds a CLI: an explicit path first, then the per-provider env override, then PATH.
 * The error names every place that was tried, so the user knows what to install or set.
 */
export function resolveExecutable(provider: Provider, options: Lookup = {}): string {
  const { files, command, path } = places(provider, options);
  const tried: string[] = [];
  for (const [source, file] of files) {
    if (isExecutable(file)) return resolve(file);
    tried.push(`${source} ${file}`);
  }
  for (const dir of path) {
    const file = join(dir, command);
    if (isExecutable(file)) return file;
  }
  if (!isAbsolute(command)) tried.push(`"${command}" on PATH`);
  throw new DriverError("EXECUTABLE_NOT_FOUND", `${provider} CLI not found (tried ${tried.join(", ")}); install it or set ${executableEnvVar(provider)}`);
}

/**
 * Every file `resolveExecutable` reads for this lookup, in its order: a change to any of them (or
 * to a folder on the way) may change its answer, a change to anything else cannot.
 */
export function lookupFiles(provider: Provider, options: Lookup = {}): string[] {
  const { files, command, path } = places(provider, options);
  return [...new Set([...files.map(([, file]) => resolve(file)), ...path.map((dir) => join(resolve(dir), command))])];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
