import { objectOf } from "../answers/schemas.js";

import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { BROADCAST, PrioritySchema, SafeName, type Message } from "@subagent-mcp/mailbox";
import type { RequestId } from "@modelcontextprotocol/sdk/types.js";
import type { ToolDeps } from "../deps.js";
import { ServerError } from "../errors.js";
import { jsonChars, sliceToFit } from "@subagent-mcp/mcp-transport";
import { guard, ok } from "../answers/result.js";
import { errorMessage } from "@subagent-mcp/errors";
import { MESSAGING_TOOLS, definedFields } from "@subagent-mcp/contract";

export { MESSAGING_TOOLS };

/**
 * The messaging tools a sub-agent's deny and ask rules name on its own messaging server
 * (`server`, in Claude Code's `mcp__<server>__<tool>` naming; the server alone or `__*`: all of
 * them). Our server withholds them itself rather than trusting each CLI to hide them: Codex, for
 * one, still runs a tool its `disabled_tools` names once a tool search has found it.
 */
export function withheldMessaging(rules: { deny?: string[]; ask?: string[] } | undefined, server: string): string[] {
  const out = new Set<string>();
  for (const rule of [...(rules?.deny ?? []), ...(rules?.ask ?? [])]) {
    const match = /^mcp__([\w-]+?)(?:__([\w-]+|\*))?$/.exec(rule.trim());
    if (match?.[1] !== server) continue;
    const tool = match[2];
    for (const t of MESSAGING_TOOLS) if (tool === undefined || tool === "*" || tool === t) out.add(t);
  }
  return [...out];
}

/** What the messaging tools use of a server that speaks for a mailbox (a node's own server for its agents has only these). */
export type MessagingDeps = Pick<ToolDeps, "delivery" | "maxResultChars"> & { messaging: NonNullable<ToolDeps["messaging"]> };

const MessageOut = z.object({
  message_id: z.string(),
  from: z.string(),
  body: z.string(),
  priority: PrioritySchema,
  thread_id: z.string(),
  reply_to: z.string().optional(),
  bounce: z.boolean().optional().describe("A failure notice: the recipient gave up on the message it answers."),
  sent_at: z.string(),
  body_chars: z.number().optional().describe("Set when body is one part of a longer message: the whole body's length."),
  next_offset: z
    .number()
    .optional()
    .describe("Where the next part starts (inbox with message_id and offset); the message stays in the mailbox until its last part is read."),
});

// What send_to and reply answer: the message sent, and its thread.
const SentOut = { message_id: z.string(), thread_id: z.string() };
const sent = (m: Message, text: string): ReturnType<typeof ok> => ok({ message_id: m.id, thread_id: m.threadId }, text);

const MoreWaiting = z.number().optional().describe("Messages left waiting because they did not fit this answer: call inbox again.");

function out(m: Message): z.infer<typeof MessageOut> {
  return {
    message_id: m.id,
    from: m.from,
    body: m.body,
    priority: m.priority,
    thread_id: m.threadId,
    ...definedFields({ reply_to: m.replyTo }),
    ...(m.bounce === true ? { bounce: true } : {}),
    sent_at: new Date(m.sentAt).toISOString(),
  };
}

function render(messages: Message[]): string {
  return messages.length === 0 ? "No messages." : messages.map((m) => `[${m.id}] from ${m.from} (${m.priority}): ${m.body}`).join("\n");
}

/** The request a handler answers: its answer's delivery decides whether what it took is acknowledged. */
interface Answering {
  requestId: RequestId;
  signal: AbortSignal;
}

/** What one inbox answer hands out: whole messages, or one part of a message too long for any answer. */
interface Taken {
  messages: Message[];
  part?: { message: Message; body: string; offset: number };
  /** Messages left waiting because they did not fit this answer. */
  more: number;
}

// Room for message bodies in one answer: each body goes out twice (structured content and text).
const room = (deps: MessagingDeps): number => Math.floor((deps.maxResultChars - 2_000) / 2);
const cost = (m: Message): number => jsonChars(m.body) + 400;

/**
 * Reading a message is taking it. Waiting messages are handed out in delivery order as far as they
 * fit the result cap (the rest stay waiting); one that is too long for any answer is handed out in
 * parts by `inbox {message_id, offset}` and taken with its last part. A taken message is
 * acknowledged once the answer carrying it was sent, and goes back to the mailbox if it was not.
 */
