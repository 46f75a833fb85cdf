import { join } from "node:path";

import type { MailboxStore, Registration } from "@subagent-mcp/mailbox";
import type { MailboxConfig } from "@subagent-mcp/mailbox/config";
import type { TurnLog } from "@subagent-mcp/contract";
import type { CliContext } from "../context.js";
import { fail } from "../fail.js";
import { mailPlace, openMail, type MailOptions } from "./mailstore.js";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

/** A worker's side of the mail: its store, where it is, and its presence entry. */
export interface WorkerMail {
  store: MailboxStore;
  /** For the start-up line and --print: a Maildir directory or Redis's address, and the mailbox. */
  where: string;
  /** With Redis: how often claims of a same-named worker that died on another machine are taken over. */
  recoverEveryMs?: number;
  /** Records a turn in the presence entry. */
  onTurn(entry: TurnLog): void;
  /** Leaves: removes the presence entry and closes the connections. */
  close(): Promise<void>;
}

/**
 * Opens the worker's mailbox (Redis or Maildir, as configured) and, unless `register` is false
 * (--print), makes it present: `subagent-mcp workers` lists it, on every machine sharing the Redis,
 * until it stops (or, killed, until its heartbeat expires).
 */
export async function workerMail(
  ctx: CliContext,
  mailbox: MailboxConfig | undefined,
  entry: { name: string; provider: string; model?: string },
  options: MailOptions & { register: boolean; say: (line: string) => void },
): Promise<WorkerMail> {
  const place = mailPlace(ctx, mailbox);
  const store = await openMail(place, options);
  const where = place.root === undefined ? `${place.where}, mailbox ${entry.name}` : join(place.root, entry.name);
  let registration: Registration | undefined;
  const presence = options.register
    ? await place.presence().catch((error: unknown) => fail(`presence (${place.where}): ${errorMessage(error)}`, 1))
    : undefined;
  if (presence !== undefined) {
    let warned = false;
    registration = await presence.register(
      { name: entry.name, provider: entry.provider, ...definedFields({ model: entry.model }) },
      {
        // One line when the heartbeat first fails (Redis down); the entry comes back with the next refresh.
        onError: (error) => {
          if (!warned) options.say(`presence not refreshed: ${errorMessage(error)}`);
          warned = true;
        },
      },
    );
  }
  const claimIdle = mailbox?.claim_idle_s ?? 60;
  return {
    store,
    where,
    ...(place.root === undefined ? { recoverEveryMs: claimIdle * 1000 } : {}),
    onTurn: (turn) => {
      registration?.turn(new Date(Date.parse(turn.at) + turn.latencyMs)).catch(() => undefined);
    },
    close: async () => {
      await registration?.stop().catch(() => undefined);
      await presence?.close();
      await store.close();
    },
  };
}
