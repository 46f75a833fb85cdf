import { join } from "node:path";

/** Our state folder: $XDG_STATE_HOME/subagent-mcp (default ~/.local/state/subagent-mcp). */
export function stateDir(ctx: { home: string; env: Record<string, string | undefined> }): string {
  return join(ctx.env.XDG_STATE_HOME ?? join(ctx.home, ".local", "state"), "subagent-mcp");
}
