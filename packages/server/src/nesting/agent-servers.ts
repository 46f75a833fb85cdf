// The servers each launched sub-agent reaches on the one loopback endpoint: its own subagent-mcp
// tools (handed under the name of the user's own entry of ours, so that its CLI starts no server of
// its own) and, with `messaging.children`, its messaging tools alone; both with the token the tree
// issued it, both made by the first launch that hands one.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { LaunchGate, McpServerSpec } from "@subagent-mcp/core";
import type { PermissionRules } from "@subagent-mcp/permissions";
import type { TokenEndpoint, ServerKind } from "@subagent-mcp/mcp-transport/loopback";
import { OnFirstUse } from "../runtime/first-use.js";
import { MESSAGING_TOOLS, withheldMessaging } from "../tools/messages.js";
import { CHILD_SERVER, OWN_SERVER } from "../launch/launch-steps.js";
import type { AgentTree, AgentScope } from "./agent-tree.js";

/** What a launch asks to hand its sub-agent. */
export interface Handed {
  /** Its own subagent-mcp tools (its CLI has our entry, which would start a server of its own). */
  own: boolean;
  /** Its messaging tools alone, less those its `rules` deny or ask for. */
  mailbox: { rules: PermissionRules | undefined } | undefined;
}

/** The sub-agents' servers as the tools and the server's life use them. */
export class AgentServers {
  /** The endpoint, once (being) made. */
  readonly endpoint: OnFirstUse<TokenEndpoint>;
  // The sub-agents handed a server, and those that called it.
  readonly #handed = new Set<string>();
  readonly #reached = new Set<string>();
  // The messaging tools each sub-agent's rules withhold from its mailbox server.
  readonly #withheld = new Map<string, string[]>();

  /** `build`: agent `scope`'s server of `kind`, less the messaging tools `withhold` names. */
  constructor(
    readonly tree: AgentTree,
    gate: LaunchGate,
    build: (scope: AgentScope, kind: ServerKind, withhold: string[]) => McpServer,
  ) {
    this.endpoint = new OnFirstUse(async () => {
      const { startTokenEndpoint } = await import("@subagent-mcp/mcp-transport/loopback");
      return startTokenEndpoint<AgentScope>(
        {
          warmScope: () => ({ id: "warm-up", depth: 1, ceiling: { level: "default", tools: [] }, lineage: ["warm-up"] }),
          scopeOf: (id, token) => this.tree.scopeOf(id, token),
          build: (scope, kind) => build(scope, kind, this.#withheld.get(scope.id) ?? []),
          reached: (id) => this.#reached.add(id),
        },
        gate.schedule,
      );
    });
  }

  /** Whether sub-agent `id` called a server it was handed; undefined when it was handed none. */
  reached(id: string): boolean | undefined {
    return this.#handed.has(id) ? this.#reached.has(id) : undefined;
  }

  /** Admits agent `scope.id` into the tree under `parent` (none: the orchestrator's) and returns the servers to hand its CLI. */
  async hand(scope: AgentScope, parent: string | undefined, asked: Handed): Promise<McpServerSpec[]> {
    if (!asked.own && asked.mailbox === undefined) {
      this.tree.admit(scope, parent);
      return [];
    }
    const headers = { Authorization: `Bearer ${this.tree.admit(scope, parent)}` };
    const endpoint = await this.endpoint.get();
    this.#handed.add(scope.id);
    // Its own tools carry its messaging tools: one server to connect to, not two. Without messaging
    // for sub-agents, they offer none.
    const server = asked.own ? OWN_SERVER : CHILD_SERVER;
    const withhold = asked.mailbox === undefined ? [...MESSAGING_TOOLS] : withheldMessaging(asked.mailbox.rules, server);
    if (withhold.length > 0) this.#withheld.set(scope.id, withhold);
    else this.#withheld.delete(scope.id);
    return [{ name: server, url: endpoint.url(scope.id, asked.own ? "mcp" : "mailbox"), headers }];
  }
}
