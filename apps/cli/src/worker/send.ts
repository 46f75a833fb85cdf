import { setTimeout as sleep } from "node:timers/promises";
import { BROADCAST, isRetryable, PrioritySchema, SafeName, SHARED_INBOX, type MailboxStore, type Message } from "@subagent-mcp/mailbox";
import { defineCommand } from "citty";
import { fail } from "../fail.js";
import { cliContext } from "../context.js";
import { mailOf, openMail, type MailPlace } from "./mailstore.js";
import { errorMessage } from "@subagent-mcp/errors";
import { receiptLine } from "@subagent-mcp/contract";

/** `subagent-mcp send NAME "text" [--wait]`: a message to an agent's mailbox, for people and scripts. */
export const sendCommand = defineCommand({
  meta: { name: "send", description: "Send a message to an agent's mailbox (a worker, the orchestrator); --wait prints the reply." },
  args: {
    name: { type: "positional", description: "Recipient's mailbox name, or * for every mailbox", required: true },
    text: { type: "positional", description: "The message", required: true },
    from: { type: "string", description: "Your mailbox name (default: shell)" },
    priority: { type: "string", description: "low, normal (default) or high" },
    wait: { type: "boolean", description: "Wait for the reply and print it (a worker's with its turn's receipt line on stderr)" },
    json: { type: "boolean", description: "With --wait: print the reply as JSON (id, from, thread_id, body, and a worker's turn receipt)" },
    timeout: { type: "string", description: "Seconds to wait for the reply (default 600)" },
  },
  async run({ args }) {
    const priority = PrioritySchema.safeParse(args.priority ?? "normal");
    if (!priority.success) fail("--priority must be low, normal or high");
    // The sender is where replies go: a name that is not a mailbox would take a worker's turn and then fail its reply.
    const sender = SafeName.safeParse(args.from ?? "shell");
    if (!sender.success) fail(`--from: ${sender.error.issues[0]?.message ?? "invalid"} (got "${args.from ?? ""}")`);
    const from = sender.data;
    const to = args.name === BROADCAST ? undefined : SafeName.safeParse(args.name);
    if (to?.success === false) fail(`cannot send to "${args.name}": ${to.error.issues[0]?.message ?? "invalid"}`);
    if (args.wait && args.name === BROADCAST) fail("--wait needs one recipient, not a broadcast");
    const timeoutS = Number(args.timeout ?? 600);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0) fail(`--timeout must be a number of seconds above 0 (got "${args.timeout ?? ""}")`);
    const place = mailOf(cliContext());
    const mail = await openMail(place);
    let sent;
    try {
      // A typo would otherwise leave the message waiting forever in a mailbox nobody reads.
      const known = args.name === BROADCAST || (await mail.names()).includes(args.name);
      sent = await mail.send({ from, to: args.name, body: args.text, priority: priority.data });
      if (!known) process.stderr.write(`subagent-mcp: note: nobody has used the mailbox "${args.name}" yet; the message waits there until someone reads it\n`);
      else if (args.name !== BROADCAST && !(await workerAlive(place, args.name)))
        process.stderr.write(
          `subagent-mcp: note: no worker named "${args.name}" is running (${place.root === undefined ? "on any machine" : "on this machine"}; subagent-mcp workers lists them); the message waits in its mailbox\n`,
        );
    } catch (error) {
      // Not confirmed is not sent: the sender hears so, and nothing is retried behind its back.
      fail(`cannot send to "${args.name}": ${errorMessage(error).split("\n")[0] ?? ""}`, 1);
    }
    if (!args.wait) {
      process.stdout.write(`${sent.id}\n`);
      await mail.close();
      return;
    }
    const reply = await replyTo(mail, from, sent, args.name, timeoutS * 1000);
    await mail.close();
    if (reply === undefined) fail(`no reply from ${args.name} within ${timeoutS} s`, 1);
    if (reply.bounce === true) fail(reply.body, 1);
    if (args.json) {
      const out = {
        id: reply.id,
        from: reply.from,
        thread_id: reply.threadId,
        body: reply.body,
        ...(reply.receipt === undefined ? {} : { receipt: reply.receipt }),
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    // The answer alone on stdout (scripts read it); what the worker's turn did beside it, for the person.
    process.stdout.write(`${reply.body}\n`);
    if (reply.receipt !== undefined) process.stderr.write(`${receiptLine(reply.receipt)}\n`);
  },
});

/**
 * The reply to `sent` in `from`'s mailbox, taken, or undefined at the deadline: a message from the
 * recipient (for the shared inbox, from a session reading it) that answers `sent` or is in its
 * thread; another mailbox's message naming it is not the recipient's answer. Other messages to
 * `from` stay in the mailbox, unclaimed. A store out of reach for a while (a Redis restart) is waited out.
 */
async function replyTo(mail: MailboxStore, from: string, sent: Message, to: string, timeoutMs: number): Promise<Message | undefined> {
  const deadline = Date.now() + timeoutMs;
  const fromRecipient = (m: Message): boolean => m.from === to || (to === SHARED_INBOX && m.from.startsWith(`${SHARED_INBOX}-`));
  const isReply = (m: Message): boolean => fromRecipient(m) && (m.replyTo === sent.id || m.threadId === sent.threadId);
  while (Date.now() < deadline) {
    try {
      const [reply] = await mail.receive(from, 1, isReply);
      if (reply !== undefined) {
        await mail.ack(from, reply.id);
        return reply;
      }
      await mail.wait(from, deadline - Date.now(), undefined, isReply);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      await sleep(500);
    }
  }
  return undefined;
}

// Whether a worker reads `name` now; a registry that cannot be asked counts as "yes" (no false alarm).
async function workerAlive(place: MailPlace, name: string): Promise<boolean> {
  const presence = await place.presence().catch(() => undefined);
  try {
    return (await presence?.alive(name)) ?? true;
  } catch {
    return true;
  } finally {
    await presence?.close();
  }
}
