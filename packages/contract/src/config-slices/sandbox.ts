// The config's `sandbox` slice and SUBAGENT_MCP_SANDBOX over it: the config and the sandbox share them.

/** The settings of the OS sandbox every agent CLI runs in. */
export const SANDBOX_MODES = ["auto", "off", "required"] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** The setting from the environment (SUBAGENT_MCP_SANDBOX) over the config's, or what is wrong with the environment's. */
export function sandboxSetting(env: Record<string, string | undefined>, configured: SandboxMode | undefined): { mode: SandboxMode } | { error: string } {
  const raw = env.SUBAGENT_MCP_SANDBOX;
  if (raw === undefined || raw === "") return { mode: configured ?? "auto" };
  if ((SANDBOX_MODES as readonly string[]).includes(raw)) return { mode: raw as SandboxMode };
  return { error: `SUBAGENT_MCP_SANDBOX must be one of ${SANDBOX_MODES.join(", ")}, got "${raw}"` };
}