async function take(deps: MessagingDeps, limit: number, answering: Answering): Promise<Taken> {
  const { mail, self } = deps.messaging;
  const waiting = await mail.peek(self);
  const chosen = new Set<string>();
  let used = 0;
  for (const m of waiting) {
    if (chosen.size >= limit || used + cost(m) > room(deps)) break;
    chosen.add(m.id);
    used += cost(m);
  }
  const first = waiting[0];
  if (chosen.size === 0 && first !== undefined) return partOf(deps, first, 0, answering, waiting.length - 1);
  const messages = await mail.receive(self, limit, (m) => chosen.has(m.id));
  settleAfterSending(deps, messages, answering);
  return { messages, more: waiting.length - messages.length };
}

/** One part of a waiting message from `offset`; the last part takes the message. */
async function partOf(deps: MessagingDeps, message: Message, offset: number, answering: Answering, more: number): Promise<Taken> {
  const { mail, self } = deps.messaging;
  if (offset > message.body.length)
    throw new ServerError("INVALID_ARGUMENT", `offset ${offset} is past the end of message ${message.id} (${message.body.length} characters)`);
  const body = sliceToFit(message.body, offset, room(deps) - 400);
  if (offset + body.length < message.body.length) return { messages: [], part: { message, body, offset }, more };
  const taken = await mail.receive(self, 1, (m) => m.id === message.id);
  if (taken.length === 0) throw new ServerError("INVALID_ARGUMENT", `message ${message.id} was taken by another reader meanwhile`);
  settleAfterSending(deps, taken, answering);
  return { messages: [], part: { message, body, offset }, more };
}

function settleAfterSending(deps: MessagingDeps, taken: Message[], answering: Answering): void {
  const { mail, self } = deps.messaging;
  // After the answer went out nobody awaits these: a failure is said on stderr (an unacknowledged message is delivered again).
  const each = (what: string, act: (m: Message) => Promise<unknown>): void => {
    for (const m of taken) {
      act(m).catch((error: unknown) => {
        process.stderr.write(`subagent-mcp: could not ${what} message ${m.id} in ${self}'s mailbox: ${errorMessage(error)}\n`);
      });
    }
  };
  const ack = (): void => {
    each("acknowledge", (m) => mail.ack(self, m.id));
  };
  if (taken.length === 0) return;
  deps.delivery.expect(answering.requestId, answering.signal, {
    delivered: ack,
    // A failed write counts as an attempt (a message that can never be delivered ends in dead letters); a cancelled call does not.
    undelivered: (why) => {
      each("release", (m) => mail.release(self, m.id, { count: why === "failed" }));
    },
  });
}

/** The answer of inbox and wait_inbox. */
function answer(taken: Taken, extra: Record<string, unknown> = {}): ReturnType<typeof ok> {
  const messages = taken.messages.map(out);
  const lines = [render(taken.messages)];
  if (taken.part !== undefined) {
    const { message, body, offset } = taken.part;
    const end = offset + body.length;
    const last = end >= message.body.length;
    messages.push({ ...out(message), body, body_chars: message.body.length, ...(last ? {} : { next_offset: end }) });
    lines[0] = `[${message.id}] from ${message.from} (${message.priority}), characters ${offset}-${end} of ${message.body.length}: ${body}`;
    if (!last)
      lines.push(
        `Message ${message.id} is longer than one answer: read on with inbox {"message_id": "${message.id}", "offset": ${end}}; it stays in your mailbox until its last part is read.`,
      );
  }
  if (taken.more > 0) lines.push(`${taken.more} more message(s) waiting: call inbox again.`);
  return ok({ messages, ...(taken.more > 0 ? { more_waiting: taken.more } : {}), ...extra }, lines.join("\n"));
}

/** `send_to`, `inbox`, `wait_inbox` and `reply`: messages between agents by name. */
export function registerMessageTools(server: McpServer, deps: MessagingDeps, withhold: readonly string[] = []): void {
  const { mail, self } = deps.messaging;
  // Tools a deny or ask rule of the agent names (see withheldMessaging): not offered, so no CLI can call them.
  const skip = new Set(withhold);
  // Offered in this order: send_to, inbox, wait_inbox, reply.
  if (!skip.has("send_to")) registerSendTo(server, mail, self);
  registerReadTools(server, deps, skip);
  if (!skip.has("reply")) registerReply(server, mail, self);
}

