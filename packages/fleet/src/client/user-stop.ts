import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { commandStream, STREAM_MAXLEN } from "../redis/keys.js";
import { replyStream, StopReplySchema, type StopReply } from "../protocol/protocol.js";
import { liveNodes } from "../redis/registry.js";
import type { Signer } from "../protocol/sign.js";
import { streamEntries } from "../redis/streams.js";

/** What the user's stop heard from the fleet: each live node's answer, and the nodes that did not answer in time. */
export interface FleetStop {
  replies: StopReply[];
  silent: string[];
}

/**
 * The user's stop on every live node of the fleet: a signed, single-use stop command to each (its
 * `agents`, or all of theirs), then their answers read from a reply stream of this call's own
 * (a blocking read, no polling) until every node answered or `withinMs` passed. An answer not
 * signed under the fleet key, or meant for another reply, is ignored.
 */
export async function stopOnFleet(redis: Redis, signer: Signer, agents?: readonly string[], withinMs = 1_500): Promise<FleetStop> {
  const deadline = Date.now() + withinMs;
  const nodes = (await liveNodes(redis, signer)).map((n) => n.name);
  if (nodes.length === 0) return { replies: [], silent: [] };
  const reply = randomUUID();
  const stream = replyStream(reply);
  const body = { kind: "stop", reply, ...(agents === undefined ? {} : { agents: [...agents] }) };
  // Each bound to its node: copied onto another node's stream, it is refused there.
  await Promise.all(nodes.map((node) => redis.xadd(commandStream(node), "MAXLEN", "~", STREAM_MAXLEN, "*", ...signer.seal(body, node))));
  const replies = new Map<string, StopReply>();
  let from = "0";
  try {
    for (let left = deadline - Date.now(); replies.size < nodes.length && left > 0; left = deadline - Date.now()) {
      const read = await redis.xread("COUNT", 64, "BLOCK", Math.max(1, Math.ceil(left)), "STREAMS", stream, from);
      for (const [id, fields] of streamEntries(read)) {
        from = id;
        const answer = opened(signer, fields, reply);
        if (answer !== undefined && nodes.includes(answer.node)) replies.set(answer.node, answer);
      }
    }
  } finally {
    await redis.del(stream).catch(() => undefined);
  }
  return { replies: [...replies.values()], silent: nodes.filter((n) => !replies.has(n)) };
}

function opened(signer: Signer, fields: string[], reply: string): StopReply | undefined {
  try {
    return StopReplySchema.parse(signer.open(fields, reply));
  } catch {
    return undefined;
  }
}
