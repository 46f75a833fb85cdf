import { processAlive } from "@subagent-mcp/state";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "./e2e.js";
import { nodeWhere, startFleetBed, type FleetBed } from "./fleet-bed.js";
import { until } from "./past-e2e.js";
import { endLongTools, longTool, marked } from "./stop-e2e.js";
import { killToZombie, startUnreaped, type Unreaped } from "./unreaped.js";

// A fleet node SIGKILLed mid-turn under a parent that never reaps it (a container without an init)
// stays a zombie; restarted at once with the same --name, it takes its name over at once (its lease
// names a zombie), and the orchestrator hears that the turn was cut off. No CLI it ran is left.
const KEY = "restart-node-e2e-key-0123456789abcdef";
let bed: FleetBed | undefined;
afterEach(async () => {
  endLongTools();
  await bed?.close();
  bed = undefined;
});

/** Stops a node ours started under the never-reaping parent: SIGTERM to the node, then the parent. */
async function stopUnreaped(n: Unreaped): Promise<void> {
  if (processAlive({ pid: n.pid })) process.kill(n.pid, "SIGTERM");
  await until("the node to end", () => !processAlive({ pid: n.pid }), 30_000).catch(() => process.kill(n.pid, "SIGKILL"));
  n.parent.kill("SIGKILL");
  await n.parent;
}

describe("a fleet node SIGKILLed under a parent that never reaps it", () => {
  it("restarted at once with the same name takes it over at once; its agent's turn is reported cut off; no CLI is left", { timeout: 300_000 }, async () => {
    const b = (bed = await startFleetBed(KEY));
    const { claude: fakeB } = await b.fakes("claude");
    const envB = await b.env({ claude: fakeB });
    const where = nodeWhere(b, envB, KEY, { fleet: { roots: [envB.cwd] }, caps: { claude: 2 } });
    const first = b.own(await startUnreaped(["node", "--name", "b"], where, /lending/), stopUnreaped);
    const a = await b.orchestrator();

    const long = longTool();
    const { agent_id } = await a.call<{ agent_id: string }>("launch_agent", {
      provider: "claude",
      machine: "b",
      cwd: envB.cwd,
      prompt: long.prompt,
      allowed_tools: ["Bash"],
    });
    await until("the long tool to run on b", () => marked(long.marker).length > 0, 120_000);

    // SIGKILL: a zombie, and within 5 s no CLI or tool it ran.
    await killToZombie(first.pid);
    expect(marked(long.marker)).toEqual([]);

    // Restarted at once: the name is taken over at once, without waiting out the dead node's lease.
    const second = b.own(await startUnreaped(["node", "--name", "b"], where, /lending/), stopUnreaped);
    expect(second.stderr()).toContain(`took over the name from a previous run here (pid ${String(first.pid)}) that is gone`);
    expect(second.stderr()).not.toContain("waiting up to");

    // The orchestrator hears that the turn it waited on was cut off on b.
    const ended = await waitFor(a, agent_id, (out) => out.finished[0]);
    expect(ended.is_error).toBe(true);
    expect(ended.result).toContain('machine "b" restarted');
  });
});
