import { processAlive } from "@subagent-mcp/state";
import { Maildir, type Message } from "@subagent-mcp/mailbox";
import { execa } from "execa";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, connectServer, startE2E, startWorker } from "./e2e.js";
import { agentProcesses, journalEnds, launchTree, longTool, marked, stop, stopRunEnded } from "./stop-e2e.js";
import { until } from "./past-e2e.js";

// The stop switch as the users asked for it: three running agents on two servers, one of them with a
// nested agent, and a worker in a turn; one `subagent-mcp stop --all` ends them all within 2 s.
const run = stopRunEnded();

describe("subagent-mcp stop --all", () => {
  it("ends three agents, a nested one and a worker's turn within 2 s, each journaled or told as stopped by the user", { timeout: 240_000 }, async () => {
    const s = (run.e = await startE2E({ ENABLE_TOOL_SEARCH: "false" }));
    const other = (run.second = await connectServer(s.serverEnv, s.env.cwd, "second"));
    const vars = { ...s.serverEnv };
    const worker = await startWorker(s.env, vars, ["--name", "busy", "--allowed-tools", "Bash"], run.running);
    const mail = new Maildir(join(vars.XDG_STATE_HOME ?? "", "subagent-mcp", "mail"));
    mail.pending("asker");

    const [nested, one, two, working] = [longTool(), longTool(), longTool(), longTool()];
    const tree = await launchTree(s, nested.prompt);
    const { agent_id: first } = await s.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: one.prompt, allowed_tools: ["Bash"] });
    const { agent_id: onSecond } = await other.call<{ agent_id: string }>("launch_agent", { provider: "claude", prompt: two.prompt, allowed_tools: ["Bash"] });
    const send = await execa(process.execPath, [bin, "send", "busy", working.prompt, "--from", "asker"], { cwd: s.env.cwd, env: vars, extendEnv: false });
    const sent = send.stdout.trim();
    const tools = [nested, one, two, working];
    await until("the four long tools to run", () => tools.every((t) => marked(t.marker).length > 0), 120_000);
    const child = tree.child();

    const servers = [s.transport.pid ?? 0, other.transport.pid ?? 0];
    const before = [...agentProcesses(servers), ...tools.flatMap((t) => marked(t.marker))];
    const all = await stop(s, "--all");
    expect(all.exitCode, all.stderr).toBe(0);
    for (const id of [tree.parent, first, onSecond]) expect(all.stdout).toContain(`\t${id}\tclaude`);
    expect(all.stdout).toMatch(new RegExp(`^worker busy\\t${String(worker.proc.pid)}\\tclaude$`, "m"));

    // Within 2 s of the stop: no CLI process of the agents (nested included), no tool of theirs or of the worker's turn.
    await until("no agent process or tool left", () => before.every((pid) => !processAlive({ pid: pid })) && agentProcesses(servers).length === 0, 2_000);
    expect(tools.flatMap((t) => marked(t.marker))).toEqual([]);

    // Each agent's journal says the user stopped it (the nested one's, written by its own server, too).
    const ids = [tree.parent, first, onSecond, child];
    await until("every journal to end", () => ids.every((id) => journalEnds(s).get(id) !== undefined), 5_000);
    const ended = journalEnds(s);
    for (const id of ids) expect(ended.get(id), id).toEqual({ status: "stopped", why: "stopped by the user" });

    // The worker's sender is told, and the worker goes on.
    const only = (m: Message): boolean => m.replyTo === sent;
    let told: Message | undefined;
    while ((told = mail.receive("asker", 1, only)[0]) === undefined) await mail.wait("asker", 10_000, undefined, only);
    expect(told.body).toBe("busy did not answer your message: stopped by the user.");
    expect(worker.proc.exitCode).toBeNull();
  });
});
