import type { Redis } from "ioredis";
import { FleetError } from "../errors.js";
import { commandStream } from "../redis/keys.js";
import { claimOnce } from "../protocol/once.js";
import { CommandSchema, type Command } from "../protocol/protocol.js";
import type { Signer } from "../protocol/sign.js";
import { streamEntries } from "../redis/streams.js";
import { errorMessage } from "@subagent-mcp/errors";

const GROUP = "node";

/** What the node's command loop needs of the node. */
export interface CommandLoopOptions {
  /** The node's connection for writes (nonce claims, acks). */
  redis: Redis;
  /** A connection of its own for the blocking read. */
  reader: Redis;
  signer: Signer;
  name: string;
  life: { closed: boolean };
  log: (line: string) => void;
  /** A command that verified, is for this node, and was never acted on before (here or anywhere). */
  run: (command: Command) => void;
  /** A command refused as unsigned, forged, stale, for another node or replayed. */
  refuse: () => void;
  /** Its stream or group was gone (Redis restarted empty) and is made again: the node says it is alive again at once. */
  recreated: () => void;
}

/** Makes the node's consumer group (and its stream), reading from the start: a command written before the group is not missed. */
export async function ensureGroup(reader: Redis, name: string): Promise<void> {
  await reader.xgroup("CREATE", commandStream(name), GROUP, "0", "MKSTREAM").catch((error: unknown) => {
    if (!String(error).includes("BUSYGROUP")) throw error;
  });
}

/**
 * Reads the node's signed command stream until it closes: commands read but not acknowledged
 * before a restart come first ("0"), then new ones (">"). Each one is opened (signature, age, bound
 * to this node) and its nonce claimed in Redis before it runs, so a replay after a restart or onto
 * another node's stream is refused. A NOGROUP (Redis restarted empty) makes the group again.
 */
export async function readCommands(options: CommandLoopOptions): Promise<void> {
  const { reader, name, life, log } = options;
  const stream = commandStream(name);
  // A function, so that a check after an await is not narrowed away by the loop's.
  const ended = (): boolean => life.closed;
  let from = "0";
  while (!ended()) {
    let read: unknown;
    try {
      read = await reader.xreadgroup("GROUP", GROUP, name, "COUNT", 64, "BLOCK", 5_000, "STREAMS", stream, from);
    } catch (error) {
      // Closing disconnects the reader, which ends the blocked read with an error.
      if (ended()) return;
      if (String(error).includes("NOGROUP")) {
        log("its command stream was gone (Redis restarted empty?): making it again");
        await ensureGroup(reader, name).then(options.recreated, (e: unknown) => {
          log(`making the command stream failed: ${String(e)}`);
        });
        from = "0";
        continue;
      }
      log(`reading commands failed: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    const entries = streamEntries(read);
    if (from === "0" && entries.length === 0) from = ">";
    for (const [id, fields] of entries) {
      if (!(await handle(options, fields))) {
        // Redis failed under the nonce claim: the command stays pending and is read again.
        from = "0";
        await new Promise((r) => setTimeout(r, 500));
        break;
      }
      await options.redis.xack(stream, GROUP, id).catch((error: unknown) => {
        log(`acknowledging a command failed: ${String(error)}`);
      });
    }
  }
}

// False when Redis could not be asked about the nonce (the command was neither run nor refused).
async function handle(options: CommandLoopOptions, fields: string[]): Promise<boolean> {
  const { redis, signer, name, log } = options;
  const refuse = (error: unknown): true => {
    options.refuse();
    log(`refused a command: ${errorMessage(error)}`);
    return true;
  };
  let body: Record<string, unknown>;
  let command: Command;
  try {
    body = signer.open(fields, name);
    command = CommandSchema.parse(body);
  } catch (error) {
    return refuse(error);
  }
  try {
    await claimOnce(redis, body, signer.window, name);
  } catch (error) {
    if (error instanceof FleetError) return refuse(error);
    signer.forget(body);
    log(`checking a command's nonce failed: ${String(error)}`);
    return false;
  }
  options.run(command);
  return true;
}
