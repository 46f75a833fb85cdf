import type { ServerRecord } from "@subagent-mcp/contract";
import { errorMessage } from "@subagent-mcp/errors";
import { processAlive } from "@subagent-mcp/state";
import { readServerRecords } from "@subagent-mcp/state/server-records";
import { defineCommand } from "citty";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { cliContext, type CliContext } from "../context.js";
import { fail } from "../fail.js";
import { mailOf } from "../worker/mailstore.js";
import { stopOnNodes } from "./stop-fleet.js";

/** How long one server may take to stop its agents (a tree kill waits up to 1.5 s for nested servers). */
const STOP_TIMEOUT_MS = 10_000;

interface StopAnswer {
  stopped: { agent_id: string; provider: string; status: string }[];
  unknown: string[];
}

// Asks one server, over its control endpoint, to stop `ids` (undefined: all of its agents).
async function stopOn(record: ServerRecord, ids: string[] | undefined): Promise<StopAnswer> {
  // The MCP client loads only when a server runs: a stop with nothing to stop starts without it.
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
  ]);
  const client = new Client({ name: "subagent-mcp-stop", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${record.control}/mcp`)), { timeout: STOP_TIMEOUT_MS });
  try {
    const result = await client.callTool({ name: "stop_agents", arguments: ids === undefined ? {} : { agent_ids: ids } }, undefined, {
      timeout: STOP_TIMEOUT_MS,
    });
    if (result.isError === true) throw new Error(JSON.stringify(result.content));
    return result.structuredContent as StopAnswer;
  } finally {
    await client.close().catch(() => undefined);
  }
}

// The live workers on this machine, each told to stop its running turn (the worker goes on with its inbox).
async function stopWorkers(ctx: CliContext): Promise<string[]> {
  const presence = await mailOf(ctx).presence();
  try {
    // Only a process that still is a worker of ours (a pid may have been reused since its heartbeat): its
    // start time tells; an entry of an older worker without one is checked by its command line.
    const here = (await presence.list()).filter(
      (w) => w.host === hostname() && w.pid > 0 && processAlive(w) && (w.start !== undefined || readArgs(w.pid).includes("worker")),
    );
    if (here.length === 0) return [];
    // The worker package loads only when there is a worker to tell.
    const { WORKER_STOP_SIGNAL } = await import("@subagent-mcp/worker");
    return here.map((w) => {
      process.kill(w.pid, WORKER_STOP_SIGNAL);
      return `worker ${w.name}\t${String(w.pid)}\t${w.provider ?? "-"}`;
    });
  } finally {
    await presence.close();
  }
}

function readArgs(pid: number): string[] {
  try {
    return readFileSync(`/proc/${String(pid)}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/**
 * `subagent-mcp stop [AGENT...] [--all]`: the user's stop, on every live server of this user on
 * this machine at once (their control endpoints, in parallel); each agent with everything it
 * started, journaled as stopped by the user and resumable. `--all` also stops the running turn of
 * every worker on this machine, and every agent the fleet's machines run (stop-fleet.ts); ids no
 * server here knows are asked of those machines.
 */
export const stopCommand = defineCommand({
  meta: {
    name: "stop",
    description:
      "Stop sub-agents (and everything they started) of every server of yours on this machine and on the fleet; --all also the workers' running turns.",
  },
  args: {
    all: { type: "boolean", description: "Stop every agent of every server" },
  },
  async run({ args }) {
    const ids = args._.map(String);
    if (ids.length === 0 && args.all !== true) fail("name the agents to stop, or --all for every agent (subagent-mcp stop [AGENT...] [--all])");
    const ctx = cliContext();
    const asked = args.all === true ? undefined : ids;
    const records = readServerRecords(ctx.stateDir);
    const [answers, workers, everywhere] = await Promise.all([
      Promise.all(records.map(async (record) => ({ record, answer: await stopOn(record, asked).catch((error: unknown) => errorMessage(error)) }))),
      asked === undefined ? stopWorkers(ctx).catch((error: unknown) => errorMessage(error)) : [],
      asked === undefined ? stopOnNodes(ctx, undefined) : undefined,
    ]);
    const found = new Set<string>();
    let failed = false;
    for (const { record, answer } of answers) {
      if (typeof answer === "string") {
        process.stderr.write(`subagent-mcp: server ${record.pid} (${record.cwd}) could not stop its agents: ${answer}\n`);
        failed = true;
        continue;
      }
      for (const row of answer.stopped) {
        found.add(row.agent_id);
        process.stdout.write(`server ${record.pid}\t${row.agent_id}\t${row.provider}\n`);
      }
    }
    if (typeof workers === "string") {
      process.stderr.write(`subagent-mcp: the workers could not be reached: ${workers}\n`);
      failed = true;
    } else for (const line of workers) process.stdout.write(`${line}\n`);
    // The ids no server here knows may be agents on the fleet's machines (launched from here or elsewhere).
    const nodes =
      everywhere ??
      (await stopOnNodes(
        ctx,
        (asked ?? []).filter((id) => !found.has(id)),
      ));
    for (const line of nodes.lines) process.stdout.write(`${line}\n`);
    for (const id of nodes.found) found.add(id);
    for (const problem of nodes.problems) process.stderr.write(`subagent-mcp: ${problem}\n`);
    if (nodes.problems.length > 0) failed = true;
    const unknown = (asked ?? []).filter((id) => !found.has(id));
    if (unknown.length > 0) fail(`no server or machine of yours knows agent(s) ${unknown.join(", ")}`, 1);
    if (failed) process.exit(1);
    // An empty stdout is the answer; the user is told why, on stderr.
    if (asked === undefined && found.size === 0 && workers.length === 0)
      process.stderr.write("subagent-mcp: nothing to stop: no agent or worker turn of yours is running\n");
  },
});
