import {
  describePlugin,
  hostAdapter,
  PLUGIN_SHIPS_HOOKS,
  pluginInstall,
  readRecord,
  writeRecord,
  type Drafts,
  type FileChange,
  type Host,
  type HostContext,
} from "@subagent-mcp/hosts";
import { errorMessage } from "@subagent-mcp/errors";
import { refusing } from "./apply.js";

// A host where subagent-mcp is installed as the host's own plugin (or extension) registers our
// server, and for Claude Code and Gemini CLI our hooks, from the plugin: setup then adds neither,
// and takes out what an earlier setup wrote there, so that exactly one install remains.

/** What setup writes into a host's files: our server entry or our orchestration hooks. */
export type SetupKind = "mcp" | "hooks";

/** One planned change of a host's file: ours added, or (`removes`) what an earlier setup wrote taken out. */
export interface HostPlan {
  host: Host;
  kind: SetupKind;
  change: FileChange;
  removes?: true;
}

/**
 * What the host's plugin provides in setup's place (nothing when there is none, it is disabled, or
 * its record cannot be read: then setup installs as before), and the line that says so.
 */
export function pluginCovers(host: Host, ctx: HostContext): { covers: SetupKind[]; note?: string } {
  let plugin;
  try {
    plugin = pluginInstall(host, ctx);
  } catch (error) {
    return { covers: [], note: `${host}: cannot tell whether the plugin is installed (${errorMessage(error)}); setup registers the server itself` };
  }
  if (plugin === undefined) return { covers: [] };
  if (!plugin.enabled) return { covers: [], note: `${host}: the ${describePlugin(plugin)} is installed; setup registers the server itself` };
  const hooks = PLUGIN_SHIPS_HOOKS[host] === true;
  return {
    covers: hooks ? ["mcp", "hooks"] : ["mcp"],
    note: `${host}: installed as the ${describePlugin(plugin)}; setup leaves the server${hooks ? " and hooks" : ""} to it`,
  };
}

/** The removals of what an earlier setup wrote into `host`'s files for the parts its plugin now provides. */
export function planRemovals(host: Host, ctx: HostContext, covers: SetupKind[], drafts: Drafts): HostPlan[] {
  const adapter = hostAdapter(host);
  const plans: HostPlan[] = [];
  for (const kind of covers) {
    const part = kind === "mcp" ? adapter.server : adapter.hooks;
    // A file that does not exist holds nothing of ours (and must stay absent for later plans).
    if (part === undefined || drafts.text(part.path(ctx)) === null) continue;
    const change = refusing(() => drafts.plan(part.path(ctx), (text) => part.remove(text)), `${host}: `);
    if (change.before !== change.after) plans.push({ host, kind, change, removes: true });
  }
  return plans;
}

/** The line printed once a removal is written. */
export function removedLine(plan: HostPlan, backup: string | undefined): string {
  const what =
    plan.kind === "mcp"
      ? `removed the entry setup wrote earlier in ${plan.change.path} (the plugin registers the server)`
      : `removed the hooks setup installed earlier in ${plan.change.path} (the plugin brings its own)`;
  return `${plan.host}: ${what}${backup === undefined ? "" : ` (backup: ${backup})`}`;
}

/**
 * Forgets the recorded setup changes that `removed` took out, so that update does not write them
 * back and uninstall has nothing of them left to undo.
 */
export function forgetRemoved(dir: string, removed: HostPlan[]): void {
  if (removed.length === 0) return;
  const gone = (c: { path: string; kind: string }) => removed.some((r) => r.change.path === c.path && r.kind === c.kind);
  refusing(() => {
    const record = readRecord(dir);
    if (record.some(gone))
      writeRecord(
        dir,
        record.filter((c) => !gone(c)),
      );
  });
}
