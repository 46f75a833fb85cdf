import type { SessionSpec } from "@subagent-mcp/core";
import { acpModeIds, acpModeKeyOf, resolveAcpAgents, type AcpAgentConfig, type AcpAgentSpec, type Provider } from "@subagent-mcp/contract";
import { DriverError } from "../errors.js";

/** What an agent's session needs done around its process that no data can say (Gemini CLI's guards). */
interface AcpNative {
  /** The agent's arguments after `args` for a session (replaces `modelArgs` and session modes). */
  argv(spec: SessionSpec): string[];
  /** Runs before the process starts: other arguments, what to clean up when it exits, guards around `session/load`. */
  prepare?(spec: SessionSpec, env: Record<string, string | undefined>): { args?: string[]; cleanup?: () => void; loadGuard?: LoadGuard };
  /** The name a handed server goes by in `session/new` (default: its own). */
  serverName?(spec: SessionSpec, name: string): string;
}

/** What an agent needs done around `session/load`: before it (may wait) and once it answered. */
export interface LoadGuard {
  before(sessionId: string): Promise<void>;
  after(sessionId: string): void;
}

/** An ACP agent the driver can run: a preset or a config entry, resolved, with its native hooks if any. */
export interface AcpAgent extends AcpAgentSpec {
  native?: AcpNative;
}

/**
 * Every ACP provider: the presets, with the user's entries over them and beside them. A built-in
 * provider's name is refused (its driver is not ACP's), and so is a new name without a command.
 */
export function acpAgents(configured: Record<string, AcpAgentConfig> = {}): Map<Provider, AcpAgent> {
  const resolved = resolveAcpAgents(configured);
  if ("error" in resolved) throw new DriverError("PROVIDER_INVALID", resolved.error);
  return resolved.agents;
}

/**
 * The agent's session mode for a permission mode: the config's mapping, else the first offered
 * mode whose id has one of the usual names. Undefined when the agent offers none that fits.
 */
export function acpModeFor(agent: AcpAgent, mode: string, offered: readonly string[]): string | undefined {
  const ours = acpModeKeyOf(mode);
  if (ours === undefined) return offered.includes(mode) ? mode : undefined;
  const mapped = agent.modes?.[ours];
  if (mapped !== undefined) return mapped;
  return acpModeIds(ours).find((name) => offered.includes(name));
}

/** The agent's arguments for choosing `model`, or undefined when it has no such arguments. */
export function modelArgs(agent: AcpAgent, model: string | undefined): string[] | undefined {
  if (model === undefined || agent.modelArgs === undefined) return model === undefined ? [] : undefined;
  return agent.modelArgs.map((arg) => arg.replaceAll("{model}", model));
}
