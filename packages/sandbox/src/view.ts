// What a sub-agent's CLI sees of our folders. Deny by default: the config folder and the state
// folder are replaced by empty ones, and only what a sub-agent (or the nested server its CLI may
// start) needs is shown again. A secret file added to either folder later is hidden without a word
// changed here.
import { configDir, configLayout, ensurePrivateDir, stateDir, stateLayout } from "@subagent-mcp/state";
import { closeSync, existsSync, openSync } from "node:fs";
import { join } from "node:path";

/** A path inside a hidden folder shown again, as it is (writable) or read-only. */
export interface ShownPath {
  path: string;
  writable: boolean;
}

/** What a sandboxed CLI sees of the user's files: every path absolute. */
export interface SandboxView {
  /** Folders replaced by an empty private folder: nothing in them exists inside. */
  hidden: string[];
  /** Paths inside a hidden folder shown again (skipped while they do not exist). */
  shown: ShownPath[];
  /** Files shown read-only in place of others: `source` (e.g. a copy without secrets) at `target`. */
  replaced: { source: string; target: string }[];
}

type Ctx = { home: string; env: Record<string, string | undefined> };

/**
 * The view every sub-agent gets. Hidden: the config folder (the fleet key, the user's config with
 * its mailbox URL) and the state folder (servers' control tokens, the spend ledger, rate limits,
 * owner keys, receipts' indexes, workers' folders). Shown again: agent definitions (read-only),
 * the journals and worktrees (where agents work and nested servers journal), the nested servers'
 * marks (a tree kill finds them there), the Maildir (a nested server's messaging tools), and,
 * read-only, what a nested server reads to hold its launches (the spend ledger, rate-limit windows
 * and trust records) and workers' presence.
 * `configCopy`: the user's config without its secrets, shown in its place.
 */
export function privateView(ctx: Ctx, configCopy?: string): SandboxView {
  const config = configDir(ctx);
  const state = stateDir(ctx);
  const s = stateLayout(state);
  // The Maildir too: a nested server (one a sub-agent's CLI starts from its config) speaks for its mailbox there.
  const writable = [s.agents, s.worktrees, join(s.servers, "nested"), s.mail];
  // Made now (private, as ours are) so that a folder created later is not one the sandbox failed
  // to hide or show; one that exists keeps its mode.
  for (const dir of [config, state, ...writable]) if (!existsSync(dir)) ensurePrivateDir(dir);
  // The ledger exists from now on, so that it is shown read-only (not a blank a sub-agent could
  // write to) and a nested server reads what every server appends to it.
  closeSync(openSync(s.spend, "a", 0o600));
  return {
    hidden: [config, state],
    shown: [
      { path: join(config, "agents"), writable: false },
      ...writable.map((path) => ({ path, writable: true })),
      ...[s.spend, `${s.spend}.1`, s.rateLimits, s.trust, s.presence].map((path) => ({ path, writable: false })),
    ],
    replaced: configCopy === undefined ? [] : [{ source: configCopy, target: configLayout(config).config }],
  };
}

/** The view as it stands now: shown paths that exist, replacements whose source exists. */
export function presentView(view: SandboxView): SandboxView {
  return { hidden: view.hidden, shown: view.shown.filter((p) => existsSync(p.path)), replaced: view.replaced.filter((r) => existsSync(r.source)) };
}
