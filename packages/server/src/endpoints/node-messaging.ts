import type { McpServerSpec } from "@subagent-mcp/core";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { randomBytes } from "node:crypto";
import { startTokenEndpoint } from "@subagent-mcp/mcp-transport/loopback";
import { DEFAULT_MAX_RESULT_CHARS, Delivery, DeliveryServer } from "@subagent-mcp/mcp-transport";
import { CHILD_SERVER } from "../launch/launch-steps.js";
import { registerMessageTools, withheldMessaging } from "../tools/messages.js";

/** A machine of the fleet's messaging for the agents it runs: each one's own server, by its mailbox name. */
export interface NodeMessaging {
  /** The MCP server that speaks for mailbox `self` (named as a local sub-agent's is); the messaging tools its deny and ask `rules` name are withheld. */
  serverFor(self: string, rules?: { deny?: string[]; ask?: string[] }): McpServerSpec;
  close(): Promise<void>;
}

/**
 * The messaging tools a node hands the agents it runs for orchestrators on other machines: the
 * orchestrator's loopback endpoint is not reachable from here, so the node serves its own, on the
 * mailboxes the fleet shares (`mail`, its Redis). As for a local sub-agent, each address is on
 * 127.0.0.1 and takes a token issued for one mailbox name, in a header: an agent gets the address
 * and token of its own mailbox and nothing else (not the Redis URL, its password or the fleet key).
 */
export async function startNodeMessaging(mail: MailboxStore, version: string, maxResultChars = DEFAULT_MAX_RESULT_CHARS): Promise<NodeMessaging> {
  // The messaging tools each agent's rules withhold from its own server, by mailbox name.
  const withheld = new Map<string, string[]>();
  // The token each mailbox's agent was given (a mailbox handed out again keeps its token).
  const tokens = new Map<string, string>();
  const endpoint = await startTokenEndpoint<{ id: string }>({
    warmScope: () => ({ id: "warm-up" }),
    scopeOf: (id, token) => {
      const held = tokens.get(id);
      if (token === undefined || ![...tokens.values()].includes(token)) return "unknown";
      return held === token ? { id } : "not-yours";
    },
    build: (scope) => {
      const delivery = new Delivery(maxResultChars);
      const server = new DeliveryServer({ name: "subagent-mcp", version }, {}, delivery);
      registerMessageTools(server, { delivery, maxResultChars, messaging: { mail, self: scope.id } }, withheld.get(scope.id) ?? []);
      return server;
    },
    reached: () => undefined,
  });
  return {
    serverFor(self, rules) {
      const withhold = withheldMessaging(rules, CHILD_SERVER);
      if (withhold.length > 0) withheld.set(self, withhold);
      else withheld.delete(self);
      let token = tokens.get(self);
      if (token === undefined) tokens.set(self, (token = randomBytes(32).toString("base64url")));
      return { name: CHILD_SERVER, url: endpoint.url(self, "mailbox"), headers: { Authorization: `Bearer ${token}` } };
    },
    close: () => endpoint.close(),
  };
}
