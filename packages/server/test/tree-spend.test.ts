import { Supervisor, type AgentEvent, type Driver, type Session } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { startChildEndpoint } from "../src/runtime.js";
import { SharedBudgets, TreeSpend } from "@subagent-mcp/budgets";
import { treeUrlFrom } from "@subagent-mcp/config";

// The budget of a tree of servers, shared live: a parent's TreeSpend behind a real sub-agents'
// endpoint, and the nested servers of two sibling sub-agents, each started with the whole remainder.

// A nested server's supervisor whose agent ends its turn with `output` tokens when told.
function nestedServer(treeUrl: string | undefined): { budgets: SharedBudgets; spend: (output: number) => void } {
  const sinks: ((event: AgentEvent) => void)[] = [];
  const session: Session = {
    pid: 1,
    send: () => undefined,
    interrupt: () => Promise.resolve(),
    reset: () => Promise.resolve(),
    close: () => Promise.resolve(),
    kill: () => Promise.resolve(),
  };
  const driver: Driver = { provider: "codex", start: (_spec, onEvent) => (sinks.push(onEvent), session) };
  const supervisor = new Supervisor({ drivers: { codex: driver } });
  // What each sibling's environment said was left when it started: all of the tree's 1000 tokens.
  const budgets = new SharedBudgets(supervisor, { inherited: { max_tokens: 1000 }, ...(treeUrl === undefined ? {} : { treeUrl }) }, () => ({
    costUsd: 0,
    tokens: 0,
    turns: 0,
    seconds: 0,
  }));
  let turn = 0;
  return {
    budgets,
    spend: (output) => {
      supervisor.launch({ provider: "codex", cwd: "/", prompt: "work" });
      sinks[turn++]?.({ type: "turn_end", result: "ok", isError: false, usage: { input: 0, output, cacheRead: 0, cacheWrite: 0 }, durationMs: 10 });
    },
  };
}

async function parentEndpoint() {
  const supervisor = new Supervisor({ drivers: {} });
  const budgets = new SharedBudgets(supervisor, { session: { max_tokens: 1000 } }, () => ({ costUsd: 0, tokens: 0, turns: 0, seconds: 0 }));
  const tree = new TreeSpend(() => Promise.resolve({ supervisor, budgets }));
  const endpoint = await startChildEndpoint(
    () => {
      throw new Error("no messaging here");
    },
    setImmediate,
    () => undefined,
    (self) => tree.server(self, "0"),
  );
  return { budgets, endpoint };
}

describe("a tree's budget shared live", () => {
  it("siblings' servers report each turn and ask before a launch: together they get what the tree has, not each all of it", async () => {
    const { budgets: parent, endpoint } = await parentEndpoint();
    try {
      const first = nestedServer(treeUrlFrom({ SUBAGENT_MCP_TREE_BUDGET_URL: endpoint.treeUrl("aaaa0001") }));
      const second = nestedServer(treeUrlFrom({ SUBAGENT_MCP_TREE_BUDGET_URL: endpoint.treeUrl("aaaa0002") }));
      first.spend(700);
      await first.budgets.check();
      // The parent counted it against the tree; the second sibling, asked, has what is left, not its 1000.
      expect(parent.left()).toEqual({ max_tokens: 300 });
      await second.budgets.check();
      expect(second.budgets.inheritedLeft()).toEqual({ max_tokens: 300 });
      expect(parent.treeStanding().warnings).toEqual([]);
      second.spend(150);
      await second.budgets.refresh();
      // 85 %: a warning with its numbers, for the siblings' servers too.
      expect(parent.treeStanding().warnings).toEqual(["max_tokens 1000 tokens: 850 tokens spent (85 %)"]);
      await first.budgets.refresh();
      expect(first.budgets.treeWarnings()).toEqual(["max_tokens 1000 tokens: 850 tokens spent (85 %)"]);
      second.spend(200);
      // Together past the tree's budget: neither starts anything more, each told by how much.
      await expect(second.budgets.check()).rejects.toThrow(
        /the budget of the agent tree this server runs in is spent \(max_tokens 1000 tokens: 1050 tokens spent \(105 %\)\)/,
      );
      await expect(first.budgets.check()).rejects.toThrow(/agent tree .* spent \(max_tokens 1000 tokens: 1050 tokens spent/);
    } finally {
      await endpoint.close();
    }
  });

  it("falls back to the budget its environment gave when the parent cannot be reached, or the address is not one of ours", async () => {
    const { endpoint } = await parentEndpoint();
    const url = endpoint.treeUrl("aaaa0003");
    await endpoint.close();
    const lone = nestedServer(treeUrlFrom({ SUBAGENT_MCP_TREE_BUDGET_URL: url }));
    lone.spend(400);
    await lone.budgets.check();
    expect(lone.budgets.inheritedLeft()).toEqual({ max_tokens: 600 });
    expect(treeUrlFrom({ SUBAGENT_MCP_TREE_BUDGET_URL: "http://example.com/agents/a/0123456789abcdef0123456789abcdef/tree" })).toBeUndefined();
    expect(treeUrlFrom({ SUBAGENT_MCP_TREE_BUDGET_URL: "http://127.0.0.1:9/elsewhere" })).toBeUndefined();
  });
});
