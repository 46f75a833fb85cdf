import { AcpDriver } from "../acp/acp.js";
import type { AcpAgent } from "../acp/acp-agent.js";
import { ClaudeDriver } from "../claude/claude.js";
import type { CliDriver } from "./cli-driver.js";
import { CodexDriver } from "../codex/codex.js";
import { DriverError } from "../errors.js";
import type { CliDriverOptions } from "./options.js";
import type { Provider } from "@subagent-mcp/contract";

/**
 * The one place a provider is mapped to the driver of its CLI's protocol: Claude Code and Codex
 * have their own, Gemini CLI and every agent in `agents` (presets and the user's config) speak ACP.
 * An unknown name is refused with the names that exist.
 */
export function driverFor(provider: Provider, options: CliDriverOptions = {}, agents: ReadonlyMap<Provider, AcpAgent> = new Map()): CliDriver {
  switch (provider) {
    case "claude":
      return new ClaudeDriver(options);
    case "codex":
      return new CodexDriver(options);
    case "gemini":
      return new AcpDriver(options);
  }
  const agent = agents.get(provider);
  if (agent === undefined)
    throw new DriverError(
      "PROVIDER_INVALID",
      `unknown provider "${provider}"; the configured providers are ${["claude", "codex", "gemini", ...agents.keys()].join(", ")}`,
    );
  return new AcpDriver({ ...options, agent });
}
