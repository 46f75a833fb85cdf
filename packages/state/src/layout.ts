import { join } from "node:path";

/** Our state folder: $XDG_STATE_HOME/subagent-mcp (default ~/.local/state/subagent-mcp). */
export function stateDir(ctx: { home: string; env: Record<string, string | undefined> }): string {
  return join(ctx.env.XDG_STATE_HOME ?? join(ctx.home, ".local", "state"), "subagent-mcp");
}

/**
 * What lives where in the state folder, named once: every reader and writer of ours takes its
 * path from here, so two packages never disagree on a folder's name.
 */
export function stateLayout(dir: string) {
  return {
    /** One folder per agent: its journal and owner (@subagent-mcp/journal). */
    agents: join(dir, "agents"),
    /** One folder per worker: session, turns, status, budget (@subagent-mcp/worker). */
    workers: join(dir, "workers"),
    /** One record per running server, read by the dashboard. */
    servers: join(dir, "servers"),
    /** The Maildir mailboxes. */
    mail: join(dir, "mail"),
    /** Workers' presence on this machine. */
    presence: join(dir, "presence"),
    /** Records of the worktrees we made (@subagent-mcp/worktrees). */
    worktrees: join(dir, "worktrees"),
    /** Orchestration-mode files, one per project and session (@subagent-mcp/hooks). */
    mode: join(dir, "mode"),
    /** What waits for each orchestrator, published by its server for the hooks. */
    pending: join(dir, "pending"),
    /** The permission decisions' audit log. */
    audit: join(dir, "permissions.jsonl"),
    /** The trusted projects' config hashes. */
    trust: join(dir, "trust.json"),
    /** The providers' rate-limit windows as any server's CLIs last reported them (routing's headroom). */
    rateLimits: join(dir, "rate-limits.json"),
    /** Every finished turn of every server and worker: provider, model and cost, one JSON line each, appended (@subagent-mcp/usage's SpendLedger, read for `spend_caps`). */
    spend: join(dir, "spend.jsonl"),
    /** Each server's private git indexes and objects for its agents' receipts, one folder per server pid (@subagent-mcp/receipts). */
    receipts: join(dir, "receipts"),
    /** One folder per team board: its journal of operations and the turns its members spent on it (@subagent-mcp/board). */
    boards: join(dir, "boards"),
  } as const;
}

/**
 * What lives where in a worker's folder (`stateLayout(dir).workers`/NAME), named once: the worker
 * writes these files, the usage package and the dashboard read them.
 */
export function workerLayout(dir: string) {
  return {
    /** The conversation it resumes after a restart (contract's SavedSessionSchema). */
    session: join(dir, "session.json"),
    /** One JSON line per turn (contract's TurnLogSchema). */
    turns: join(dir, "turns.jsonl"),
    /** Held by the one process that serves its mailbox. */
    lock: join(dir, "worker.lock"),
    /** Permission requests waiting for the approver's answer, one file each. */
    permissions: join(dir, "permissions"),
    /** Limits raised by `subagent-mcp worker budget`. */
    budget: join(dir, "budget.json"),
    /** What it last said about its spending, and whether it is paused. */
    status: join(dir, "status.json"),
  } as const;
}

/** Our config folder: $XDG_CONFIG_HOME/subagent-mcp (default ~/.config/subagent-mcp). */
export function configDir(ctx: { home: string; env: Record<string, string | undefined> }): string {
  return join(ctx.env.XDG_CONFIG_HOME ?? join(ctx.home, ".config"), "subagent-mcp");
}

/** The files of the config folder that hold what lets a launch run: never for a sub-agent to read. */
export function configLayout(dir: string) {
  return {
    /** The user's config (its `mailbox.url` may hold the Redis password). */
    config: join(dir, "config.json"),
    /** The fleet key, one line, 0600: every command a node runs is signed with it. */
    fleetKey: join(dir, "fleet.key"),
  } as const;
}
