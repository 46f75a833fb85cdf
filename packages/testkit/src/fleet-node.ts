import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CliEnvironment } from "./env/loopback.js";
import { cliExecutable } from "./locate.js";
import { spawnReady, type ReadyProcess } from "./spawn-ready.js";

/** Writes the fleet key to its private file in `env`'s config folder: not in the environment, where sub-agents could read it. */
export function writeFleetKey(env: CliEnvironment, key: string): void {
  const dir = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "fleet.key"), `${key}\n`, { mode: 0o600 });
}

/** A started `subagent-mcp node`. */
export type RunningNode = ReadyProcess;

/**
 * Starts `subagent-mcp node --name NAME` from the built `main` (the CLI's main.js) in `env` (its own
 * HOME and XDG folders, the real pinned CLIs against the fakes `env` points at), its user config
 * holding `config` (the `fleet` section and caps) and the fleet key in its file, and resolves once
 * it lends its CLIs.
 */
export async function startFleetNode(
  main: string,
  env: CliEnvironment,
  name: string,
  config: Record<string, unknown>,
  fleet: { redisUrl: string; key: string },
): Promise<RunningNode> {
  const file = join(env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "config.json");
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, JSON.stringify(config));
  writeFleetKey(env, fleet.key);
  return spawnFleetNode(main, env, name, {
    SUBAGENT_MCP_MAILBOX_URL: fleet.redisUrl,
    SUBAGENT_MCP_CLAUDE_PATH: cliExecutable("claude"),
    SUBAGENT_MCP_CODEX_PATH: cliExecutable("codex"),
    SUBAGENT_MCP_GEMINI_PATH: cliExecutable("gemini"),
  });
}

/**
 * Runs `subagent-mcp node --name NAME` from the built `main` in `env`'s working directory with `env`'s
 * variables and `vars` (nothing else inherited), and resolves once it lends its CLIs (rejects if it exits first).
 */
export function spawnFleetNode(main: string, env: CliEnvironment, name: string, vars: Record<string, string | undefined> = {}): Promise<RunningNode> {
  return spawnReady([main, "node", "--name", name], { cwd: env.cwd, env: { ...env.env, ...vars } }, "lending", `node ${name}`);
}
