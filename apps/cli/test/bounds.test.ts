import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { startE2E, type E2E } from "./e2e.js";
import { until } from "./past-e2e.js";

interface Launched {
  agent_id: string;
  status: string;
}
interface Row {
  agent_id: string;
  status: string;
  alive: boolean;
}

let e: E2E | undefined;
afterEach(async () => {
  await e?.close();
  e = undefined;
});

/** The server's direct children running `name` (its CLI processes; the guardian is a shell). */
function cliChildren(serverPid: number, name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === serverPid && state !== "Z" && readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(name)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function toolError(s: E2E, name: string, args: Record<string, unknown>): Promise<string> {
  const result = await s.client.callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  return (result.content as { text: string }[]).map((c) => c.text).join("\n");
}

describe("bounds on processes, queues and records", () => {
  // Eleven Codex sessions, two at a time: on a loaded machine each start takes seconds, so the bound is the suite's longest.
  it(
    "with cap 2, ten finished launches keep at most SUBAGENT_MCP_MAX_LIVE live CLIs; the others hibernate and wake on a message",
    { timeout: 240_000 },
    async () => {
      const s = (e = await startE2E({ SUBAGENT_MCP_CAP_CODEX: "2", SUBAGENT_MCP_MAX_LIVE: "3" }));
      const ids: string[] = [];
      for (let i = 0; i < 10; i++) ids.push((await s.call<Launched>("launch_agent", { provider: "codex", prompt: `task ${i}` })).agent_id);
      const done = await s.call<{ finished: unknown[]; timed_out: boolean }>("wait", { agent_ids: ids, mode: "all", timeout_s: 120 });
      expect(done.timed_out, JSON.stringify(done)).toBe(false);
      expect(done.finished).toHaveLength(10);
      // The last turn's end makes room by closing an idle agent's CLI: that hibernation may land just after `wait` returns.
      let rows: Row[] = [];
      const hibernated = async (): Promise<boolean> => {
        rows = (await s.call<{ agents: Row[] }>("list_agents")).agents;
        return rows.filter((r) => r.status === "hibernated").length >= 7;
      };
      // Bounded, and saying where each agent stands, so that a hibernation that never comes fails with its picture.
      const since = Date.now();
      while (!(await hibernated())) {
        if (Date.now() - since > 60_000) throw new Error(`7 agents never hibernated: ${JSON.stringify(rows.map((r) => [r.agent_id, r.status, r.alive]))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(rows.every((r) => r.alive)).toBe(true);
      expect(rows.filter((r) => r.status === "hibernated")).toHaveLength(7);
      expect(rows.filter((r) => r.status === "finished")).toHaveLength(3);
      await until("the hibernated CLIs to exit", () => cliChildren(s.transport.pid as number, "codex").length <= 3, 15_000);
      const asleep = rows.find((r) => r.status === "hibernated") as Row;
      const polled = await s.call<{ hint?: string }>("poll_agent", { agent_id: asleep.agent_id });
      expect(polled.hint).toMatch(/process was closed to free memory/);
      // The follow-up wakes it on its own conversation; another idle agent makes room.
      await s.call("send_message", { agent_id: asleep.agent_id, message: "[[history]]" });
      const woke = await s.call<{ finished: { result: string }[] }>("wait", { agent_ids: [asleep.agent_id], timeout_s: 120 });
      expect(woke.finished[0]?.result).toMatch(/history: task \d \| \[\[history\]\]/);
      await until("at most 3 codex CLIs again", () => cliChildren(s.transport.pid as number, "codex").length <= 3, 15_000);
    },
  );

  it("refuses a launch past 50 queued ones with a clear error, and frees the records of ended agents beyond 200", async () => {
    const s = (e = await startE2E({ SUBAGENT_MCP_CAP_CODEX: "1" }));
    const running = await s.call<Launched>("launch_agent", { provider: "codex", prompt: "[[slow:120000]] busy" });
    const launchQueued = () => s.call<Launched>("launch_agent", { provider: "codex", prompt: "waits" });
    const first: Launched[] = [];
    for (let i = 0; i < 50; i++) first.push(await launchQueued());
    expect(first.every((l) => l.status === "queued")).toBe(true);
    expect(await toolError(s, "launch_agent", { provider: "codex", prompt: "one too many" })).toMatch(
      /50 codex launches are already waiting for a slot, the most allowed/,
    );
    // Ended agents (here: queued launches cancelled with kill_agent) beyond the newest 200 are freed.
    const ended = [...first];
    for (const l of first) await s.call("kill_agent", { agent_id: l.agent_id });
    for (let i = 0; i < 170; i++) {
      const l = await launchQueued();
      ended.push(l);
      await s.call("kill_agent", { agent_id: l.agent_id });
    }
    // Every page of the list (oldest launch first; launches of the same millisecond by id).
    const rows: Row[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.call<{ agents: Row[]; total: number; next_cursor?: string }>("list_agents", {
        limit: 500,
        ...(cursor === undefined ? {} : { cursor }),
      });
      expect(page.total).toBe(201);
      rows.push(...page.agents);
      cursor = page.next_cursor;
    } while (cursor !== undefined);
    expect(rows).toHaveLength(201);
    expect(rows[0]?.agent_id).toBe(running.agent_id);
    expect(new Set(rows.map((r) => r.agent_id))).toEqual(new Set([running.agent_id, ...ended.slice(20).map((l) => l.agent_id)]));
    expect(await toolError(s, "poll_agent", { agent_id: ended[0]?.agent_id })).toMatch(/records of ended agents beyond the newest 200 are freed/);
  });
});
