import { processAlive } from "@subagent-mcp/state";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { bin, connectServer, startE2E, startWorker } from "./e2e.js";
import { agentProcesses, journalEnds, launchTree, longTool, marked, stop, stopRunEnded } from "./stop-e2e.js";
import { until } from "./past-e2e.js";

// `subagent-mcp stop`: the user's stop over every server of theirs on this machine, nested agents
// included; each agent journaled as stopped by the user.
const run = stopRunEnded();

describe("kill_agent {tree: true}", () => {
  it("ends the agent and its nested server's agents, each journaled as killed", { timeout: 120_000 }, async () => {
    const s = (run.e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    const nested = longTool();
    const tree = await launchTree(s, nested.prompt);
    await until("the nested agent's tool to run", () => marked(nested.marker).length > 0, 90_000);
    const child = tree.child();
    const before = agentProcesses([s.transport.pid ?? 0]);
    const killed = await s.call<{ status: string }>("kill_agent", { agent_id: tree.parent, tree: true });
    expect(killed.status).toBe("stopped");
    await until("no agent process left", () => before.every((pid) => !processAlive({ pid: pid })), 5_000);
    await until("both journals to end", () => journalEnds(s).get(child) !== undefined && journalEnds(s).get(tree.parent) !== undefined, 5_000);
    expect(journalEnds(s).get(child)).toEqual({ status: "stopped", why: "killed" });
    expect(journalEnds(s).get(tree.parent)).toEqual({ status: "stopped", why: "killed" });
  });
});

describe("subagent-mcp stop", () => {
  it("stops one agent, then every agent of two servers and a nested one, within 2 s, each journaled as stopped by the user", { timeout: 180_000 }, async () => {
    const s = (run.e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    const other = (run.second = await connectServer(s.serverEnv, s.env.cwd, "second"));

    const nested = longTool();
    const tree = await launchTree(s, nested.prompt);
    const { parent } = tree;
    const [one, two] = [longTool(), longTool()];
    const { agent_id: first } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: one.prompt, allowed_tools: ["Bash"] });
    const { agent_id: onSecond } = await other.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: two.prompt, allowed_tools: ["Bash"] });
    await until("the three long tools to run", () => [nested, one, two].every((t) => marked(t.marker).length > 0), 90_000);
    const child = tree.child();

    // One agent by id: just that one.
    const single = await stop(s, first);
    expect(single.exitCode, single.stderr).toBe(0);
    expect(single.stdout.trim()).toMatch(new RegExp(`^server ${String(s.transport.pid)}\\t${first}\\tclaude$`));
    await until("the stopped agent's tool to end", () => marked(one.marker).length === 0, 2_000);
    expect(marked(two.marker).length + marked(nested.marker).length).toBeGreaterThanOrEqual(2);

    // Everything, on both servers.
    const servers = [s.transport.pid ?? 0, other.transport.pid ?? 0];
    const before = agentProcesses(servers);
    const all = await stop(s, "--all");
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toContain(`\t${parent}\tclaude`);
    expect(all.stdout).toContain(`\t${onSecond}\tclaude`);
    await until("no agent process left", () => before.every((pid) => !processAlive({ pid: pid })) && agentProcesses(servers).length === 0, 2_000);
    expect([nested, one, two].flatMap((t) => marked(t.marker))).toEqual([]);

    // Each one's journal says the user stopped it (the nested one's too, written by its own server).
    await until("every journal to end", () => [...journalEnds(s).values()].filter((end) => end !== undefined).length >= 4, 5_000);
    const ended = journalEnds(s);
    for (const id of [first, parent, onSecond, child]) expect(ended.get(id), id).toEqual({ status: "stopped", why: "stopped by the user" });

    // A stopped agent is resumable like any killed one.
    const { agent_id: resumed } = await s.call<{ agent_id: string }>("resume_agent", { agent_id: first, prompt: "[[say:back]]" });
    expect(resumed).toBe(first);
  });

  it("--all stops a worker's running turn, and the worker goes on with its inbox", { timeout: 120_000 }, async () => {
    const s = (run.e = await startE2E());
    const vars = { ...s.serverEnv };
    const worker = await startWorker(s.env, vars, ["--name", "stoppy", "--allowed-tools", "Bash"], run.running);
    const send = (...args: string[]) => execa(process.execPath, [bin, "send", ...args], { cwd: s.env.cwd, env: vars, extendEnv: false, reject: false });
    const long = longTool();
    expect((await send("stoppy", long.prompt)).exitCode).toBe(0);
    await until("the worker's long tool to run", () => marked(long.marker).length > 0, 60_000);
    const all = await stop(s, "--all");
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`^worker stoppy\\t${String(worker.proc.pid)}\\tclaude$`, "m"));
    await until("the worker's turn to end as stopped", () => /turn stopped \(acked\)/.test(worker.stderr()), 2_000);
    await until("the worker's long tool to end", () => marked(long.marker).length === 0, 2_000);
    // It lives on, and answers its next message.
    expect(worker.proc.exitCode).toBeNull();
    // (The fake model answers it in the same conversation, after the stopped tool's result.)
    const next = await send("stoppy", "[[say:still here]]", "--wait", "--timeout", "60");
    expect(next.exitCode, next.stderr).toBe(0);
    expect(next.stdout).toContain(s.fakes.claude.nonce);
  });

  it("names an unknown agent (exit 1) and asks for ids or --all", { timeout: 60_000 }, async () => {
    const s = (run.e = await startE2E());
    const unknown = await stop(s, "no-such-agent");
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("no-such-agent");
    const bare = await stop(s);
    expect(bare.exitCode).toBe(2);
    expect(bare.stderr).toMatch(/--all/);
  });
});
