import { homedir } from "node:os";
import { stateDir } from "@subagent-mcp/state";

/** Where a command finds the user and keeps its state, read once from the environment. */
export interface CliContext {
  cwd: string;
  /** $HOME, else the system's idea of it. */
  home: string;
  env: Record<string, string | undefined>;
  /** $XDG_STATE_HOME/subagent-mcp (default ~/.local/state/subagent-mcp): mailboxes, workers, mode files, records. */
  stateDir: string;
}

export function cliContext(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): CliContext {
  const home = env.HOME ?? homedir();
  return { cwd, home, env, stateDir: stateDir({ home, env }) };
}
