import { existsSync, watch, type FSWatcher } from "node:fs";
import { dirname, relative, sep } from "node:path";
import { lookupFiles, resolveExecutable, type Lookup } from "@subagent-mcp/drivers/light";
import type { EffectiveConfig } from "@subagent-mcp/config";
import { errorMessage } from "@subagent-mcp/errors";
import type { Provider } from "@subagent-mcp/contract";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * Whether a provider's CLI can be found (explicit path from config, env override, then PATH),
 * remembered until a file it is looked for at changes. A launch asks this of every candidate of
 * its route, and a CLI that is not installed costs a walk of PATH each time (half a millisecond of
 * a launch's answer). Their folders are watched, not polled: a CLI installed, removed or made
 * executable while the server runs is seen by the next launch. Where a folder cannot be watched,
 * nothing is remembered.
 */
export function installedCheck(config: EffectiveConfig): (provider: Provider) => boolean {
  const known = new Map<Provider, boolean>();
  const watches = new Map<string, Watch>();
  let unwatchable = false;
  const forget = (): void => {
    known.clear();
    for (const w of watches.values()) w.watcher.close();
    watches.clear();
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
    if (!unwatchable && !watchAll(lookupFiles(provider, lookup(config, provider)), watches, forget)) {
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
  return { ...definedFields({ explicit, command }) };
}

/** A watched folder and the names in it whose change may change an answer. */
interface Watch {
  watcher: FSWatcher;
  names: Set<string>;
}

/**
 * Watches the folder of each file a lookup reads, or, for a folder not made yet, its nearest
 * ancestor and the name on the way. Only a change to one of those names forgets the answers: a
 * busy folder on PATH (a build's output, a download) costs a name check per change, not a new
 * walk of PATH and new watches. False if a folder cannot be watched.
 */
function watchAll(files: string[], watches: Map<string, Watch>, forget: () => void): boolean {
  try {
    for (const file of files) {
      const folder = nearestExisting(dirname(file));
      const name = relative(folder, file).split(sep)[0] ?? "";
      const known = watches.get(folder);
      if (known !== undefined) {
        known.names.add(name);
        continue;
      }
      const names = new Set([name]);
      // Not persistent: a watch never keeps the server alive. No name, or the folder gone: anything may have changed.
      const watcher = watch(folder, { persistent: false }, (_event, changed) => {
        if (changed === null || names.has(changed) || !existsSync(folder)) forget();
      });
      watcher.on("error", forget);
      watches.set(folder, { watcher, names });
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
