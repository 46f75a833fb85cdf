// spend_caps summed over a fleet: with `mailbox.url` set, every server and worker also adds its
// finished turns to the Redis stream `<prefix>:spend`, and servers count the other machines' turns
// read from it. A machine is this hostname and state folder (two state folders on one host are two
// machines: each counts its own ledger and the other's entries). The Redis client loads only then.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import type { MailboxConfig } from "@subagent-mcp/mailbox/config";
import { spendEntry, SpendTally, type LedgerEntry, type SharedSpend, type SpendEntry } from "@subagent-mcp/usage";
import { errorMessage } from "@subagent-mcp/errors";
import type { SpendStream, SpendStreamOptions } from "@subagent-mcp/mailbox-redis";

/** A fleet's shared spending as this process sees it, with its connections' end. */
export interface FleetSpend extends SharedSpend {
  close(): Promise<void>;
}

/** This machine's id in the fleet's spend stream: its hostname and state folder. */
export function spendMachine(stateDir: string): string {
  return `${hostname()}:${stateDir}`;
}

const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

// The stream's options (throws when the CA file cannot be read).
function streamOptions(stateDir: string, mailbox: MailboxConfig & { url: string }, follow: boolean): SpendStreamOptions<LedgerEntry> {
  return {
    url: mailbox.url,
    prefix: mailbox.prefix ?? "subagent-mcp",
    machine: spendMachine(stateDir),
    parse: spendEntry,
    follow,
    say,
    ...(mailbox.ca === undefined ? {} : { ca: readFileSync(mailbox.ca) }),
  };
}

/**
 * The fleet's spend stream when the config has a shared Redis (`mailbox.url`), else undefined.
 * `follow`: also read the other machines' turns (a server); a worker only adds its own. It connects
 * in the background: a Redis that is down delays nothing, and stderr says why once.
 */
export function fleetSpend(stateDir: string, mailbox: MailboxConfig | undefined, follow: boolean): FleetSpend | undefined {
  const url = mailbox?.url;
  if (mailbox === undefined || url === undefined) return undefined;
  type Stream = SpendStream<LedgerEntry>;
  let stream: Stream | undefined;
  // Turns that end before the client has loaded (a few milliseconds at most).
  const early: SpendEntry[] = [];
  let gone = false;
  // The other machines' turns summed as the stream reads them in, so that a cap check is a sum of day tallies.
  const tally = new SpendTally();
  const tallied = (json: string): LedgerEntry | undefined => {
    const entry = spendEntry(json);
    if (entry !== undefined) tally.add(entry);
    return entry;
  };
  const opened: Promise<Stream | undefined> = import("@subagent-mcp/mailbox-redis")
    .then(({ SpendStream }) => {
      stream = SpendStream.open({ ...streamOptions(stateDir, { ...mailbox, url }, follow), parse: tallied });
      for (const entry of early.splice(0)) stream.record(entry);
      return stream;
    })
    .catch((error: unknown) => {
      gone = true;
      early.length = 0;
      say(`subagent-mcp: spend caps: the fleet's spend stream cannot be used (${errorMessage(error)}); caps count this machine's spend ledger only`);
      return undefined;
    });
  return {
    record: (entry) => {
      if (stream !== undefined) stream.record(entry);
      else if (!gone) early.push(entry);
    },
    entries: (now) => stream?.entries(now) ?? [],
    tally: (now) => tally.prune(now ?? Date.now()),
    ready: async () => {
      await (await opened)?.ready();
    },
    close: async () => {
      await (await opened)?.close();
    },
  };
}

/** The other machines' turns, read once (`usage --caps`, `route`); none, said on stderr, when Redis cannot be reached. */
export async function fleetSpendOnce(stateDir: string, mailbox: MailboxConfig | undefined): Promise<LedgerEntry[]> {
  const url = mailbox?.url;
  if (mailbox === undefined || url === undefined) return [];
  try {
    const { SpendStream } = await import("@subagent-mcp/mailbox-redis");
    return await SpendStream.read(streamOptions(stateDir, { ...mailbox, url }, false));
  } catch (error) {
    say(`subagent-mcp: spend caps: the other machines' turns cannot be read (${errorMessage(error)}); this machine's spend ledger only`);
    return [];
  }
}
