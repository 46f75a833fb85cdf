import { afterEach, describe, expect, it } from "vitest";
import type { PoolDefinition } from "@subagent-mcp/config";
import { poolDefinition, serverHarness, type ServerHarness } from "./harness.js";

interface Invoked {
  status: string;
  agent_id: string;
  replica: number;
  result?: string;
  is_error?: boolean;
  usage?: { output: number };
}

const def = poolDefinition;

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const withPool = (definitions: PoolDefinition[]) =>
  serverHarness({ server: { definitions: () => ({ definitions, problems: ["/defs/broken.md:3: bad key"] }) } });

describe("pool tools over MCP with the real CLIs", () => {
  it("invokes Claude, Codex and Gemini pool agents; no task sees the one before", async () => {
    h = await withPool([def("claudia", "claude"), def("cody", "codex"), def("gem", "gemini", { permissionMode: "bypassPermissions" })]);
    for (const name of ["claudia", "cody", "gem"]) {
      const first = await h.call<Invoked>("invoke", { agent: name, task: `${name} secret pineapple` });
      expect(first).toMatchObject({ status: "done", is_error: false, replica: 0 });
      const second = await h.call<Invoked>("invoke", { agent: name, task: "[[history]]" });
      expect(second.status).toBe("done");
      expect(second.result).toContain("history:");
      expect(second.result).not.toContain("pineapple");
      // Same warm process served both tasks.
      expect(second.agent_id).toBe(first.agent_id);
    }
    // The definition's prompt reached the model as part of the system prompt.
    expect(h.fakes.claude.requests.some((r) => r.messages.some((m) => m.role === "system" && m.text.includes("You are claudia.")))).toBe(true);
    // Pool results are delivered to invoke, not reported again by wait.
    const waited = await h.call<{ finished: unknown[] }>("wait", { timeout_s: 1 });
    expect(waited.finished).toEqual([]);
  });

  it("queues concurrent invokes FIFO across replicas; each caller gets its own result", async () => {
    h = await withPool([def("pair", "codex", { replicas: 2 })]);
    const s = h;
    const results = await Promise.all(
      ["alpha", "bravo", "charlie", "delta"].map((w) => s.call<Invoked>("invoke", { agent: "pair", task: `[[slow:300]] ${w}` })),
    );
    for (const [i, w] of ["alpha", "bravo", "charlie", "delta"].entries()) expect(results[i]?.result).toContain(w);
    expect(new Set(results.map((r) => r.replica))).toEqual(new Set([0, 1]));
    const listed = await h.call<{ agents: { agent: string; replicas: { pid?: number; turns_served: number; rss_mb?: number }[] }[]; problems: string[] }>(
      "list_pool",
    );
    const pair = listed.agents.find((a) => a.agent === "pair");
    expect(pair?.replicas).toHaveLength(2);
    for (const r of pair?.replicas ?? []) {
      expect(r.pid).toBeGreaterThan(0);
      expect(r.rss_mb).toBeGreaterThan(10);
      // Both replicas served; how the four split depends on which finished first on a busy machine.
      expect(r.turns_served).toBeGreaterThanOrEqual(1);
    }
    expect((pair?.replicas ?? []).reduce((sum, r) => sum + r.turns_served, 0)).toBe(4);
    expect(listed.problems).toEqual(["/defs/broken.md:3: bad key"]);
  });

  it("returns running at the deadline; wait then reports the task", async () => {
    h = await withPool([def("slowpoke", "claude")]);
    const out = await h.call<Invoked>("invoke", { agent: "slowpoke", task: "[[slow:2500]] patience", timeout_s: 0.5 });
    expect(out.status).toBe("running");
    const waited = await h.call<{ finished: { agent_id: string; result: string }[] }>("wait", { agent_ids: [out.agent_id], timeout_s: 30 });
    expect(waited.finished[0]?.result).toContain("patience");
  });

  it("a reset during a running task fails it clearly; the next invoke starts fresh", async () => {
    h = await withPool([def("resettable", "codex")]);
    const s = h;
    const running = s.client.callTool({ name: "invoke", arguments: { agent: "resettable", task: "[[slow:20000]] long job" } });
    await until(() => s.fakes.codex.requests.some((r) => r.reply === "slow"));
    const before = await s.call<{ agents: { replicas: { pid?: number }[] }[] }>("list_pool");
    const reset = await s.call<{ stopped_replicas: number }>("reset", { agent: "resettable" });
    expect(reset.stopped_replicas).toBe(1);
    const failed = await running;
    expect(failed.isError).toBe(true);
    expect(JSON.stringify(failed.content)).toMatch(/was reset while this task was running/);
    const next = await s.call<Invoked>("invoke", { agent: "resettable", task: "fresh start" });
    expect(next.result).toContain("fresh start");
    const after = await s.call<{ agents: { replicas: { pid?: number }[] }[] }>("list_pool");
    expect(after.agents[0]?.replicas[0]?.pid).not.toBe(before.agents[0]?.replicas[0]?.pid);
  });

  it("warms replicas up front and rejects unknown agents", async () => {
    h = await withPool([def("warm", "gemini", { replicas: 2 })]);
    const warm = await h.call<{ replicas: { pid?: number }[] }>("warmup", { agent: "warm" });
    expect(warm.replicas).toHaveLength(2);
    expect(await h.callError("invoke", { agent: "nobody", task: "x" })).toMatch(/no pool agent named "nobody" \(defined: warm\)/);
    expect(await h.callError("warmup", { agent: "nobody" })).toMatch(/list_pool/);
  });
});

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}
