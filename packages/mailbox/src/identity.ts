import { createHash, randomBytes } from "node:crypto";
import { NAME_ENV } from "@subagent-mcp/contract/nesting-env";

// Who a server speaks for, read from its environment alone: the door of `subagent-mcp mcp` reads
// it (whether there are messaging tools to tell of) before anything else of the server loads.

/**
 * The mailbox every top-level session also reads: `subagent-mcp send orchestrator "..."` reaches
 * whichever live session reads first, while each session's sub-agents write to its own mailbox.
 */
export const SHARED_INBOX = "orchestrator";

/** Who a server speaks for: its own mailbox and, for a top-level session, the shared one it also reads. */
interface MessagingIdentity {
  self: string;
  shared?: string;
}

type Env = Record<string, string | undefined>;

// A host's session id as a mailbox name segment; anything unusual is hashed rather than trusted.
function sessionPart(id: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : createHash("sha256").update(id).digest("hex").slice(0, 16);
}

/**
 * Whose mail a server may read. An explicit SUBAGENT_MCP_AGENT_NAME wins (a worker's server, or the
 * name a launching server gave its sub-agent). A nested server (depth > 0) without one speaks for
 * nobody and gets no messaging tools: it must never read a mailbox it does not own. A top-level
 * server speaks for its host session: `orchestrator-<session id>` where the host gives one (Claude
 * Code's CLAUDE_CODE_SESSION_ID), else `orchestrator-<random>` for this process (hosts start one
 * server per session), and it also reads {@link SHARED_INBOX}.
 */
export function messagingIdentity(env: Env, depth: number): MessagingIdentity | undefined {
  const named = env[NAME_ENV];
  if (named !== undefined && named !== "") return { self: named };
  if (depth > 0) return undefined;
  const session = env.CLAUDE_CODE_SESSION_ID;
  const own = session === undefined || session === "" ? randomBytes(4).toString("hex") : sessionPart(session);
  return { self: `${SHARED_INBOX}-${own}`, shared: SHARED_INBOX };
}
