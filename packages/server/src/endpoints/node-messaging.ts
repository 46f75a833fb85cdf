import type { McpServerSpec } from "@subagent-mcp/core";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { startChildEndpoint } from "./child-endpoint.js";
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
 * 127.0.0.1 and signed for one mailbox name under a key only this process holds: an agent gets the
 * address of its own mailbox and nothing else (not the Redis URL, its password or the fleet key).
 */
export async function startNodeMessaging(mail: MailboxStore, version: string, maxResultChars = DEFAULT_MAX_RESULT_CHARS): Promise<NodeMessaging> {
  // The messaging tools each agent's rules withhold from its own server, by mailbox name.
  const withheld = new Map<string, string[]>();
  const endpoint = await startChildEndpoint((self) => {
    const delivery = new Delivery(maxResultChars);
    const server = new DeliveryServer({ name: "subagent-mcp", version }, {}, delivery);
    registerMessageTools(server, { delivery, maxResultChars, messaging: { mail, self } }, withheld.get(self) ?? []);
    return server;
  });
  return {
    serverFor(self, rules) {
      const withhold = withheldMessaging(rules, CHILD_SERVER);
      if (withhold.length > 0) withheld.set(self, withhold);
      else withheld.delete(self);
      return { name: CHILD_SERVER, url: endpoint.url(self) };
    },
    close: () => endpoint.close(),
  };
}
