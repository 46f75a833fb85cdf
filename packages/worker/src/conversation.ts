import type { Message } from "@subagent-mcp/mailbox";

/** Messages answered by one turn: one sender's messages in one thread, plus broadcasts riding along. */
export interface Conversation {
  messages: Message[];
  /** Who gets the turn's answer automatically (absent: nobody, e.g. only broadcasts or automatic replies). */
  replyTo?: Message;
}

/**
 * Splits a claimed batch into conversations, in the batch's order (high priority first). Low and
 * normal broadcasts never get a turn of their own: they ride along with the first conversation
 * (the cost guard). Broadcasts and automatic replies are never answered automatically: a broadcast
 * answered by every worker is a storm, and two workers answering each other's answers never stop.
 */
export function conversations(batch: Message[]): Conversation[] {
  const groups = new Map<string, Message[]>();
  for (const m of batch) {
    const key = m.broadcast === true ? "\0broadcast" : `${m.from}\0${m.threadId}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  const broadcasts = groups.get("\0broadcast") ?? [];
  groups.delete("\0broadcast");
  const out = [...groups.values()].map((messages): Conversation => {
    const answerable = messages.filter((m) => m.auto !== true);
    const last = answerable.at(-1);
    return last === undefined ? { messages } : { messages, replyTo: last };
  });
  const [first] = out;
  if (first === undefined) return broadcasts.length === 0 ? [] : [{ messages: broadcasts }];
  first.messages.push(...broadcasts);
  return out;
}

function header(m: Message): string {
  const tags = [m.priority, `thread ${m.threadId}`];
  if (m.replyTo !== undefined) tags.push(`answers ${m.replyTo}`);
  if (m.broadcast === true) tags.push("broadcast");
  if (m.auto === true) tags.push("automatic reply");
  if (m.attempts > 0) tags.push(`delivery ${m.attempts + 1}`);
  return `[message ${m.id}] from ${m.from} (${tags.join(", ")}):`;
}

/** The user turn for one conversation: the messages, and where the answer goes. */
export function renderTurn(self: string, conversation: Conversation): string {
  const body = conversation.messages.map((m) => `${header(m)}\n${m.body}`).join("\n\n");
  const where =
    conversation.replyTo === undefined
      ? "Your answer is not sent anywhere automatically; use the send_to or reply tools if someone should hear from you."
      : `Your answer (the final text of this turn) is sent automatically to ${conversation.replyTo.from} in thread ${conversation.replyTo.threadId}. Use the send_to tool to message other agents.`;
  return `You are the worker "${self}". New messages in your mailbox:\n\n${body}\n\n${where}`;
}
