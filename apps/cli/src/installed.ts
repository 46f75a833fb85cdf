import { errorMessage, type Provider } from "@subagent-mcp/core";
import { resolveExecutable } from "@subagent-mcp/drivers/light";
import type { EffectiveConfig } from "@subagent-mcp/server";

/** Whether a provider's CLI can be found (explicit path from config, env override, then PATH). */
export function installedCheck(config: EffectiveConfig): (provider: Provider) => boolean {
  return (provider) => {
    try {
      resolveExecutable(provider, { explicit: config.executables?.[provider] });
      return true;
    } catch {
      return false;
    }
  };
}

/** Why a provider is or isn't available, for `route` and `doctor`. */
export function availability(config: EffectiveConfig, provider: Provider): { ok: boolean; detail: string } {
  try {
    return { ok: true, detail: resolveExecutable(provider, { explicit: config.executables?.[provider] }) };
  } catch (error) {
    return { ok: false, detail: errorMessage(error) };
  }
}
