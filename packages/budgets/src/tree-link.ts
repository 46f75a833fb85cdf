import type { Spent } from "@subagent-mcp/core";
import { TREE_TOOL, TreeAnswerSchema, sumSpent, toWire, zeroSpent, type TreeAnswer } from "./tree-wire.js";

/** How long one exchange with the parent may take before its budget is read from the environment instead. */
const EXCHANGE_TIMEOUT_MS = 3000;

type Caller = (args: Record<string, unknown>) => Promise<unknown>;

/**
 * A nested server's line to the server that launched its sub-agent: each exchange reports what
 * was spent since the last one that got through (nothing is lost to a parent that was briefly
 * unreachable) and takes back what the tree has left. One exchange at a time, in order. The MCP
 * client loads with the first exchange.
 */
export class TreeLink {
  #caller: Promise<Caller> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  #unsent: Spent = zeroSpent();
  #last: TreeAnswer | undefined;

  constructor(private readonly url: string) {}

  /** The parent's last answer (undefined until one came). */
  last(): TreeAnswer | undefined {
    return this.#last;
  }

  /** Reports `spent` (none: only asks) and resolves with the answer; undefined when the parent could not be reached. */
  exchange(spent?: Spent): Promise<TreeAnswer | undefined> {
    if (spent !== undefined) this.#unsent = sumSpent(this.#unsent, spent);
    const run = this.#chain.then(() => this.#send());
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #send(): Promise<TreeAnswer | undefined> {
    const sending = this.#unsent;
    const nothing = sending.tokens === 0 && sending.turns === 0 && sending.seconds === 0 && (sending.costUsd ?? 0) === 0;
    try {
      const call = await (this.#caller ??= connect(this.url));
      const answer = TreeAnswerSchema.parse(await call(nothing ? {} : { spent: toWire(sending) }));
      // What was added while this one was under way goes with the next.
      this.#unsent = sumSpent(this.#unsent, { costUsd: -(sending.costUsd ?? 0), tokens: -sending.tokens, turns: -sending.turns, seconds: -sending.seconds });
      this.#last = answer;
      return answer;
    } catch {
      this.#caller = undefined;
      return undefined;
    }
  }
}

async function connect(url: string): Promise<Caller> {
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
  ]);
  const client = new Client({ name: "subagent-mcp-tree", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)), { timeout: EXCHANGE_TIMEOUT_MS });
  return async (args) => {
    const result = await client.callTool({ name: TREE_TOOL, arguments: args }, undefined, { timeout: EXCHANGE_TIMEOUT_MS });
    if (result.isError === true) throw new Error("the parent refused the report");
    return result.structuredContent;
  };
}
