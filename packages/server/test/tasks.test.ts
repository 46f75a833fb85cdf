import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpendLedger } from "@subagent-mcp/usage";
import { z } from "zod";
import { afterEach, describe, expect, it } from "vitest";
import { launchGated, poolDefinition, serverHarness, type ServerHarness } from "./harness.js";

// MCP 2026-07-28 and the tasks extension, spoken raw by the SDK's client with the `_meta` a
// task-taking host (the interactive Claude Code) puts on every request.
const TAKES_TASKS = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": { elicitation: { form: {} }, extensions: { "io.modelcontextprotocol/tasks": {} } },
};
const PLAIN_2026 = { "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {} };

const Any = z.looseObject({});
type Task = {
  taskId: string;
  status: string;
  statusMessage?: string;
  result?: { structuredContent?: Record<string, unknown>; content?: { text: string }[] };
  resultType?: string;
};

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function raw(
  s: ServerHarness,
  method: string,
  params: Record<string, unknown>,
  meta: Record<string, unknown> = TAKES_TASKS,
): Promise<Record<string, unknown>> {
  return s.client.request({ method, params: { ...params, _meta: meta } }, Any);
}

// Asks after the task as the host does, until it leaves `working`.
async function settled(s: ServerHarness, taskId: string): Promise<Task> {
  for (;;) {
    const task = (await raw(s, "tasks/get", { taskId })) as unknown as Task;
    if (task.status !== "working") return task;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("MCP 2026-07-28 and delegation tasks", () => {
  it("server/discover names the version and the tasks extension; the instructions say to carry on only to a host that takes tasks", async () => {
    const s = (h = await serverHarness());
    const found = await raw(s, "server/discover", {});
    expect(found).toMatchObject({
      protocolVersion: "2026-07-28",
      capabilities: { tools: {}, extensions: { "io.modelcontextprotocol/tasks": {} } },
      serverInfo: { name: "subagent-mcp" },
      resultType: "complete",
    });
    expect(found.instructions).toContain("do not call wait");
    const plain = await raw(s, "server/discover", {}, PLAIN_2026);
    expect(plain.instructions).not.toContain("do not call wait");
  });

  it("launch_agent answers a task-taking host with a task named after the agent, which completes with what wait would say, once", async () => {
    const s = (h = await serverHarness());
    const created = (await raw(s, "tools/call", { name: "launch_agent", arguments: { provider: "codex", prompt: "a delegated task" } })) as unknown as Task;
    expect(created).toMatchObject({ resultType: "task", status: "working" });
    expect(created.taskId).toMatch(/^[0-9a-f]{8}-turn-1$/);
    const agent = created.taskId.slice(0, 8);
    expect(created.statusMessage).toContain(agent);
    const done = await settled(s, created.taskId);
    expect(done.status).toBe("completed");
    const finished = (done.result?.structuredContent?.finished ?? []) as { agent_id: string; turn: number; result: string }[];
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ agent_id: agent, turn: 1 });
    expect(finished[0]?.result).toContain(s.fakes.codex.nonce);
    expect(done.result?.content?.[0]?.text).toContain(`${agent} turn 1 finished`);
    // The task reported the turn: wait does not report it a second time.
    const waited = await s.call<{ finished: unknown[] }>("wait", { agent_ids: [agent], timeout_s: 1 });
    expect(waited.finished).toEqual([]);
  });

  it("a wait the host calls meanwhile does not keep the task from completing with its turn, which is reported once", async () => {
    const s = (h = await serverHarness());
    const created = (await raw(s, "tools/call", {
      name: "launch_agent",
      arguments: { provider: "codex", prompt: "[[slow:1500]] waited on twice" },
    })) as unknown as Task;
    const agent = created.taskId.slice(0, 8);
    // The wait ends with the turn; the task has it (each turn is reported once).
    const waited = await s.call<{ finished: { turn: number }[] }>("wait", { agent_ids: [agent], timeout_s: 60 });
    const done = await settled(s, created.taskId);
    expect(done.status).toBe("completed");
    expect((done.result?.structuredContent?.finished as { turn: number }[])[0]?.turn).toBe(1);
    expect(waited.finished).toEqual([]);
  });

  it("send_message's task completes with the turn that answers that message", async () => {
    const s = (h = await serverHarness());
    const { agent_id } = await s.call<{ agent_id: string }>("launch_agent", { provider: "codex", prompt: "first" });
    await s.call("wait", { agent_ids: [agent_id], timeout_s: 60 });
    const created = (await raw(s, "tools/call", { name: "send_message", arguments: { agent_id, message: "second message" } })) as unknown as Task;
    expect(created.taskId).toBe(`${agent_id}-turn-2`);
    const done = await settled(s, created.taskId);
    const finished = (done.result?.structuredContent?.finished ?? []) as { turn: number; result: string }[];
    expect(finished[0]?.turn).toBe(2);
    expect(finished[0]?.result).toContain("second message");
  });

  it("send_message's task for a follow-up held behind a turn that reached a spend cap fails naming the cap", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tasks-caps-"));
    try {
      const ledger = new SpendLedger(join(dir, "spend.jsonl"));
      const s = (h = await serverHarness({ server: { spend: { ledger: ledger.path, caps: { claude: { day_turns: 1 } } } } }));
      const { agent_id, gate } = await launchGated(s);
      const created = (await raw(s, "tools/call", { name: "send_message", arguments: { agent_id, message: "held message" } })) as unknown as Task;
      expect(created.taskId).toBe(`${agent_id}-turn-2`);
      writeFileSync(gate, "");
      const done = await settled(s, created.taskId);
      expect(JSON.stringify(done)).toContain(`stopped at its budget before turn 2 began: spend cap claude day_turns 1 reached`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("invoke answers a task-taking host with a task that completes with the pool task's own answer", async () => {
    const s = (h = await serverHarness({ server: { definitions: () => ({ definitions: [poolDefinition("helper", "codex")], problems: [] }) } }));
    const created = (await raw(s, "tools/call", { name: "invoke", arguments: { agent: "helper", task: "pooled and delegated" } })) as unknown as Task;
    expect(created).toMatchObject({ resultType: "task", status: "working" });
    expect(created.taskId).toMatch(/^invoke-helper-\d+$/);
    const done = await settled(s, created.taskId);
    expect(done.status).toBe("completed");
    expect(done.result?.structuredContent).toMatchObject({ status: "done", is_error: false });
    expect(String(done.result?.structuredContent?.result)).toContain("pooled and delegated");
  });

  it("tasks/cancel interrupts the sub-agent's turn; an unknown task is a clear error", async () => {
    const s = (h = await serverHarness());
    const created = (await raw(s, "tools/call", {
      name: "launch_agent",
      arguments: { provider: "claude", prompt: "[[slow:30000]] a long one" },
    })) as unknown as Task;
    const agent = created.taskId.slice(0, 8);
    const cancelled = await raw(s, "tasks/cancel", { taskId: created.taskId });
    expect(cancelled.status).toBe("cancelled");
    expect(((await raw(s, "tasks/get", { taskId: created.taskId })) as unknown as Task).status).toBe("cancelled");
    // The turn ends interrupted, and stays for wait (the host gave up on the task, not on the result).
    const waited = await s.call<{ finished: { interrupted: boolean }[] }>("wait", { agent_ids: [agent], timeout_s: 60 });
    expect(waited.finished[0]?.interrupted).toBe(true);
    await expect(raw(s, "tasks/get", { taskId: "nope-turn-1" })).rejects.toThrow(/no task nope-turn-1/);
  });

  it("a host that does not declare the extension gets the plain result, as before", async () => {
    const s = (h = await serverHarness());
    const out = await raw(s, "tools/call", { name: "launch_agent", arguments: { provider: "codex", prompt: "plain" } }, PLAIN_2026);
    expect(out.resultType).toBe("complete");
    expect(out.structuredContent).toMatchObject({ status: expect.any(String) as string });
    const classic = await s.call<{ agent_id: string }>("launch_agent", { provider: "codex", prompt: "plain too" });
    expect(classic.agent_id).toMatch(/^[0-9a-f]{8}$/);
  });
});
