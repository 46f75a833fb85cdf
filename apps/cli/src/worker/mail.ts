import { join } from "node:path";

import { SafeName, type MailboxStore, type Message, type Quarantined } from "@subagent-mcp/mailbox";
import { raiseFlag, readStatus, type WorkerStatus } from "@subagent-mcp/worker";
import { defineCommand } from "citty";
import { fail } from "../fail.js";
import { cliContext } from "../context.js";
import { mailOf, openMail } from "./mailstore.js";
import { stateLayout } from "@subagent-mcp/state";
import { errorMessage } from "@subagent-mcp/errors";
import { definedFields } from "@subagent-mcp/contract/fields";

function line(m: Message): string {
  const flags = [
    m.priority,
    `thread ${m.threadId}`,
    ...(m.attempts > 0 ? [`${m.attempts} failed attempt(s)`] : []),
    ...(m.broadcast === true ? ["broadcast"] : []),
  ];
  return `  ${m.id}  from ${m.from} (${flags.join(", ")}): ${m.body.replace(/\s+/g, " ").slice(0, 120)}`;
}

// A worker paused at its budget leaves its messages waiting: say so next to them, with how to go on.
function pausedNote(name: string, paused: WorkerStatus["paused"]): string {
  if (paused === undefined) return "";
  return `paused at its budget since ${paused.at}: ${paused.reason}; its messages wait until it is raised: subagent-mcp worker budget ${name} ${raiseFlag(paused.reason)} N\n`;
}

function kept(q: Quarantined): string {
  return `  ${q.file}${q.from === undefined ? "" : ` (found in ${q.from}/${q.at === undefined ? "" : ` at ${q.at}`})`}: ${q.reason}`;
}

/** `subagent-mcp mail [NAME]`: what waits in the mailboxes and their dead letters, without taking anything. */
export const mailCommand = defineCommand({
  meta: {
    name: "mail",
    description: "Show the mailboxes (or one: its waiting messages and dead letters) without taking anything; --revive retries dead letters.",
  },
  args: {
    name: { type: "positional", description: "One mailbox", required: false },
    revive: { type: "boolean", description: "Move NAME's dead letters back to its mailbox for another round of attempts" },
    id: { type: "string", description: "With --revive: only this message" },
    json: { type: "boolean", description: "Print JSON" },
  },
  async run({ args }) {
    const ctx = cliContext();
    const place = mailOf(ctx);
    const mail = await openMail(place);
    try {
      await show(args, mail, place.root, ctx.stateDir);
    } catch (error) {
      fail(`mailbox (${place.where}): ${errorMessage(error)}`, 1);
    } finally {
      await mail.close();
    }
  },
});

interface Args {
  name?: string;
  revive?: boolean;
  id?: string;
  json?: boolean;
}

async function show(args: Args, mail: MailboxStore, root: string | undefined, stateDir: string): Promise<void> {
  const pausedOf = (name: string): WorkerStatus["paused"] => readStatus(join(stateLayout(stateDir).workers, name))?.paused;
  if (args.name === undefined || args.name === "") {
    if (args.revive) fail("--revive needs a mailbox NAME");
    const rows = [];
    for (const name of await mail.names()) {
      const paused = pausedOf(name);
      rows.push({
        name,
        waiting: await mail.pending(name),
        claimed: await mail.claimed(name),
        dead: (await mail.dead(name)).length,
        quarantined: (await mail.quarantined(name)).length,
        ...definedFields({ paused }),
      });
    }
    if (args.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    else
      process.stdout.write(
        rows.length === 0
          ? "No mailboxes yet.\n"
          : `${rows.map((r) => `${r.name.padEnd(24)} ${r.waiting} waiting, ${r.claimed} being answered, ${r.dead} dead${r.quarantined > 0 ? `, ${r.quarantined} quarantined` : ""}${r.paused === undefined ? "" : ", paused at its budget"}`).join("\n")}\n`,
      );
    return;
  }
  const name = SafeName.safeParse(args.name);
  if (!name.success) fail(`mailbox name: ${name.error.issues[0]?.message ?? "invalid"} (got "${args.name}")`);
  if (args.revive) {
    const id = args.id === undefined ? undefined : SafeName.safeParse(args.id);
    if (id?.success === false) fail(`--id: ${id.error.issues[0]?.message ?? "invalid"} (got "${args.id ?? ""}")`);
    const n = await mail.revive(name.data, id?.data);
    if (args.id !== undefined && n === 0) fail(`no dead letter ${args.id} in ${name.data}'s mailbox`);
    process.stdout.write(`${n} dead letter(s) back in ${name.data}'s mailbox\n`);
    return;
  }
  const waiting = await mail.peek(name.data);
  const claimed = await mail.claimed(name.data);
  const dead = await mail.dead(name.data);
  const quarantined = await mail.quarantined(name.data);
  const paused = pausedOf(name.data);
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ name: name.data, waiting, claimed, dead, quarantined, ...definedFields({ paused }) }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `${name.data}: ${waiting.length} waiting, ${claimed} being answered, ${dead.length} dead${quarantined.length > 0 ? `, ${quarantined.length} quarantined` : ""}\n${pausedNote(name.data, paused)}`,
  );
  if (waiting.length > 0) process.stdout.write(`waiting:\n${waiting.map(line).join("\n")}\n`);
  if (dead.length > 0) process.stdout.write(`dead letters (subagent-mcp mail ${name.data} --revive to retry):\n${dead.map(line).join("\n")}\n`);
  // Not messages: nobody reads them; the files stay as they were found, to inspect or delete by hand.
  if (quarantined.length > 0)
    process.stdout.write(
      `quarantined, not messages (${root === undefined ? "the newest 100 kept in Redis for a week" : `kept in ${join(root, name.data, "quarantine")}`}):\n${quarantined.map(kept).join("\n")}\n`,
    );
}
