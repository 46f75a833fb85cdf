import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { standing, type Budget, type Spent, type Supervisor } from "@subagent-mcp/core";
import type { SharedBudgets } from "./shared-budgets.js";
import { leftOf, tighter } from "./tree-budget.js";
import { fromWire, limitsOrNone, SpentWire, sumSpent, TREE_TOOL, TreeAnswerSchema, zeroSpent, type TreeAnswer } from "./tree-wire.js";
import { definedFields } from "@subagent-mcp/contract/fields";

/**
 * The launching side of a tree's budget: what the servers under our sub-agents report they spent,
 * counted against the agent each runs under (a launch's budget covers its whole tree) and against
 * this server's shared budgets (which pass it on to our own parent, if we have one); every report
 * and every question is answered with what that sub-agent's tree has left, live, so that siblings
 * share one remainder instead of each holding a copy of it.
 */
export class TreeSpend {
  readonly #below = new Map<string, Spent>();

  /** `runtime`: the launching server's supervisor and its shared budgets (none when the config sets none), made by the first call that needs them. */
  constructor(private readonly runtime: () => Promise<{ supervisor: Supervisor; budgets: SharedBudgets | undefined }>) {}

  /** The MCP server at sub-agent `agentId`'s budget address: one tool, {@link TREE_TOOL}. */
  server(agentId: string, version: string): McpServer {
    const server = new McpServer({ name: "subagent-mcp-tree", version });
    server.registerTool(
      TREE_TOOL,
      {
        description: "Reports what the agents under this sub-agent spent, and answers what its tree has left.",
        inputSchema: { spent: SpentWire.optional() },
        outputSchema: TreeAnswerSchema.shape,
      },
      async ({ spent }) => {
        const answer = await this.answer(agentId, spent === undefined ? undefined : fromWire(spent));
        return { content: [{ type: "text", text: JSON.stringify(answer) }], structuredContent: answer };
      },
    );
    return server;
  }

  /** Counts `spent` (if any) under `agentId` and says what its tree has left. */
  async answer(agentId: string, spent: Spent | undefined): Promise<TreeAnswer> {
    const { budgets } = await this.runtime();
    if (spent !== undefined) {
      this.#below.set(agentId, sumSpent(this.#below.get(agentId) ?? zeroSpent(), spent));
      await budgets?.addBelow(spent);
    } else await budgets?.refresh();
    const own = await this.#ownBudget(agentId);
    const shared = budgets?.treeStanding();
    const left = tighter(own === undefined ? undefined : leftOf(own.limits, own.spent), shared?.left);
    const mine = own === undefined ? undefined : standing(own.limits, own.spent);
    const exceeded = mine?.exceeded === undefined ? shared?.exceeded : `agent ${agentId}'s budget, over its tree: ${mine.exceeded}`;
    const warnings = [...(mine?.warnings ?? []).map((w) => `agent ${agentId}'s budget, over its tree: ${w}`), ...(shared?.warnings ?? [])];
    return { left: limitsOrNone(left) ?? {}, ...definedFields({ exceeded }), warnings: warnings.slice(0, 20) };
  }

  // The agent's own budget, with what it and the servers under it spent (none: it has no budget, or is gone).
  async #ownBudget(agentId: string): Promise<{ limits: Budget; spent: Spent } | undefined> {
    try {
      const budget = (await this.runtime()).supervisor.get(agentId).budget;
      return budget === undefined ? undefined : { limits: budget.limits, spent: sumSpent(budget.spent, this.#below.get(agentId) ?? zeroSpent()) };
    } catch {
      return undefined;
    }
  }
}
