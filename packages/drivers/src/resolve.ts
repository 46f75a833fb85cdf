import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { BuiltinProvider, Provider } from "@subagent-mcp/core";
import { DriverError } from "./errors.js";

/** The command names looked up on PATH, per provider. */
export const DEFAULT_COMMANDS: Readonly<Record<BuiltinProvider, string>> = { claude: "claude", codex: "codex", gemini: "gemini" };

/** The environment variable that overrides a provider's executable, e.g. SUBAGENT_MCP_CLAUDE_PATH. */
export function executableEnvVar(provider: Provider): string {
  return `SUBAGENT_MCP_${provider.toUpperCase().replaceAll("-", "_")}_PATH`;
}

/**
 * Finds a CLI: an explicit path first, then the per-provider env override, then PATH.
 * The error names every place that was tried, so the user knows what to install or set.
 */
export function resolveExecutable(
  provider: Provider,
  options: { explicit?: string | undefined; env?: Record<string, string | undefined>; command?: string } = {},
): string {
  const env = options.env ?? process.env;
  const tried: string[] = [];
  const candidates: [string, string][] = [];
  if (options.explicit !== undefined) candidates.push(["explicit path", options.explicit]);
  const override = env[executableEnvVar(provider)];
  if (override !== undefined && override !== "") candidates.push([executableEnvVar(provider), override]);
  for (const [source, path] of candidates) {
    if (isExecutable(path)) return resolve(path);
    tried.push(`${source} ${path}`);
  }
  const command = options.command ?? (DEFAULT_COMMANDS as Record<string, string | undefined>)[provider] ?? provider;
  if (isAbsolute(command) && isExecutable(command)) return command;
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    const path = join(dir, command);
    if (isExecutable(path)) return path;
  }
  tried.push(`"${command}" on PATH`);
  throw new DriverError("EXECUTABLE_NOT_FOUND", `${provider} CLI not found (tried ${tried.join(", ")}); install it or set ${executableEnvVar(provider)}`);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
