// The config's `mailbox` slice: a shape the config and the mailbox share, so it is the contract's.
import { z } from "zod";

/**
 * Where mailboxes live. Without a URL: a Maildir under the state dir (this machine only). With a
 * redis:// or rediss:// URL: Redis Streams, shared by every machine that points at the same server
 * and prefix. The password, if any, is part of the URL (config file or env), never a flag.
 */
export const MailboxConfigSchema = z.strictObject({
  /** redis://[user:password@]host[:port][/db] or rediss://… */
  url: z
    .string()
    .regex(/^rediss?:\/\//, "expected redis://[user:password@]host[:port][/db] or rediss://…")
    .optional(),
  /** Key prefix, so that teams can share one Redis (default "subagent-mcp"). */
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, "letters, digits, '.', '_' or '-', at most 64")
    .optional(),
  /** Path of a PEM file with the CA that signed the server's certificate (rediss:// with a private CA). */
  ca: z.string().min(1).optional(),
  /** A claimed message whose reader went silent this long is delivered to another reader (default 60). */
  claim_idle_s: z.number().positive().optional(),
});
export type MailboxConfig = z.infer<typeof MailboxConfigSchema>;

/** The environment variables that set the mailbox (each over the config files). */
export const MAILBOX_ENV = {
  url: "SUBAGENT_MCP_MAILBOX_URL",
  prefix: "SUBAGENT_MCP_MAILBOX_PREFIX", // mailbox.prefix: the prefix of our Redis keys, so that teams can share one Redis
  ca: "SUBAGENT_MCP_MAILBOX_CA", // mailbox.ca: a PEM file with the CA that signed the Redis server's certificate (rediss://)
  claim_idle_s: "SUBAGENT_MCP_MAILBOX_CLAIM_IDLE_S", // mailbox.claim_idle_s: a claimed message whose reader went silent this long goes to another reader
} as const;