type Mail = MessagingDeps["messaging"]["mail"];

function registerSendTo(server: McpServer, mail: Mail, self: string): void {
  server.registerTool(
    "send_to",
    {
      title: "Send a message to an agent",
      description: "Send a message to another agent's mailbox by name (a worker, the orchestrator, a sub-agent). Returns at once.",
      inputSchema: {
        to: SafeName.or(z.literal(BROADCAST)).describe(
          "Recipient's mailbox name (letters, digits, '.', '_', '-'), or * for every mailbox (only a high-priority broadcast wakes a worker).",
        ),
        message: z.string().min(1),
        priority: PrioritySchema.optional().describe("low, normal (default) or high"),
        thread_id: z.string().optional(),
      },
      outputSchema: objectOf(SentOut),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const priority = args.priority ?? "normal";
        const m = await mail.send({
          from: self,
          to: args.to,
          body: args.message,
          priority,
          ...definedFields({ threadId: args.thread_id }),
        });
        return sent(m, `Sent ${m.id} to ${args.to}.`);
      }),
  );
}

function registerReply(server: McpServer, mail: Mail, self: string): void {
  server.registerTool(
    "reply",
    {
      title: "Reply to a message",
      description: "Answer a message you received: goes to its sender, in the same thread.",
      inputSchema: {
        message_id: SafeName,
        to: SafeName.describe("The sender (the `from` of the message)."),
        message: z.string().min(1),
        thread_id: z.string().optional().describe("The message's thread_id, to keep the thread."),
      },
      outputSchema: objectOf(SentOut),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(async () => {
        const thread = args.thread_id ?? args.message_id;
        const m = await mail.send({ from: self, to: args.to, body: args.message, priority: "normal", replyTo: args.message_id, threadId: thread });
        return sent(m, `Replied to ${args.to} (${m.id}).`);
      }),
  );
}

// inbox and wait_inbox.
function registerReadTools(server: McpServer, deps: MessagingDeps, skip: Set<string>): void {
  const { mail, self } = deps.messaging;
  if (!skip.has("inbox"))
    server.registerTool(
      "inbox",
      {
        title: "Read my inbox",
        description: `Take the waiting messages addressed to this agent (${self}), high priority first, as many as fit one answer. Does not block; see wait_inbox.`,
        inputSchema: {
          limit: z.number().int().min(1).max(100).optional(),
          message_id: SafeName.optional().describe("Read a message too long for one answer, part by part (with offset)."),
          offset: z.number().int().min(0).optional().describe("With message_id: the next_offset of the previous part."),
        },
        outputSchema: { messages: z.array(MessageOut), more_waiting: MoreWaiting },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      (args, extra) =>
        guard(async () => {
          if (args.message_id === undefined) return answer(await take(deps, args.limit ?? 20, extra));
          const message = (await mail.peek(self)).find((m) => m.id === args.message_id);
          if (message === undefined)
            throw new ServerError("INVALID_ARGUMENT", `message ${args.message_id} is not waiting in ${self}'s mailbox (taken already?)`);
          return answer(await partOf(deps, message, args.offset ?? 0, extra, 0));
        }),
    );
  if (!skip.has("wait_inbox"))
    server.registerTool(
      "wait_inbox",
      {
        title: "Wait for messages",
        description: `Block until a message arrives for this agent (${self}) or timeout_s passes (default 45), then take the waiting messages.`,
        inputSchema: { timeout_s: z.number().positive().max(600).optional(), limit: z.number().int().min(1).max(100).optional() },
        outputSchema: { messages: z.array(MessageOut), more_waiting: MoreWaiting, timed_out: z.boolean() },
        annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
      },
      (args, extra) =>
        guard(async () => {
          const arrived = await mail.wait(self, (args.timeout_s ?? 45) * 1000, extra.signal);
          if (!arrived) return ok({ messages: [], timed_out: true }, "No message before the deadline; call wait_inbox again.");
          return answer(await take(deps, args.limit ?? 20, extra), { timed_out: false });
        }),
    );
}
