import { basename } from "node:path";
import type { SessionSpec } from "@subagent-mcp/core";

// OpenCode starts the servers of its config during `session/new` even when the session is handed one
// by the same name: for the session, its config (OPENCODE_CONFIG_CONTENT, merged over its files)
// switches the user's entry of ours off; the one handed in `session/new` is not affected.

/** `env`, with OPENCODE_CONFIG_CONTENT switching off the user's entry of our name, so that the handed server takes its place (as it is for another agent). */
export function opencodeOwnEntryEnv(command: string, spec: SessionSpec, env: Record<string, string>): Record<string, string> {
  const name = spec.ownEntry?.name;
  if (name === undefined || basename(command) !== "opencode") return env;
  const given = env.OPENCODE_CONFIG_CONTENT ?? process.env.OPENCODE_CONFIG_CONTENT;
  let config: { mcp?: Record<string, unknown> } = {};
  try {
    config = given === undefined || given === "" ? {} : (JSON.parse(given) as typeof config);
  } catch {
    // The user's own value does not parse: OpenCode would refuse it as well; ours alone is given.
  }
  const entry = (config.mcp?.[name] ?? {}) as Record<string, unknown>;
  return { ...env, OPENCODE_CONFIG_CONTENT: JSON.stringify({ ...config, mcp: { ...config.mcp, [name]: { ...entry, enabled: false } } }) };
}
