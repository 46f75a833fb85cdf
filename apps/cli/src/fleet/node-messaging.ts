import type { Driver } from "@subagent-mcp/core";
import type { NodeMessaging } from "@subagent-mcp/server/runtime";

/**
 * A node's driver that hands each launch given a mailbox name the node's own messaging server for
 * that mailbox (on the Redis the fleet shares), as a local sub-agent gets its orchestrator's: its
 * `send_to` and `reply` reach its parent's mailbox, and its parent's to it reach its `inbox`.
 */
export function withMessaging(driver: Driver, messaging: NodeMessaging): Driver {
  return {
    provider: driver.provider,
    start(spec, onEvent) {
      if (spec.mailbox === undefined) return driver.start(spec, onEvent);
      const server = messaging.serverFor(spec.mailbox, spec.rules);
      return driver.start({ ...spec, mcpServers: [...(spec.mcpServers ?? []).filter((s) => s.name !== server.name), server] }, onEvent);
    },
  };
}
