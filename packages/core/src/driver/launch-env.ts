import { LINEAGE_ENV } from "@subagent-mcp/contract";
import { CoreError } from "../errors.js";

// What a launch's own variables may be, checked where a launch starts (the supervisor, a fleet
// node's drivers). The variables that hold what lets a launch run (the fleet key, the mailbox
// settings) are contract's (`withoutSecrets`): no CLI we start has them.

/**
 * The variables a launch's own `env` (SessionSpec.env, a fleet command's `spec.env`) may set: what
 * a server passes down to its sub-agent's nested server (depth, ceiling, lineage, budget left and
 * where to share it, its mailbox name) and Claude Code's tool-search switch. Anything else (NODE_OPTIONS, LD_PRELOAD, PATH,
 * a CLI's executable or config override) could make the CLI run code of the launcher's choosing.
 */
export const LAUNCH_ENV_ALLOWED = [...LINEAGE_ENV, "ENABLE_TOOL_SEARCH"] as const;

/** Why a launch's `env` is refused (the first name outside {@link LAUNCH_ENV_ALLOWED}, and the list); undefined when it is not. */
export function launchEnvRefusal(env: Readonly<Record<string, string>> | undefined): string | undefined {
  const allowed: readonly string[] = LAUNCH_ENV_ALLOWED;
  const bad = Object.keys(env ?? {}).find((name) => !allowed.includes(name));
  if (bad === undefined) return undefined;
  return `a launch may not set the environment variable ${bad}: its env may set only ${LAUNCH_ENV_ALLOWED.join(", ")}`;
}

/** Throws INVALID_ARGUMENT with {@link launchEnvRefusal}'s sentence. */
export function checkLaunchEnv(env: Readonly<Record<string, string>> | undefined): void {
  const refusal = launchEnvRefusal(env);
  if (refusal !== undefined) throw new CoreError("INVALID_ARGUMENT", refusal);
}
