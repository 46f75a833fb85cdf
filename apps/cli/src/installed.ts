import { existsSync, watch, type FSWatcher } from "node:fs";
import { delimiter, dirname, isAbsolute, resolve } from "node:path";
import { errorMessage, type Provider } from "@subagent-mcp/core";
import { resolveExecutable } from "@subagent-mcp/drivers/light";
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
  let watchers: FSWatcher[] | undefined;
  let unwatchable = false;
  const forget = (): void => {
    known.clear();
    for (const w of watchers ?? []) w.close();
    watchers = undefined;
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
    if (unwatchable) return check(provider);
    // Watching starts before the look: a change during it forgets what it found.
    watchers ??= watchAll(foldersLookedIn(config), forget);
    if (watchers === undefined) {
      unwatchable = true;
      return check(provider);
    }
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
function lookup(config: EffectiveConfig, provider: Provider): { explicit?: string; command?: string } {
  const explicit = config.executables?.[provider];
  const command = config.agents.get(provider)?.command;
  return { ...(explicit === undefined ? {} : { explicit }), ...(command === undefined ? {} : { command }) };
}

// Every folder a lookup reads: PATH's, and those of explicit paths, env overrides and absolute commands.
function foldersLookedIn(config: EffectiveConfig): string[] {
  const files = [
    ...Object.values(config.executables ?? {}),
    ...Object.entries(process.env)
      .filter(([name, value]) => /^SUBAGENT_MCP_[A-Z0-9_]+_PATH$/.test(name) && value !== undefined && value !== "")
      .map(([, value]) => value as string),
    ...[...config.agents.values()].map((a) => a.command).filter((c) => isAbsolute(c)),
  ];
  const folders = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...files.map((f) => dirname(resolve(f)))];
  return [...new Set(folders.map((f) => resolve(f)))];
}

/** Watches each folder (a missing one through its nearest ancestor, which sees it made); undefined if one cannot be watched. */
function watchAll(folders: string[], changed: () => void): FSWatcher[] | undefined {
  const watchers: FSWatcher[] = [];
  try {
    for (const folder of new Set(folders.map(nearestExisting))) {
      // Not persistent: a watch never keeps the server alive.
      const watcher = watch(folder, { persistent: false }, changed);
      watcher.on("error", changed);
      watchers.push(watcher);
    }
    return watchers;
  } catch {
    for (const w of watchers) w.close();
    return undefined;
  }
}

function nearestExisting(folder: string): string {
  let at = folder;
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  return at;
}
