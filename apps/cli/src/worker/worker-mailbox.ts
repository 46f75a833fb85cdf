import type { McpServerSpec, SessionSpec } from "@subagent-mcp/core";
import type { MailboxStore } from "@subagent-mcp/mailbox";
import { SERVER_NAME } from "@subagent-mcp/contract";
import { version } from "../version.js";

// A worker's session reaches its mailbox through messaging tools the worker process serves itself,
// on a loopback endpoint with a token for that one mailbox: no server process of ours under the
// session, and the mailbox settings (a Redis URL may hold its password) stay in the worker, out of
// every CLI's reach.

/** The name the session's messaging server goes by (our own name): its tools are `mcp__subagent-mcp__reply` and the like. */
export const MAILBOX_SERVER = SERVER_NAME;

/** The session's messaging server as `--print` shows it: its address and token are made when the worker starts. */
export function plannedMailbox(name: string): McpServerSpec {
  return { name: MAILBOX_SERVER, url: `http://127.0.0.1:0/agents/${name}/mailbox`, headers: { Authorization: "Bearer <issued when the worker starts>" } };
}

/**
 * Starts serving mailbox `o.name`'s messaging tools and puts that server in `spec` in place of the
 * planned one (the first). A CLI whose config has our entry (setup's) would start it beside this
 * one, or under its name: the served one takes its place for the session, as for a launched agent.
 * Returns what stops serving.
 */
export async function serveMailbox(spec: SessionSpec, o: { name: string; provider: string; mail: MailboxStore; cwd: string }): Promise<() => Promise<void>> {
  const { ownEntryFor, startNodeMessaging } = await import("@subagent-mcp/server/runtime");
  const served = await startNodeMessaging(o.mail, version);
  spec.mcpServers = (spec.mcpServers ?? []).map((s, i) => (i === 0 ? { ...served.serverFor(o.name), name: MAILBOX_SERVER } : s));
  const own = await ownEntryFor([o.provider], o.cwd);
  if (own !== undefined) spec.ownEntry = own;
  return () => served.close();
}
