import { readFileSync, statSync } from "node:fs";
import { MAILBOX_ENV, type MailboxConfig } from "@subagent-mcp/mailbox/config";
import { configDir, configLayout } from "@subagent-mcp/state";
import type { CliContext } from "../context.js";
import type { Signer } from "@subagent-mcp/fleet";
import type { Connection } from "@subagent-mcp/mailbox-redis";
import { definedFields, FLEET_KEY_ENV } from "@subagent-mcp/contract";

/** Where the fleet key lives: $XDG_CONFIG_HOME/subagent-mcp/fleet.key (one line, 0600). */
export function fleetKeyPath(ctx: CliContext): string {
  return configLayout(configDir(ctx)).fleetKey;
}

/**
 * The key every orchestrator and node of a fleet shares: each command and event is signed with it,
 * so that writing to the Redis is not enough to run an agent. Only the key file's first line:
 * never the environment, which the sub-agents a process starts can read (/proc/PID/environ).
 * Undefined when there is no such file.
 */
export function fleetKey(ctx: CliContext): string | undefined {
  try {
    return readFileSync(fleetKeyPath(ctx), "utf8").split("\n")[0]?.trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * What this process's environment holds that lets a launch run (the fleet key, a Redis URL with its
 * password), each as the sentence that says where it goes instead: a same-user sub-agent can read
 * the environment of every process of ours (/proc/PID/environ), and a process cannot erase it.
 */
export function secretsInEnv(ctx: CliContext): string[] {
  const out: string[] = [];
  if ((ctx.env[FLEET_KEY_ENV] ?? "") !== "")
    out.push(
      `${FLEET_KEY_ENV} is set in the environment, where sub-agents can read it (/proc/PID/environ): write the key to ${fleetKeyPath(ctx)} (chmod 600) and unset ${FLEET_KEY_ENV}`,
    );
  if (hasPassword(ctx.env[MAILBOX_ENV.url]))
    out.push(
      `${MAILBOX_ENV.url} carries a password, in the environment where sub-agents can read it (/proc/PID/environ): put the URL in ${configLayout(configDir(ctx)).config} as "mailbox": {"url": …} (chmod 600) and unset ${MAILBOX_ENV.url}`,
    );
  return out;
}

function hasPassword(url: string | undefined): boolean {
  if (url === undefined || url === "") return false;
  try {
    return new URL(url).password !== "";
  } catch {
    return /:[^/@]*@/.test(url);
  }
}

/** What connecting to the fleet needs that is missing, as the one sentence a user needs; undefined when nothing is. */
export function fleetMissing(ctx: CliContext, mailbox: MailboxConfig | undefined): string | undefined {
  if ((ctx.env[FLEET_KEY_ENV] ?? "") !== "") return secretsInEnv(ctx)[0];
  if (mailbox?.url === undefined)
    return `the fleet runs on the Redis the mailboxes share: set mailbox.url in ${configLayout(configDir(ctx)).config} to the same redis:// URL on every machine`;
  const path = fleetKeyPath(ctx);
  if (fleetKey(ctx) === undefined) return `the fleet needs a key shared by every machine (at least 16 characters): write it to ${path} (chmod 600)`;
  if ((statSync(path).mode & 0o077) !== 0) return `the fleet key file ${path} may be read by others: chmod 600 ${path}`;
  return undefined;
}

/** The shared Redis, where it is (host:port, for messages), and the signer made from the fleet key. */
export interface FleetConnection {
  redis: Connection["redis"];
  where: string;
  signer: Signer;
}

/** A connection to the fleet: the Redis, and the signer made from the key. Throws with {@link fleetMissing}'s sentence. */
export async function fleetConnection(ctx: CliContext, mailbox: MailboxConfig | undefined): Promise<FleetConnection> {
  const missing = fleetMissing(ctx, mailbox);
  if (missing !== undefined) throw new Error(missing);
  const { connectRedis } = await import("@subagent-mcp/mailbox-redis");
  const { Signer } = await import("@subagent-mcp/fleet");
  const signer = new Signer(fleetKey(ctx) as string);
  const ca = mailbox?.ca === undefined ? undefined : readFileSync(mailbox.ca);
  const { redis, where } = await connectRedis({ url: mailbox?.url as string, ...definedFields({ ca }) });
  return { redis, where, signer };
}
