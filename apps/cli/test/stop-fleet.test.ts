import { processAlive } from "@subagent-mcp/state";
import type { CliEnvironment } from "@subagent-mcp/testkit";
import { execa } from "execa";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bin, type E2E } from "./e2e.js";
import { fleetOnB } from "./fleet-bed.js";
import type { RunningNode } from "./fleet-node.js";
import { endLongTools, journalEnds, longTool, marked } from "./stop-e2e.js";
import { until } from "./past-e2e.js";

// The user's stop reaches the fleet: server A (its own state folder) runs an agent on node b; the
// user runs `subagent-mcp stop` as another machine (another state folder, no server of its own,
// the same config and fleet key). Node b kills the agent's CLI; A journals it as stopped by the user.
const KEY = "stop-fleet-e2e-key-0123456789abcd";
let envB: CliEnvironment;
let nodeB: RunningNode;
let a: E2E;
fleetOnB(KEY, 2, { ENABLE_TOOL_SEARCH: "false" }, (fleet) => ({ envB, nodeB, a } = fleet));

afterEach(endLongTools);

/** Starts an agent from A on b (by `start`) whose tool runs until it is stopped; resolves with its id and its CLI's pid on b once that tool runs. */
async function onB(start: (prompt: string) => Promise<string>): Promise<{ id: string; pid: number }> {
  const started = nodeB.stderr().length;
  const { marker, prompt } = longTool();
  const id = await start(prompt);
  let pid = 0;
  await until(
    "the agent's CLI on b",
    () => {
      pid = Number(/: claude \(pid (\d+)\) for /.exec(nodeB.stderr().slice(started))?.[1] ?? 0);
      return pid > 0;
    },
    60_000,
  );
  await until("its tool to run under it", () => marked(marker).length > 0, 60_000);
  return { id, pid };
}

/** An agent launched from A on b whose tool runs until it is stopped. */
const launchLong = () =>
  onB(
    async (prompt) =>
      (await a.call<{ agent_id: string }>("launch_agent", { provider: "claude", machine: "b", cwd: envB.cwd, prompt, allowed_tools: ["Bash"] })).agent_id,
  );

/** `subagent-mcp stop ARGS` on "another machine": its own state folder (no servers there), the same config and key. */
function stopElsewhere(...args: string[]) {
  const state = join(a.env.cwd, "elsewhere-state");
  mkdirSync(state, { recursive: true, mode: 0o700 });
  return execa(process.execPath, [bin, "stop", ...args], { cwd: a.env.cwd, env: { ...a.serverEnv, XDG_STATE_HOME: state }, extendEnv: false, reject: false });
}

const endOf = (id: string) => journalEnds(a).get(id);

describe("subagent-mcp stop on the fleet", () => {
  it(
    "--all stops an agent a server elsewhere runs on a node, within 2 s, journaled there as stopped by the user and resumable",
    { timeout: 180_000 },
    async () => {
      const { id, pid } = await launchLong();
      const all = await stopElsewhere("--all");
      expect(all.exitCode, all.stderr).toBe(0);
      expect(all.stdout.trim()).toBe(`node b\t${id}\tclaude`);
      await until("the agent's CLI on b to end", () => !processAlive({ pid: pid }), 2_000);
      await until("A's journal to end it", () => endOf(id) !== undefined, 5_000);
      expect(endOf(id)).toEqual({ status: "stopped", why: "stopped by the user" });
      const polled = await a.call<{ status: string }>("poll_agent", { agent_id: id });
      expect(polled.status).toBe("stopped");
      // Resumable like any killed agent.
      const { agent_id: resumed } = await a.call<{ agent_id: string }>("resume_agent", { agent_id: id, prompt: "[[say:back]]" });
      expect(resumed).toBe(id);
      await a.call("kill_agent", { agent_id: id });
    },
  );

  it("--all stops a pool's replica running on a node, named by our id and journaled by its server as stopped by the user", { timeout: 180_000 }, async () => {
    const dir = join(a.env.env.XDG_CONFIG_HOME as string, "subagent-mcp", "agents");
    mkdirSync(dir, { recursive: true });
    const definition = `---\nname: long-helper\ndescription: Runs long on b.\nprovider: claude\nmachine: b\ncwd: ${envB.cwd}\ntools: Bash\n---\nYou run what you are asked.\n`;
    writeFileSync(join(dir, "long-helper.md"), definition);
    // Its deadline passes while the task runs: the answer names the replica, which runs on.
    const { id, pid } = await onB(async (task) => (await a.call<{ agent_id: string }>("invoke", { agent: "long-helper", task, timeout_s: 1 })).agent_id);
    expect(id).not.toBe("");
    const all = await stopElsewhere("--all");
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout.trim()).toBe(`node b\t${id}\tclaude`);
    await until("the replica's CLI on b to end", () => !processAlive({ pid: pid }), 2_000);
    await until("A's journal to end it", () => endOf(id) !== undefined, 5_000);
    expect(endOf(id)).toEqual({ status: "stopped", why: "stopped by the user" });
    await a.call("reset", { agent: "long-helper" });
  });

  it("stop AGENT finds an agent no server here knows on its node, and leaves the others", { timeout: 180_000 }, async () => {
    const one = await launchLong();
    const two = await launchLong();
    const single = await stopElsewhere(one.id);
    expect(single.exitCode, single.stderr).toBe(0);
    expect(single.stdout.trim()).toBe(`node b\t${one.id}\tclaude`);
    await until("its CLI on b to end", () => !processAlive({ pid: one.pid }), 2_000);
    await until("A's journal to end it", () => endOf(one.id) !== undefined, 5_000);
    expect(endOf(one.id)).toEqual({ status: "stopped", why: "stopped by the user" });
    expect(processAlive({ pid: two.pid })).toBe(true);
    // An id no server and no machine knows: named, exit 1.
    const unknown = await stopElsewhere("no-such-agent");
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("no-such-agent");
    await a.call("kill_agent", { agent_id: two.id });
  });
});
