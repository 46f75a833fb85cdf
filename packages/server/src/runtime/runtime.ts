// What is made with the supervisor, once, by the first call that needs it: the journal (first, so
// that it records the supervisor from its first agent on), the session and daily budgets, the spend
// caps' watch and the agents' worktrees. A tool reaches them as `await deps.runtime()`; a part made
// with the supervisor is added here, and nowhere else.
import { liveUsage, definedFields } from "@subagent-mcp/contract";
import type { LaunchGate, Supervisor } from "@subagent-mcp/core";
import type { AgentSpans } from "@subagent-mcp/tracing";
import { stateDir } from "@subagent-mcp/state";
import type { PriceTable } from "@subagent-mcp/usage/schema";
import { SpendCapsWatch, TreeBudgets, type SharedBudgets } from "@subagent-mcp/budgets";
import type { AgentTree } from "../nesting/agent-tree.js";
import { homedir } from "node:os";
import type { ServerDeps } from "../deps.js";
import { OnFirstUse } from "./first-use.js";
import { AgentJournal } from "@subagent-mcp/journal";
import type { AgentWorktrees } from "@subagent-mcp/worktrees";

/** The server's parts that live as long as its supervisor. */
export interface Runtime {
  readonly supervisor: Supervisor;
  /** Where agents are journaled; undefined when journaling is off (nothing outlives the server). */
  readonly journal: AgentJournal | undefined;
  /** The session and daily budgets (and, for a sub-agent's tools, its tree's); undefined when none is set. */
  readonly budgets: RuntimeBudgets | undefined;
  /** Each launch's budget over the agents it starts (and theirs). */
  readonly treeBudgets: TreeBudgets;
  /** The spend ledger's side of this server; undefined when it records no spending. */
  readonly spendCaps: SpendCapsWatch | undefined;
  /** The agents' worktrees (git runs only for an agent that asks for one). */
  readonly worktrees: AgentWorktrees;
}

/** The budgets a launch is held to, as the tools read them. */
export type RuntimeBudgets = Pick<SharedBudgets, "check" | "left" | "inheritedLeft" | "costLeftUsd"> & {
  /** A sub-agent's tools': warnings from 80 % of each budget above it over its tree, with their numbers. */
  treeWarnings?(): string[];
};

/** What makes a runtime besides the deps: the launch gate, the parts that follow the supervisor's agents, the tracer's spans. */
export interface RuntimeParts {
  gate: LaunchGate;
  followers: readonly ({ attach(supervisor: Supervisor): void } | undefined)[];
  spans: AgentSpans | undefined;
  defaultCwd: string;
  priceTable: PriceTable;
  /** Who started whom: the tree's budgets count each turn against every agent above it. */
  tree: AgentTree;
  /** Told of the journal once it is made (the server's answers then wait for its turn and end entries). */
  journaled?: (journal: AgentJournal) => void;
}

/**
 * The runtime, made on first use. `owned`: the supervisor came from a factory, so closing the
 * server shuts it down (a given one stays the caller's).
 */
export function runtimeOnFirstUse(deps: ServerDeps, parts: RuntimeParts): { runtime: OnFirstUse<Runtime>; owned: boolean } {
  const owned = typeof deps.supervisor === "function";
  return { runtime: new OnFirstUse(() => makeRuntime(deps, parts)), owned };
}

async function makeRuntime(deps: ServerDeps, parts: RuntimeParts): Promise<Runtime> {
  const { gate, spans, defaultCwd } = parts;
  const journal = journalOf(deps, defaultCwd, gate);
  if (journal !== undefined) parts.journaled?.(journal);
  const source = deps.supervisor;
  const supervisor =
    typeof source === "function"
      ? await source({ ...(journal === undefined ? {} : { newId: () => journal.claim() }), launchGate: gate, ...definedFields({ spans }) })
      : source;
  journal?.attach(supervisor);
  for (const follower of parts.followers) follower?.attach(supervisor);
  const spendCaps = spendCapsOf(deps, supervisor);
  const [budgets, worktrees] = await Promise.all([sharedBudgets(deps, supervisor, defaultCwd, parts.priceTable), worktreesOf(deps, supervisor, spans)]);
  return { supervisor, journal, budgets, spendCaps, worktrees, treeBudgets: new TreeBudgets(supervisor, parts.tree, () => budgets?.exceeded()) };
}

function journalOf(deps: ServerDeps, defaultCwd: string, gate: LaunchGate): AgentJournal | undefined {
  const settings = deps.persistence?.journal;
  if (settings === undefined) return undefined;
  const lineage = deps.nesting?.lineage;
  return new AgentJournal(lineage === undefined ? settings : { ...settings, lineage }, defaultCwd, gate.schedule);
}

// Session and daily budgets, when the config sets any; the day's earlier spending comes from the journal.
async function sharedBudgets(deps: ServerDeps, supervisor: Supervisor, project: string, prices: PriceTable): Promise<SharedBudgets | undefined> {
  const settings = deps.spending?.budgets;
  if (settings?.session === undefined && settings?.daily === undefined && settings?.inherited === undefined) return undefined;
  const [{ SharedBudgets }, { budgetTokens }, { summarizeUsage, TurnCache }] = await Promise.all([
    import("@subagent-mcp/budgets"),
    import("@subagent-mcp/core"),
    import("@subagent-mcp/usage"),
  ]);
  const agentsDir = deps.persistence?.journal?.dir;
  return new SharedBudgets(supervisor, settings, (since) => {
    if (agentsDir === undefined) return { costUsd: 0, tokens: 0, turns: 0, seconds: 0 };
    // Read once a day: through a turn cache, ended agents come from the agents folder's usage index, not every journal.
    const { total } = summarizeUsage({ agentsDir }, { groupBy: "day", since, project, prices, turns: new TurnCache() });
    return { costUsd: total.cost_usd ?? 0, tokens: budgetTokens(liveUsage(total)), turns: total.turns, seconds: 0 };
  });
}

// The config's spend caps, and the ledger every finished turn is appended to.
function spendCapsOf(deps: ServerDeps, supervisor: Supervisor): SpendCapsWatch | undefined {
  const settings = deps.spending?.spend;
  if (settings === undefined) return undefined;
  return new SpendCapsWatch(supervisor, settings);
}

// Git runs only for an agent that asks for a worktree; the server's tracer makes its setup a span.
async function worktreesOf(deps: ServerDeps, supervisor: Supervisor, spans: AgentSpans | undefined): Promise<AgentWorktrees> {
  const { AgentWorktrees } = await import("@subagent-mcp/worktrees");
  const settings = deps.persistence?.worktrees ?? { stateDir: stateDir({ home: homedir(), env: process.env }) };
  const { tracer } = deps.serving;
  return new AgentWorktrees(supervisor, settings, tracer === undefined ? undefined : { tracer, spans });
}
