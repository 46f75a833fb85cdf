// Each launched sub-agent's own messaging server (with `messaging.children`): served on one loopback
// endpoint started by the first launch that needs it, with the messaging tools its rules deny
// withheld, and whether it ever called the server it was handed.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { McpServerSpec } from "@subagent-mcp/core";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import type { PermissionRules } from "@subagent-mcp/permissions";
import type { ChildEndpoint } from "../endpoints/child-endpoint.js";
import type { ServerDeps } from "../deps.js";
import { OnFirstUse } from "../runtime/first-use.js";
import type { LaunchGate } from "../launch/launch-gate.js";
import { withheldMessaging } from "../tools/messages.js";
import { CHILD_SERVER } from "../launch/launch-steps.js";
import type { TreeSpend } from "@subagent-mcp/budgets";

/** The sub-agents' messaging servers as the tools and the server's life use them. */
export interface ChildServers {
  /** The endpoint, once (being) made. */
  endpoint: OnFirstUse<ChildEndpoint> | undefined;
  /** A sub-agent's own messaging server; the messaging tools its deny and ask `rules` name are withheld there. */
  childServer: ((self: string, rules?: PermissionRules) => Promise<McpServerSpec>) | undefined;
  /** Where the server under sub-agent `self` shares its tree's budget live. */
  treeUrl: ((self: string) => Promise<string>) | undefined;
  messagingReached: (self: string) => boolean | undefined;
}

/**
 * The sub-agents' messaging servers of one createServer: `serve` builds the messaging tools alone,
 * speaking for mailbox `self`, less `withhold`; `tree` answers at each one's tree address.
 */
export function childServers(
  deps: Pick<ServerDeps, "messaging"> & { version: string },
  gate: LaunchGate,
  tree: TreeSpend,
  serve: (messaging: { mail: MailboxStore; self: string }, withhold: string[]) => McpServer,
): ChildServers {
  // The sub-agents handed a messaging server, and those that called it.
  const handed = new Set<string>();
  const reached = new Set<string>();
  const messagingReached = (self: string): boolean | undefined => (handed.has(self) ? reached.has(self) : undefined);
  // The messaging tools each sub-agent's rules withhold from its own server, by mailbox name.
  const withheld = new Map<string, string[]>();
  const { messaging } = deps;
  if (messaging === undefined || messaging.children !== true) return { endpoint: undefined, childServer: undefined, treeUrl: undefined, messagingReached };
  const endpoint = new OnFirstUse(async () => {
    const { startChildEndpoint } = await import("../endpoints/child-endpoint.js");
    return startChildEndpoint(
      (self) => serve({ mail: messaging.mail, self }, withheld.get(self) ?? []),
      gate.schedule,
      (self) => reached.add(self),
      (self) => tree.server(self, deps.version),
    );
  });
  const childServer = async (self: string, rules?: PermissionRules) => {
    const withhold = withheldMessaging(rules, CHILD_SERVER);
    if (withhold.length > 0) withheld.set(self, withhold);
    else withheld.delete(self);
    handed.add(self);
    return { name: CHILD_SERVER, url: (await endpoint.get()).url(self) };
  };
  return { endpoint, childServer, treeUrl: async (self) => (await endpoint.get()).treeUrl(self), messagingReached };
}
