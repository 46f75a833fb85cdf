import { afterEach, describe, expect, it } from "vitest";
import { serverHarness, type ServerHarness } from "./harness.js";

interface Launched {
  agent_id: string;
  category?: string;
  branch: string;
  candidate: { provider: string; model?: string; effort?: string };
  fallbacks: unknown[];
  skipped: { provider: string; reason: string }[];
  ranking: { provider: string; model?: string; rule: string }[];
}
interface Poll {
  provider: string;
  status: string;
  last_result?: string;
}

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("auto mode: routing by task_category with failover, against the real CLIs", () => {
  it("routes a category to its cheapest expected candidate and reports the choice", async () => {
    h = await serverHarness();
    const a = await h.call<Launched>("launch_agent", { prompt: "route me", task_category: "coding" });
    // Nothing learned yet: a default turn priced on each candidate, Gemini's flash model cheapest.
    expect(a).toMatchObject({ category: "coding", branch: "cost_efficiency", candidate: { provider: "gemini", model: "gemini-3.8-flash" } });
    expect(a.fallbacks).toHaveLength(2);
    expect(a.ranking.map((r) => [r.provider, r.rule])).toEqual([
      ["gemini", "cost"],
      ["codex", "cost"],
      ["claude", "cost"],
    ]);
    const done = await h.call<{ finished: { result: string }[] }>("wait", { agent_ids: [a.agent_id], timeout_s: 60 });
    expect(done.finished[0]?.result).toContain(h.fakes.gemini.nonce);
  });

  it("on the performance branch the table's order stands", async () => {
    h = await serverHarness();
    const a = await h.call<Launched>("launch_agent", { prompt: "route me well", task_category: "coding", branch: "performance" });
    expect(a.candidate).toMatchObject({ provider: "claude", model: "opus", effort: "high" });
    expect(a.ranking.every((r) => r.rule === "table")).toBe(true);
    await h.call("wait", { agent_ids: [a.agent_id], timeout_s: 60 });
  });

  it("fails over on a transient model error (529) to the next provider, under the same agent id", async () => {
    h = await serverHarness();
    // The Claude fake is overloaded for this task; the Codex fake answers.
    h.fakes.claude.script((req) => (req.lastUserText.includes("flaky") ? { kind: "error", status: 529, message: "Overloaded" } : undefined));
    const a = await h.call<Launched>("launch_agent", { prompt: "flaky task", task_category: "quality_review", branch: "performance" });
    expect(a.candidate.provider).toBe("claude");
    const done = await h.call<{ finished: { result: string; is_error: boolean }[] }>("wait", { agent_ids: [a.agent_id], timeout_s: 90 });
    expect(done.finished).toHaveLength(1);
    expect(done.finished[0]).toMatchObject({ is_error: false });
    expect(done.finished[0]?.result).toContain(h.fakes.codex.nonce);
    const poll = await h.call<Poll & { failover?: { provider: string; reason: string }[] }>("poll_agent", { agent_id: a.agent_id });
    expect(poll.provider).toBe("codex");
    expect(poll.failover).toEqual([{ provider: "claude", model: "opus", effort: "high", kind: "failover", reason: expect.stringContaining("529") as string }]);
  });

  it("fails over when the model connection drops mid-response (disconnect)", async () => {
    h = await serverHarness();
    h.fakes.codex.script((req) => (req.lastUserText.includes("shaky") ? { kind: "disconnect" } : undefined));
    // Named, its candidates come first and the table's others after, in order.
    const a = await h.call<Launched>("launch_agent", { prompt: "shaky task", task_category: "coding", provider: "codex" });
    expect(a.candidate.provider).toBe("codex");
    const done = await h.call<{ finished: { result: string; is_error: boolean }[] }>("wait", { agent_ids: [a.agent_id], timeout_s: 90 });
    expect(done.finished[0]).toMatchObject({ is_error: false });
    expect(done.finished[0]?.result).toContain(h.fakes.claude.nonce);
  });

  it("stops at a permanent failure (401) with one error listing every attempt", async () => {
    h = await serverHarness();
    h.fakes.claude.script((req) => (req.lastUserText.includes("doomed") ? { kind: "error", status: 429, message: "rate limited" } : undefined));
    h.fakes.codex.script((req) => (req.lastUserText.includes("doomed") ? { kind: "error", status: 401, message: "bad key" } : undefined));
    const a = await h.call<Launched>("launch_agent", { prompt: "doomed task", task_category: "security_review", branch: "performance" });
    const done = await h.call<{ finished: { result: string; is_error: boolean }[] }>("wait", { agent_ids: [a.agent_id], timeout_s: 90 });
    expect(done.finished[0]?.is_error).toBe(true);
    expect(done.finished[0]?.result).toMatch(/attempts:\n1\. claude\/opus \(high\): transient — .*429[\s\S]*2\. codex\/gpt-6-astra \(high\): failed/);
    // Gemini was never tried after the permanent failure.
    expect(h.fakes.gemini.requests.filter((r) => r.reply !== "json")).toEqual([]);
  });

  it("skips providers whose CLI is not installed and says so", async () => {
    h = await serverHarness({ server: { installed: (p) => p !== "claude" } });
    const a = await h.call<Launched>("launch_agent", { prompt: "no claude here", task_category: "architecture", branch: "performance" });
    expect(a.candidate.provider).toBe("codex");
    expect(a.skipped).toEqual([{ provider: "claude", reason: "the claude CLI is not installed" }]);
  });
});
