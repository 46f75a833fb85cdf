import { startFleetNode as startNode, type CliEnvironment, type RunningNode } from "@subagent-mcp/testkit";
import { bin } from "./e2e.js";

export { writeFleetKey, type RunningNode } from "@subagent-mcp/testkit";

/**
 * Starts the built `subagent-mcp node --name NAME` in `env` (its own HOME and XDG folders, the real
 * pinned CLIs against the fakes `env` points at), its user config holding `config` (the `fleet`
 * section and caps) and the fleet key in its file, and resolves once it lends its CLIs.
 */
export function startFleetNode(
  env: CliEnvironment,
  name: string,
  config: Record<string, unknown>,
  fleet: { redisUrl: string; key: string },
): Promise<RunningNode> {
  return startNode(bin, env, name, config, fleet);
}
