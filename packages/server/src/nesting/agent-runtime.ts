// What a sub-agent's own tools see of the one runtime: only the agents under it (the same error as
// an unknown id for any other, so that a sibling or a parent is neither reached nor revealed), its
// launches journaled with its lineage, and budgets that add its tree's to the server's.
import { BudgetError, tighter, type TreeBudgets } from "@subagent-mcp/budgets";
import { CoreError, type Supervisor } from "@subagent-mcp/core";
import type { AgentJournal } from "@subagent-mcp/journal";
import type { Runtime, RuntimeBudgets } from "../runtime/runtime.js";
import type { AgentScope, AgentTree } from "./agent-tree.js";

/** The runtime as agent `scope.id`'s tools use it. */
export function scopedRuntime(runtime: Runtime, scope: AgentScope, tree: AgentTree): Runtime {
  return {
    ...runtime,
    supervisor: scopedSupervisor(runtime.supervisor, scope.id, tree),
    journal: runtime.journal === undefined ? undefined : scopedJournal(runtime.journal, scope.lineage),
    budgets: new ScopedBudgets(runtime.budgets, runtime.treeBudgets, scope.id),
  };
}

// Every method the tools call names its agent first: an id, or a wait's `ids`. One rule holds them
// all: an agent that exists but is not under `self` is refused as unknown.
function scopedSupervisor(real: Supervisor, self: string, tree: AgentTree): Supervisor {
  const exists = (id: string): boolean => {
    try {
      real.get(id);
      return true;
    } catch {
      return false;
    }
  };
  const hidden = (id: unknown): id is string => typeof id === "string" && !tree.isUnder(id, self) && exists(id);
  // The supervisor's own error for an id it does not know (no agent has the empty id), naming this one.
  const refuse = (id: string): never => {
    try {
      real.get("");
    } catch (error) {
      if (error instanceof CoreError) throw new CoreError(error.code, error.message.replace('""', JSON.stringify(id)));
    }
    throw new CoreError("AGENT_NOT_FOUND", `no agent with id "${id}"; list_agents shows the known ids`);
  };
  const guard = (first: unknown): void => {
    if (hidden(first)) refuse(first);
    const ids = typeof first === "object" && first !== null ? (first as { ids?: unknown }).ids : undefined;
    if (Array.isArray(ids)) for (const id of ids) if (hidden(id)) refuse(id);
  };
  const mine = (id: string): boolean => tree.isUnder(id, self);
  return new Proxy(real, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function") return value;
      const method = value as (...args: unknown[]) => unknown;
      if (key === "list") return (...args: unknown[]) => (method.apply(target, args) as { id: string }[]).filter((view) => mine(view.id));
      if (key === "waitable") return () => (method.apply(target, []) as string[]).filter(mine);
      return (...args: unknown[]) => {
        guard(args[0]);
        return method.apply(target, args);
      };
    },
  });
}

// Its launches are journaled with its lineage, and it reads only the journals under it.
function scopedJournal(real: AgentJournal, lineage: readonly string[]): AgentJournal {
  const settings = { ...real.settings, lineage };
  return new Proxy(real, {
    get(target, key) {
      if (key === "settings") return settings;
      if (key === "expect")
        return (id: string, notes: Parameters<AgentJournal["expect"]>[1]) => {
          target.expect(id, { ...notes, lineage });
        };
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The server's session and daily budgets, and the budget of every agent above this one over its tree. */
class ScopedBudgets implements RuntimeBudgets {
  constructor(
    private readonly shared: RuntimeBudgets | undefined,
    private readonly tree: TreeBudgets,
    private readonly self: string,
  ) {}

  async check(): Promise<void> {
    await this.shared?.check();
    const spent = this.tree.exceeded(this.self);
    if (spent !== undefined)
      throw new BudgetError(
        "BUDGET_EXCEEDED",
        `the budget of the agent tree you run in is spent (${spent}), counting every agent in it; no new agent starts. Do the rest of the work yourself, or ask whoever started you for more.`,
      );
  }

  left() {
    return tighter(this.shared?.left(), this.tree.left(this.self));
  }

  inheritedLeft() {
    return tighter(this.shared?.inheritedLeft(), this.tree.left(this.self));
  }

  treeWarnings(): string[] {
    return this.tree.warnings(this.self);
  }

  costLeftUsd(): number | undefined {
    const own = this.tree.left(this.self)?.max_cost_usd;
    const shared = this.shared?.costLeftUsd();
    return own === undefined ? shared : shared === undefined ? own : Math.min(own, shared);
  }
}
