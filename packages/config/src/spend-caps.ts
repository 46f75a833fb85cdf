// The config's `spend_caps` (schema: @subagent-mcp/contract): each keyed by a configured provider,
// and a project's merged over the user's only to tighten them. A launch a cap cannot cover is routed
// past that provider or refused; a cap counts every server's and worker's turns in the state folder.
import type { Provider } from "@subagent-mcp/contract";
import type { SpendCaps } from "@subagent-mcp/contract";
import { ConfigError } from "./errors.js";

/** Throws CONFIG_INVALID naming the file and the field (`spend_caps.<key>`) of a cap whose provider is not configured. */
export function checkCapProviders(keys: readonly string[], providers: readonly Provider[], file: string): void {
  for (const key of keys) {
    const name = key.split("/")[0] ?? key;
    if (!providers.includes(name))
      throw new ConfigError("CONFIG_INVALID", `${file}: spend_caps.${key}: unknown provider "${name}"; the configured providers are ${providers.join(", ")}`);
  }
}

/** The user's caps with the project's over them, each limit the lower of the two: a project cannot loosen a cap. */
export function tighterCaps(user: SpendCaps | undefined, project: SpendCaps | undefined): SpendCaps | undefined {
  if (user === undefined || project === undefined) return user ?? project;
  const out: SpendCaps = { ...user };
  for (const [key, cap] of Object.entries(project)) {
    const own = user[key] ?? {};
    const merged = { ...own, ...cap };
    for (const field of ["day_usd", "week_usd", "day_turns", "week_turns"] as const) {
      const a = own[field];
      const b = cap[field];
      if (a !== undefined && b !== undefined) merged[field] = Math.min(a, b);
    }
    out[key] = merged;
  }
  return out;
}
