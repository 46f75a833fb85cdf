import { errorMessage } from "@subagent-mcp/core";
import { BROADCAST, PrioritySchema, SafeName, type Message } from "@subagent-mcp/mailbox";
import { defineCommand } from "citty";
import { fail } from "./fail.js";
import { cliContext, mailboxes } from "./context.js";

/** `subagent-mcp send NAME "text" [--wait]`: a message to an agent's mailbox, for people and scripts. */
export const sendCommand = defineCommand({
  meta: { name: "send", description: "Send a message to an agent's mailbox (a worker, the orchestrator); --wait prints the reply." },
  args: {
    name: { type: "positional", description: "Recipient's mailbox name, or * for every mailbox", required: true },
    text: { type: "positional", description: "The message", required: true },
    from: { type: "string", description: "Your mailbox name (default: shell)" },
    priority: { type: "string", description: "low, normal (default) or high" },
    wait: { type: "boolean", description: "Wait for the reply and print it" },
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
    const mail = mailboxes(cliContext());
    // A typo would otherwise leave the message waiting forever in a mailbox nobody reads.
    const known = args.name === BROADCAST || mail.names().includes(args.name);
    let sent;
    try {
      sent = mail.send({ from, to: args.name, body: args.text, priority: priority.data });
    } catch (error) {
      fail(`cannot send to "${args.name}": ${errorMessage(error).split("\n")[0] ?? ""}`);
    }
    if (!known) process.stderr.write(`subagent-mcp: note: nobody has used the mailbox "${args.name}" yet; the message waits there until someone reads it\n`);
    if (!args.wait) {
      process.stdout.write(`${sent.id}\n`);
      return;
    }
    const deadline = Date.now() + Number(args.timeout ?? 600) * 1000;
    // Other messages to us stay in the mailbox, unclaimed: only the reply in this thread is taken.
    const isReply = (m: Message): boolean => m.replyTo === sent.id || (m.threadId === sent.threadId && m.from === args.name);
    while (Date.now() < deadline) {
      const [reply] = mail.receive(from, 1, isReply);
      if (reply !== undefined) {
        mail.ack(from, reply.id);
        if (reply.bounce === true) {
          process.stderr.write(`subagent-mcp: ${reply.body}\n`);
          process.exit(1);
        }
        process.stdout.write(`${reply.body}\n`);
        return;
      }
      await mail.wait(from, deadline - Date.now(), undefined, isReply);
    }
    fail(`no reply from ${args.name} within ${args.timeout ?? 600} s`);
  },
});
