import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { serverHarness, type ServerHarness } from "./harness.js";

interface Launched {
  agent_id: string;
  status: string;
  provider: string;
  queue_position?: number;
}
interface Finished {
  agent_id: string;
  status: string;
  result: string;
  is_error: boolean;
  turn: number;
  usage: { input: number; output: number };
}
interface WaitOut {
  finished: Finished[];
  still_running: string[];
  timed_out: boolean;
}

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("session tools over MCP with the real CLIs", () => {
  it("lists the tools with schemas and annotations", async () => {
    h = await serverHarness();
    const { tools } = await h.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      "interrupt_agent",
      "invoke",
      "kill_agent",
      "launch_agent",
      "list_agents",
      "list_pool",
      "orchestration_mode",
      "poll_agent",
      "reset",
      "respond_permission",
      "resume_agent",
      "send_message",
      "transcript",
      "usage",
      "wait",
      "warmup",
    ]);
    for (const t of tools) expect(t.outputSchema).toBeDefined();
    expect(tools.find((t) => t.name === "poll_agent")?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === "kill_agent")?.annotations).toMatchObject({ destructiveHint: true });
  });

  it("runs Claude, Codex and Gemini sub-agents at once; wait all returns every result once", async () => {
    const s = (h = await serverHarness());
    const launched = await Promise.all(
      (["claude", "codex", "gemini"] as const).map((provider) => s.call<Launched>("launch_agent", { provider, prompt: `hello ${provider}`, label: provider })),
    );
    for (const l of launched) expect(l.status).toBe("processing");
    const ids = launched.map((l) => l.agent_id);
    const done = await h.call<WaitOut>("wait", { agent_ids: ids, mode: "all", timeout_s: 60 });
    expect(done.timed_out).toBe(false);
    expect(done.still_running).toEqual([]);
    const byId = new Map(done.finished.map((f) => [f.agent_id, f]));
    for (const [i, provider] of (["claude", "codex", "gemini"] as const).entries()) {
      const f = byId.get(ids[i] ?? "");
      expect(f?.result).toContain(h.fakes[provider].nonce);
      expect(f?.result).toContain(`hello ${provider}`);
      expect(f?.is_error).toBe(false);
      expect(f?.usage.output).toBeGreaterThan(0);
    }
    const again = await h.call<WaitOut>("wait", { agent_ids: ids, timeout_s: 1 });
    expect(again.finished).toEqual([]);
    const listed = await h.call<{ agents: { agent_id: string; status: string; turns: number }[] }>("list_agents");
    expect(listed.agents.map((a) => [a.status, a.turns])).toEqual([
      ["finished", 1],
      ["finished", 1],
      ["finished", 1],
    ]);
  });

  it("wait any returns the first to finish and names the others as still running", async () => {
    h = await serverHarness();
    const slow = await h.call<Launched>("launch_agent", { provider: "claude", prompt: "[[slow:20000]] take your time" });
    const fast = await h.call<Launched>("launch_agent", { provider: "codex", prompt: "quick one" });
    const first = await h.call<WaitOut>("wait", { agent_ids: [slow.agent_id, fast.agent_id], mode: "any", timeout_s: 30 });
    expect(first.finished.map((f) => f.agent_id)).toEqual([fast.agent_id]);
    expect(first.still_running).toEqual([slow.agent_id]);
    const deadline = await h.call<WaitOut>("wait", { agent_ids: [slow.agent_id], timeout_s: 0.5 });
    expect(deadline).toEqual({ finished: [], still_running: [slow.agent_id], timed_out: true });
  });

  it("polls status, recent items and the output tail", async () => {
    h = await serverHarness();
    const a = await h.call<Launched>("launch_agent", { provider: "claude", prompt: "tail me" });
    await h.call("wait", { agent_ids: [a.agent_id], timeout_s: 30 });
    const poll = await h.call<{
      status: string;
      alive: boolean;
      output_tail: string;
      last_result: string;
      recent: { kind: string }[];
      turns: number;
      idle_seconds: number;
    }>("poll_agent", { agent_id: a.agent_id, tail_chars: 10 });
    expect(poll).toMatchObject({ status: "finished", alive: true, turns: 1 });
    expect(poll.output_tail).toHaveLength(10);
    expect(poll.last_result).toContain("tail me");
    expect(poll.recent.map((r) => r.kind)).toContain("turn_end");
  });

  it("a follow-up sent while busy is answered after the first turn and sees it in its history", async () => {
    h = await serverHarness();
    const a = await h.call<Launched>("launch_agent", { provider: "codex", prompt: "[[slow:1500]] remember the word kumquat" });
    const sent = await h.call<{ status: string; queued_messages: number }>("send_message", { agent_id: a.agent_id, message: "[[history]]" });
    expect(sent).toMatchObject({ status: "processing", queued_messages: 1 });
    const results: Finished[] = [];
    while (results.length < 2) results.push(...(await h.call<WaitOut>("wait", { agent_ids: [a.agent_id], timeout_s: 30 })).finished);
    expect(results.map((r) => r.turn)).toEqual([1, 2]);
    expect(results[1]?.result).toContain("kumquat");
  });

  it("interrupts a turn and keeps the session; kill ends it", async () => {
    h = await serverHarness();
    const a = await h.call<Launched>("launch_agent", { provider: "gemini", prompt: "[[slow:30000]] long", permission_mode: "bypassPermissions" });
    await until(() => h?.fakes.gemini.requests.some((r) => r.reply === "slow") === true);
    await h.call("interrupt_agent", { agent_id: a.agent_id });
    const cut = await h.call<WaitOut>("wait", { agent_ids: [a.agent_id], timeout_s: 20 });
    expect(cut.finished[0]).toMatchObject({ status: "finished", interrupted: true });
    await h.call("send_message", { agent_id: a.agent_id, message: "still there?" });
    const next = await h.call<WaitOut>("wait", { agent_ids: [a.agent_id], timeout_s: 30 });
    expect(next.finished[0]?.result).toContain("still there?");
    const killed = await h.call<{ status: string; alive: boolean }>("kill_agent", { agent_id: a.agent_id });
    expect(killed).toMatchObject({ status: "stopped", alive: false });
    expect(await h.callError("send_message", { agent_id: a.agent_id, message: "hello?" })).toMatch(/session has ended; launch a new agent/);
  });

  it("queues launches above the provider's cap and reports their position", async () => {
    h = await serverHarness({ caps: { claude: 1 } });
    const a = await h.call<Launched>("launch_agent", { provider: "claude", prompt: "[[slow:1000]] first" });
    const b = await h.call<Launched>("launch_agent", { provider: "claude", prompt: "second" });
    expect(a.status).toBe("processing");
    expect(b).toMatchObject({ status: "queued", queue_position: 1 });
    const poll = await h.call<{ hint: string }>("poll_agent", { agent_id: b.agent_id });
    expect(poll.hint).toMatch(/Waiting for a free claude slot/);
    const both = await h.call<WaitOut>("wait", { agent_ids: [a.agent_id, b.agent_id], mode: "all", timeout_s: 60 });
    expect(both.finished.map((f) => f.result.includes("second") || f.result.includes("first"))).toEqual([true, true]);
  });

  it("sends progress notifications while wait blocks", async () => {
    h = await serverHarness();
    const a = await h.call<Launched>("launch_agent", { provider: "claude", prompt: "[[slow:1500]] progress" });
    const progress: number[] = [];
    await h.client.callTool({ name: "wait", arguments: { agent_ids: [a.agent_id], timeout_s: 30 } }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(progress.length).toBeGreaterThan(0);
  });

  it("answers bad input with errors that name the field", async () => {
    h = await serverHarness();
    expect(await h.callError("launch_agent", { prompt: "x" })).toMatch(/give a task_category \(or a provider\)/);
    expect(await h.callError("launch_agent", { prompt: "x", task_category: "cooking" })).toMatch(/task_category/);
    expect(await h.callError("launch_agent", { prompt: "x", task_category: "fallback_default" })).toMatch(/needs an explicit provider/);
    expect(await h.callError("launch_agent", { prompt: "x", model: "opus" })).toMatch(/model needs provider/);
    expect(await h.callError("launch_agent", { prompt: "x", provider: "gpt" })).toMatch(/provider/);
    expect(await h.callError("launch_agent", { prompt: "x", provider: "claude", cwd: "/definitely/not/here" })).toMatch(/cwd must be an existing directory/);
    expect(await h.callError("launch_agent", { provider: "claude" })).toMatch(/prompt/);
    expect(await h.callError("poll_agent", { agent_id: "nope" })).toMatch(/no agent with id "nope"/);
    expect(await h.callError("poll_agent", { agent_id: "nope", tail_chars: 100_000 })).toMatch(/tail_chars/);
    expect(await h.callError("wait", { timeout_s: 601 })).toMatch(/timeout_s/);
  });

  it("honours cwd and refuses to nest past the cap", async () => {
    h = await serverHarness();
    const dir = join(h.envs.claude.cwd, "sub");
    mkdirSync(dir);
    // gpt-5.5 is the model the Codex fake provider is set up with; offline, Codex offers newer models no tools.
    const a = await h.call<Launched>("launch_agent", { provider: "codex", model: "gpt-5.5", prompt: `[[shell:pwd > ${join(dir, "where.txt")}]]`, cwd: dir });
    // A shell command asks first (the default); allowed, it runs in the agent's cwd.
    const asked = await h.call<WaitOut & { permission_requests?: { request_id: string }[] }>("wait", { agent_ids: [a.agent_id], timeout_s: 30 });
    expect(asked.permission_requests).toHaveLength(1);
    await h.call("respond_permission", { agent_id: a.agent_id, decision: "allow" });
    await h.call("wait", { agent_ids: [a.agent_id], timeout_s: 30 });
    const { readFileSync } = await import("node:fs");
    expect(readFileSync(join(dir, "where.txt"), "utf8").trim()).toBe(dir);
    await h.close();
    h = await serverHarness({ server: { depth: 2, maxDepth: 2 } });
    expect(await h.callError("launch_agent", { provider: "claude", prompt: "x" })).toMatch(/nest 2 levels/);
  });
});

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}
