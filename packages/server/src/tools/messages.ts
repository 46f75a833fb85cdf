import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { BROADCAST, PrioritySchema, SafeName, type Mailboxes, type Message } from "@subagent-mcp/mailbox";
import { guard, ok } from "./_shared.js";

/** The messaging tools, by name. */
export const MESSAGING_TOOLS = ["send_to", "inbox", "wait_inbox", "reply"] as const;

/** Who this server speaks for, and the mailboxes it uses. */
export interface MessagingDeps {
  mail: Mailboxes;
  /** This agent's mailbox name (SUBAGENT_MCP_AGENT_NAME, default "orchestrator"). */
  self: string;
}

const MessageOut = z.object({
  message_id: z.string(),
  from: z.string(),
  body: z.string(),
  priority: PrioritySchema,
  thread_id: z.string(),
  reply_to: z.string().optional(),
  bounce: z.boolean().optional().describe("A failure notice: the recipient gave up on the message it answers."),
  sent_at: z.string(),
});

function out(m: Message): z.infer<typeof MessageOut> {
  return { message_id: m.id, from: m.from, body: m.body, priority: m.priority, thread_id: m.threadId, ...(m.replyTo === undefined ? {} : { reply_to: m.replyTo }), ...(m.bounce === true ? { bounce: true } : {}), sent_at: new Date(m.sentAt).toISOString() };
}

function render(messages: Message[]): string {
  return messages.length === 0 ? "No messages." : messages.map((m) => `[${m.id}] from ${m.from} (${m.priority}): ${m.body}`).join("\n");
}

// Reading a message is taking it: the tools hand each message out once and acknowledge it.
function take(deps: MessagingDeps, limit: number): Message[] {
  const got = deps.mail.receive(deps.self, limit);
  for (const m of got) deps.mail.ack(deps.self, m.id);
  return got;
}

/** `send_to`, `inbox`, `wait_inbox` and `reply`: messages between agents by name. */
export function registerMessageTools(server: McpServer, deps: MessagingDeps): void {
  server.registerTool(
    "send_to",
    {
      title: "Send a message to an agent",
      description: "Send a message to another agent's mailbox by name (a worker, the orchestrator, a sub-agent). Returns at once.",
      inputSchema: { to: SafeName.or(z.literal(BROADCAST)).describe("Recipient's mailbox name (letters, digits, '.', '_', '-'), or * for every mailbox (only a high-priority broadcast wakes a worker)."), message: z.string().min(1), priority: PrioritySchema.optional().describe("low, normal (default) or high"), thread_id: z.string().optional() },
      outputSchema: { message_id: z.string(), thread_id: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(() => {
        const m = deps.mail.send({ from: deps.self, to: args.to, body: args.message, priority: args.priority ?? "normal", ...(args.thread_id === undefined ? {} : { threadId: args.thread_id }) });
        return ok({ message_id: m.id, thread_id: m.threadId }, `Sent ${m.id} to ${args.to}.`);
      }),
  );
  server.registerTool(
    "inbox",
    {
      title: "Read my inbox",
      description: `Take the waiting messages addressed to this agent (${deps.self}), high priority first. Does not block; see wait_inbox.`,
      inputSchema: { limit: z.number().int().min(1).max(100).optional() },
      outputSchema: { messages: z.array(MessageOut) },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(() => {
        const messages = take(deps, args.limit ?? 20);
        return ok({ messages: messages.map(out) }, render(messages));
      }),
  );
  server.registerTool(
    "wait_inbox",
    {
      title: "Wait for messages",
      description: `Block until a message arrives for this agent (${deps.self}) or timeout_s passes (default 45), then take the waiting messages.`,
      inputSchema: { timeout_s: z.number().positive().max(600).optional(), limit: z.number().int().min(1).max(100).optional() },
      outputSchema: { messages: z.array(MessageOut), timed_out: z.boolean() },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) =>
      guard(async () => {
        const arrived = await deps.mail.wait(deps.self, (args.timeout_s ?? 45) * 1000, extra.signal);
        const messages = arrived ? take(deps, args.limit ?? 20) : [];
        return ok({ messages: messages.map(out), timed_out: !arrived }, arrived ? render(messages) : "No message before the deadline; call wait_inbox again.");
      }),
  );
  server.registerTool(
    "reply",
    {
      title: "Reply to a message",
      description: "Answer a message you received: goes to its sender, in the same thread.",
      inputSchema: { message_id: SafeName, to: SafeName.describe("The sender (the `from` of the message)."), message: z.string().min(1), thread_id: z.string().optional().describe("The message's thread_id, to keep the thread.") },
      outputSchema: { message_id: z.string(), thread_id: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args) =>
      guard(() => {
        const m = deps.mail.send({ from: deps.self, to: args.to, body: args.message, priority: "normal", replyTo: args.message_id, threadId: args.thread_id ?? args.message_id });
        return ok({ message_id: m.id, thread_id: m.threadId }, `Replied to ${args.to} (${m.id}).`);
      }),
  );
}
