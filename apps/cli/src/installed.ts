import { errorMessage, type Provider } from "@subagent-mcp/core";
import { resolveExecutable } from "@subagent-mcp/drivers/light";
import type { EffectiveConfig } from "@subagent-mcp/server";

/** Whether a provider's CLI can be found (explicit path from config, env override, then PATH). */
export function installedCheck(config: EffectiveConfig): (provider: Provider) => boolean {
  return (provider) => {
    try {
      resolveExecutable(provider, lookup(config, provider));
      return true;
    } catch {
      return false;
    }
  };
}

/** Why a provider is or isn't available, for `route` and `doctor`. */
export function availability(config: EffectiveConfig, provider: Provider): { ok: boolean; detail: string } {
  try {
    return { ok: true, detail: resolveExecutable(provider, lookup(config, provider)) };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}

// Where a provider's program is looked for: its explicit path, and the command an ACP agent names.
function lookup(config: EffectiveConfig, provider: Provider): { explicit?: string; command?: string } {
  const explicit = config.executables?.[provider];
  const command = config.agents.get(provider)?.command;
  return { ...(explicit === undefined ? {} : { explicit }), ...(command === undefined ? {} : { command }) };
}
