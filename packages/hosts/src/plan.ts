import { HostsError } from "./errors.js";
import { Drafts, type FileChange } from "./files.js";
import type { HostContext, ServerLaunch } from "./host.js";
import { planInstructions, removeInstructions } from "./instructions.js";
import type { RecordedChange } from "./record.js";
import { hostAdapter, notInstalled, type Host } from "./registry.js";

// What setup, update and uninstall change in a host's files, planned (and refused, naming the file)
// before anything is written. `drafts` carries each file's text from one plan of a run to the next.

/**
 * The change that registers our server with `host` (`before === after`: nothing to do). Files
 * created are 0600: the host keeps its credentials there. A desktop app whose config folder is
 * missing is refused (NOT_INSTALLED): its folder is never created.
 */
export function planServer(host: Host, ctx: HostContext, launch: ServerLaunch, drafts = new Drafts()): FileChange {
  const absent = notInstalled(host, ctx);
  if (absent !== undefined) throw new HostsError("NOT_INSTALLED", absent);
  const { server } = hostAdapter(host);
  return drafts.plan(server.path(ctx), (text) => server.add(text, launch), { private: true });
}

/** The change that installs `host`'s orchestration hooks (`command` starts our CLI); none for a host without hooks. */
export function planHooks(host: Host, ctx: HostContext, command: string, drafts = new Drafts()): FileChange | undefined {
  const { hooks } = hostAdapter(host);
  if (hooks === undefined) return undefined;
  const path = hooks.path(ctx);
  return drafts.plan(path, (text) => hooks.add(text, command, path), { private: true });
}

/** The change that re-applies a recorded one with this installation's commands (`update`); none for an app no longer installed. */
export function replan(
  change: RecordedChange,
  ctx: HostContext,
  install: { launch: ServerLaunch; hookCommand: string },
  drafts: Drafts,
): FileChange | undefined {
  if (change.kind === "instructions") return planInstructions(change.path, false, drafts);
  const host = change.host ?? "claude";
  // An app removed since setup is left alone (uninstall still finds the change in the record).
  if (notInstalled(host, ctx) !== undefined) return undefined;
  return change.kind === "hooks" ? planHooks(host, ctx, install.hookCommand, drafts) : planServer(host, ctx, install.launch, drafts);
}

/** Takes our part of a recorded change out of its file's text, for a file edited since (`uninstall`). */
export function removeOurs(change: RecordedChange): (text: string) => string {
  if (change.kind === "instructions") return removeInstructions(change.path);
  const adapter = hostAdapter(change.host ?? "claude");
  if (change.kind === "mcp") return (text) => adapter.server.remove(text);
  return (text) => adapter.hooks?.remove(text) ?? text;
}
