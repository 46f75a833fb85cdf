import type { Redis } from "ioredis";
import type { NodeAgents } from "./node-agents.js";
import { agentIdOf, replyStream, type Command, type Report, type StopReply } from "../protocol/protocol.js";
import type { Signer } from "../protocol/sign.js";

type Launch = Extract<Command, { kind: "launch" }>;
type Stop = Extract<Command, { kind: "stop" }>;
type Ours = Pick<Launch, "spec" | "id">;

/** How long a node waits for the stopped CLIs to end before it answers (the user's `stop` waits 1.5 s at most for every node). */
const ANSWER_WITHIN_MS = 1_000;
/** How long an answer waits to be read: the `stop` that asked reads it at once, or is gone. */
const REPLY_TTL_MS = 60_000;

/** What the user's stop needs of the node. */
export interface UserStopOptions {
  redis: Redis;
  signer: Signer;
  name: string;
  agents: NodeAgents;
  /** Takes the queued launches it picks out of the queue (each owner told of the user's stop, then its exit). */
  unqueue: (which: (launch: Launch) => boolean) => Launch[];
  report: (owner: string, body: Report) => void;
  log: (line: string) => void;
}

/**
 * The user's stop on this node: the agents it names (by the node's id or their orchestrator's; all
 * when it names none, whoever launched them) are killed with their process trees and their queued
 * launches dropped. Each orchestrator hears that it was the user's stop before the exit, so it
 * journals it so; the `stop` that asked is answered, signed to it, on its reply stream.
 */
export async function stopByUser(o: UserStopOptions, command: Stop): Promise<void> {
  const wanted = command.agents === undefined ? undefined : new Set(command.agents);
  // Our id of it: the one its launch named, else the last of its lineage.
  const ours = (launched: Ours): string | undefined => launched.id ?? agentIdOf(launched.spec);
  const picked = (agent: string, launched: Ours): boolean => wanted === undefined || wanted.has(agent) || wanted.has(ours(launched) ?? "");
  const row = (agent: string, launched: Ours, provider: string): StopReply["stopped"][number] => {
    const id = ours(launched);
    return id === undefined ? { agent, provider } : { agent, id, provider };
  };
  const stopped = o.unqueue((launch) => picked(launch.agent, launch)).map((l) => row(l.agent, l, l.provider));
  const kills: Promise<void>[] = [];
  for (const [agent, hosted] of o.agents.hosted) {
    if (!picked(agent, hosted.record)) continue;
    stopped.push(row(agent, hosted.record, hosted.provider));
    // Before its exit, on the same ordered stream: the orchestrator marks it as the user's stop first.
    o.report(hosted.owner, { kind: "stopped", agent, node: o.name, by: "user" });
    kills.push(hosted.ready.then(() => hosted.session?.kill()).catch(() => undefined));
  }
  o.log(`the user's stop: ${stopped.length === 0 ? "no agent to stop" : stopped.map((s) => s.agent).join(", ")}`);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(kills), new Promise((r) => (timer = setTimeout(r, ANSWER_WITHIN_MS)))]);
  clearTimeout(timer);
  const reply: StopReply = { node: o.name, stopped };
  const stream = replyStream(command.reply);
  await o.redis
    .multi()
    .xadd(stream, "*", ...o.signer.seal(reply, command.reply))
    .pexpire(stream, REPLY_TTL_MS)
    .exec();
}
