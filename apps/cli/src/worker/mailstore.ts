import { readFileSync } from "node:fs";
import { asyncStore, lazyStore, LocalPresence, Maildir, type MailboxStore, type PresenceRegistry } from "@subagent-mcp/mailbox";

import type { MailboxConfig } from "@subagent-mcp/mailbox/config";
import { configOrFail } from "../config.js";
import type { CliContext } from "../context.js";
import { fail } from "../fail.js";
import { stateLayout } from "@subagent-mcp/state";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/** Mailbox settings a reader may add to the config's: how many deliveries before dead letters, how often a Maildir looks again. */
export interface MailOptions {
  maxAttempts?: number;
  pollMs?: number;
}

/** Where the mail of every command, server and worker lives, as the config and the environment say. */
export interface MailPlace {
  /** For people: a Maildir's directory, or Redis's host, port, db and prefix (never a password). */
  where: string;
  /** The Maildir's root, when mail lives on this machine. */
  root?: string;
  /** The store, connected on first use (a server starts while Redis is down, its tools then say so). */
  lazy(options?: MailOptions): MailboxStore;
  /** The store, connected now: a bad URL, refused credentials or a server that is down reject here, each with its own message. */
  open(options?: MailOptions): Promise<MailboxStore>;
  /** Which workers are alive: on this machine (Maildir), or on every machine that shares the Redis. */
  presence(): Promise<PresenceRegistry>;
}

// host:port/db of a URL, without the user and password.
function server(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port === "" ? "6379" : parsed.port}${parsed.pathname.length > 1 ? parsed.pathname : ""}`;
  } catch {
    return "an unparseable URL";
  }
}

function readCa(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read the mailbox CA certificate ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

/**
 * The mailboxes as configured: a Maildir under the state dir unless `mailbox.url` (or
 * SUBAGENT_MCP_MAILBOX_URL) points at Redis. The Redis client is loaded only then.
 */
export function mailPlace(ctx: CliContext, mailbox: MailboxConfig | undefined): MailPlace {
  const url = mailbox?.url;
  if (url === undefined) {
    const root = stateLayout(ctx.stateDir).mail;
    const open = (options: MailOptions = {}): MailboxStore => asyncStore(new Maildir(root, options));
    return {
      where: root,
      root,
      lazy: open,
      open: (options) => Promise.resolve(open(options)),
      presence: () => Promise.resolve(new LocalPresence(stateLayout(ctx.stateDir).presence)),
    };
  }
  const prefix = mailbox?.prefix ?? "subagent-mcp";
  const endpoint = (): { url: string; prefix: string; ca?: Buffer } => ({ url, prefix, ...(mailbox?.ca === undefined ? {} : { ca: readCa(mailbox.ca) }) });
  const open = async (options: MailOptions = {}): Promise<MailboxStore> => {
    const { RedisMailboxes } = await import("@subagent-mcp/mailbox-redis");
    return RedisMailboxes.connect({
      ...endpoint(),
      ...definedFields({ maxAttempts: options.maxAttempts }),
      ...(mailbox?.claim_idle_s === undefined ? {} : { claimIdleMs: mailbox.claim_idle_s * 1000 }),
    });
  };
  return {
    where: `Redis at ${server(url)} (prefix ${prefix})`,
    lazy: (options) => lazyStore(() => open(options)),
    open,
    presence: async () => (await import("@subagent-mcp/mailbox-redis")).Presence.connect(endpoint()),
  };
}

/** Where mail lives for this command: the config's `mailbox` (or SUBAGENT_MCP_MAILBOX_URL), else a Maildir under the state dir. */
export function mailOf(ctx: CliContext, mailbox?: MailboxConfig): MailPlace {
  if (mailbox !== undefined) return mailPlace(ctx, mailbox);
  return mailPlace(ctx, configOrFail(ctx).mailbox);
}

/** The mailboxes, connected now; a store that cannot be reached ends the command with its one-line reason (exit 1). */
export async function openMail(place: MailPlace, options?: MailOptions): Promise<MailboxStore> {
  try {
    return await place.open(options);
  } catch (error) {
    fail(`mailbox (${place.where}): ${errorMessage(error)}`, 1);
  }
}
