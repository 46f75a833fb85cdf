import { approvalAnswer, pendingOfAllWorkers, withoutKey } from "@subagent-mcp/worker";
import { defineCommand } from "citty";
import { cliContext } from "../context.js";
import { mailOf, openMail } from "./mailstore.js";
import { fail } from "../fail.js";
import { errorMessage } from "@subagent-mcp/errors";

// The pending permission requests of every worker, read from their files; an answer is the same
// message an approver would send, in the request's thread and naming the request's key (kept in the
// worker's private file, never listed), so the worker has one path for both.

/** `subagent-mcp permissions [allow|deny ID]`: list or answer the workers' permission requests. */
export const permissionsCommand = defineCommand({
  meta: { name: "permissions", description: "List the workers' pending permission requests, or answer one: permissions allow|deny ID" },
  args: {
    action: { type: "positional", description: "allow or deny (none: list)", required: false },
    id: { type: "positional", description: "The request's id (from the list)", required: false },
    reason: { type: "string", description: "For deny: the reason the model is told" },
    always: { type: "boolean", description: "For allow: allow the same again this session without asking" },
    json: { type: "boolean", description: "List as JSON" },
  },
  async run({ args }) {
    const ctx = cliContext();
    const pending = pendingOfAllWorkers(ctx.stateDir);
    if (args.action === undefined) {
      if (args.json) process.stdout.write(`${JSON.stringify(pending.map(withoutKey), null, 2)}\n`);
      else if (pending.length === 0) process.stdout.write("no pending permission requests\n");
      else for (const p of pending) process.stdout.write(`${p.id}  ${p.worker} (approver ${p.approver}, ${p.askedAt})  ${p.summary}\n`);
      return;
    }
    if (args.action !== "allow" && args.action !== "deny") fail(`permissions: expected allow or deny (got "${args.action}")`);
    if (args.id === undefined) fail(`permissions ${args.action}: which request? (subagent-mcp permissions lists them)`);
    const found = pending.find((p) => p.id === args.id);
    if (found === undefined) fail(`permissions: no pending request "${args.id}" (answered, timed out, or never asked)`);
    const decision = args.action === "allow" ? (args.always ? "allow_always" : "allow") : "deny";
    // Sent as the approver, replying to the question with its key: the worker takes the first such answer in the thread.
    const place = mailOf(ctx);
    const mail = await openMail(place);
    try {
      await mail.send(approvalAnswer(found, decision, args.reason));
    } catch (error) {
      fail(`cannot send the answer (${place.where}): ${errorMessage(error)}`, 1);
    } finally {
      await mail.close();
    }
    process.stdout.write(`${args.action === "allow" ? "allowed" : "denied"} ${found.id} (${found.worker}: ${found.summary})\n`);
  },
});
