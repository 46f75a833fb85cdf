// The server's costly parts, each made by the first call that needs it: the supervisor (with the
// journal and what follows its agents), the session and daily budgets, and the agents' worktrees.
// Apart from server.ts, which wires the tools to them: this is what they are made of, and when.
import { liveUsage, definedFields } from "@subagent-mcp/contract";
import type { Supervisor } from "@subagent-mcp/core";
import type { AgentSpans } from "@subagent-mcp/tracing";
import { stateDir } from "@subagent-mcp/state";
import type { PriceTable } from "@subagent-mcp/usage/schema";
import { homedir } from "node:os";
import type { ServerDeps, WorktreeHub } from "../deps.js";
import { OnFirstUse } from "./first-use.js";
import type { AgentJournal } from "./journal.js";
import type { LaunchGate } from "../launch/launch-gate.js";
import type { SharedBudgets } from "@subagent-mcp/budgets";
import type { AgentWorktrees } from "./worktrees.js";

// A given supervisor stays the caller's; one made from a factory is ours to shut down. Either way
// the journal (if any) is made first and records it from its first agent on.
export function supervisorFrom(
  source: ServerDeps["supervisor"],
  gate: LaunchGate,
  journal: () => Promise<AgentJournal | undefined>,
  followers: ({ attach(supervisor: Supervisor): void } | undefined)[],
  after?: (supervisor: Supervisor) => Promise<void>,
  spans?: AgentSpans,
): { get: () => Promise<Supervisor>; made?: OnFirstUse<Supervisor> } {
  const made = new OnFirstUse(async () => {
    const recorder = await journal();
    const supervisor =
      typeof source === "function"
        ? await source({ ...(recorder === undefined ? {} : { newId: () => recorder.claim() }), launchGate: gate, ...definedFields({ spans }) })
        : source;
    recorder?.attach(supervisor);
    for (const follower of followers) follower?.attach(supervisor);
    await after?.(supervisor);
    return supervisor;
  });
  return typeof source === "function" ? { get: () => made.get(), made } : { get: () => made.get() };
}

// Session and daily budgets, when the config sets any; the day's earlier spending comes from the journal.
export async function sharedBudgets(deps: ServerDeps, supervisor: Supervisor, project: string, prices: PriceTable): Promise<SharedBudgets | undefined> {
  const settings = deps.budgets;
  if (settings?.session === undefined && settings?.daily === undefined && settings?.inherited === undefined) return undefined;
  const [{ SharedBudgets }, { budgetTokens }, { summarizeUsage, TurnCache }] = await Promise.all([
    import("@subagent-mcp/budgets"),
    import("@subagent-mcp/core"),
    import("@subagent-mcp/usage"),
  ]);
  const agentsDir = deps.journal?.dir;
  return new SharedBudgets(supervisor, settings, (since) => {
    if (agentsDir === undefined) return { costUsd: 0, tokens: 0, turns: 0, seconds: 0 };
    // Read once a day: through a turn cache, ended agents come from the agents folder's usage index, not every journal.
    const { total } = summarizeUsage({ agentsDir }, { groupBy: "day", since, project, prices, turns: new TurnCache() });
    return {
      costUsd: total.cost_usd ?? 0,
      tokens: budgetTokens(liveUsage(total)),
      turns: total.turns,
      seconds: 0,
    };
  });
}

// The worktrees' code (git through execa) loads with the first launch that isolates an agent.
export function worktreeHub(deps: ServerDeps, supervisor: () => Promise<Supervisor>, spans?: AgentSpans): WorktreeHub {
  let made: AgentWorktrees | undefined;
  const hub = new OnFirstUse(async () => {
    const { AgentWorktrees } = await import("./worktrees.js");
    const settings = deps.worktrees ?? { stateDir: stateDir({ home: homedir(), env: process.env }) };
    made = new AgentWorktrees(await supervisor(), settings, deps.tracer === undefined ? undefined : { tracer: deps.tracer, spans });
    return made;
  });
  return { get: () => hub.get(), made: () => made };
}
