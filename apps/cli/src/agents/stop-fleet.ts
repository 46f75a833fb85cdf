import { loadConfig } from "@subagent-mcp/config";
import { errorMessage } from "@subagent-mcp/errors";
import type { CliContext } from "../context.js";
import { fleetConnection, fleetKey } from "../fleet/fleet.js";

/** What the user's stop did on the fleet's nodes: one line per agent stopped there, the ids they knew, what went wrong. */
export interface FleetStopped {
  lines: string[];
  found: string[];
  problems: string[];
}

/**
 * The user's stop on every live node of the fleet (the Redis the mailboxes share, the fleet key's
 * file; nothing without them): `ids` by our ids or the nodes', undefined for all of their agents,
 * whoever launched them. Each node kills them with their trees and answers within 1.5 s; the
 * servers that launched them journal each as stopped by the user.
 */
export async function stopOnNodes(ctx: CliContext, ids: string[] | undefined): Promise<FleetStopped> {
  const out: FleetStopped = { lines: [], found: [], problems: [] };
  if (ids?.length === 0) return out;
  let connection;
  try {
    // A config that does not load leaves the stop here going (the servers' own stops run beside it).
    const { mailbox } = loadConfig({ cwd: ctx.cwd, env: ctx.env });
    // No shared Redis, or no fleet key here: no fleet to ask.
    if (mailbox?.url === undefined || fleetKey(ctx) === undefined) return out;
    connection = await fleetConnection(ctx, mailbox);
  } catch (error) {
    out.problems.push(`the fleet's machines could not be asked: ${errorMessage(error)}`);
    return out;
  }
  const { redis, signer } = connection;
  try {
    const { stopOnFleet } = await import("@subagent-mcp/fleet");
    const { replies, silent } = await stopOnFleet(redis, signer, ids);
    for (const reply of replies)
      for (const row of reply.stopped) {
        out.found.push(row.agent, ...(row.id === undefined ? [] : [row.id]));
        out.lines.push(`node ${reply.node}\t${row.id ?? row.agent}\t${row.provider}`);
      }
    for (const node of silent) out.problems.push(`machine "${node}" did not answer the stop in time`);
  } catch (error) {
    out.problems.push(`the fleet's machines could not be asked: ${errorMessage(error)}`);
  } finally {
    redis.disconnect();
  }
  return out;
}
