import { existsSync, watch, type FSWatcher } from "node:fs";
import { dirname } from "node:path";
import { errorMessage, type Provider } from "@subagent-mcp/core";
import { lookupFolders, resolveExecutable, type Lookup } from "@subagent-mcp/drivers/light";
import type { EffectiveConfig } from "@subagent-mcp/server";

/**
 * Whether a provider's CLI can be found (explicit path from config, env override, then PATH),
 * remembered until a folder it is looked for in changes. A launch asks this of every candidate of
 * its route, and a CLI that is not installed costs a walk of PATH each time (half a millisecond of
 * a launch's answer). The folders are watched, not polled: a CLI installed or removed while the
 * server runs is seen by the next launch. Where a folder cannot be watched, nothing is remembered.
 */
export function installedCheck(config: EffectiveConfig): (provider: Provider) => boolean {
  const known = new Map<Provider, boolean>();
  const watchers = new Map<string, FSWatcher>();
  let unwatchable = false;
  const forget = (): void => {
    known.clear();
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
  const check = (provider: Provider): boolean => {
    try {
      resolveExecutable(provider, lookup(config, provider));
      return true;
    } catch {
      return false;
    }
  };
  return (provider) => {
    const remembered = known.get(provider);
    if (remembered !== undefined) return remembered;
    // Watching starts before the look: a change during it forgets what it found.
    if (!unwatchable && !watchAll(lookupFolders(provider, lookup(config, provider)), watchers, forget)) {
      unwatchable = true;
      forget();
    }
    if (unwatchable) return check(provider);
    const found = check(provider);
    known.set(provider, found);
    return found;
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
function lookup(config: EffectiveConfig, provider: Provider): Lookup {
  const explicit = config.executables?.[provider];
  const command = config.agents.get(provider)?.command;
  return { ...(explicit === undefined ? {} : { explicit }), ...(command === undefined ? {} : { command }) };
}

/**
 * Adds a watch of each folder not yet watched (a missing one through its nearest ancestor, which
 * sees it made); false if one cannot be watched.
 */
function watchAll(folders: string[], watchers: Map<string, FSWatcher>, changed: () => void): boolean {
  try {
    for (const folder of new Set(folders.map(nearestExisting))) {
      if (watchers.has(folder)) continue;
      // Not persistent: a watch never keeps the server alive.
      const watcher = watch(folder, { persistent: false }, changed);
      watcher.on("error", changed);
      watchers.set(folder, watcher);
    }
    return true;
  } catch {
    return false;
  }
}

function nearestExisting(folder: string): string {
  let at = folder;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}
