import type { PresenceEntry } from "@subagent-mcp/mailbox";
import { defineCommand } from "citty";
import { cliContext } from "../context.js";
import { fail } from "../fail.js";
import { mailOf } from "./mailstore.js";
import { table } from "../table.js";
import { errorMessage } from "@subagent-mcp/errors";

// "3m ago", "2h ago": how long since an ISO time, for people.
function ago(iso: string | undefined, now: number): string {
  if (iso === undefined) return "-";
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : s < 86_400 ? `${Math.round(s / 3600)}h ago` : `${Math.round(s / 86_400)}d ago`;
}

function rows(entries: PresenceEntry[]): string {
  const now = Date.now();
  return table([
    ["NAME", "HOST", "PID", "PROVIDER", "MODEL", "STARTED", "LAST TURN", "HEARTBEAT"],
    ...entries.map((e) => [
      e.name,
      e.host,
      String(e.pid),
      e.provider ?? "-",
      e.model ?? "-",
      ago(e.started_at, now),
      ago(e.last_turn_at, now),
      ago(e.heartbeat_at, now),
    ]),
  ]);
}

/** `subagent-mcp workers [--json]`: the live workers, on this machine (Maildir) or on every machine that shares the Redis. */
export const workersCommand = defineCommand({
  meta: { name: "workers", description: "List the live workers: on this machine, or with mail on Redis on every machine that shares it." },
  args: { json: { type: "boolean", description: "Print JSON" } },
  async run({ args }) {
    const place = mailOf(cliContext());
    let entries: PresenceEntry[];
    const presence = await place.presence().catch((error: unknown) => fail(`workers (${place.where}): ${errorMessage(error)}`, 1));
    try {
      entries = await presence.list();
    } catch (error) {
      fail(`workers (${place.where}): ${errorMessage(error)}`, 1);
    } finally {
      await presence.close();
    }
    if (args.json) process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else process.stdout.write(entries.length === 0 ? `No live workers (${place.where}).\n` : `${rows(entries)}\n`);
  },
});
