import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JournalWriter } from "@subagent-mcp/journal";
import { PendingApprovals } from "@subagent-mcp/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TimelineSchema, type DashboardState } from "@subagent-mcp/contract";
import { deadPid, openEvents, setup, type Setup } from "./helpers.js";

let s: Setup;
let agentId: string;
const today = new Date().toISOString();
// The request's key, which only its approver's mailbox and the worker's private file hold.
const KEY = "5".repeat(32);

// One ended agent of this project and one of another, as a server that has since stopped wrote them.
async function writeJournals(stateDir: string, project: string): Promise<string> {
  const server = { id: "server-1", pid: deadPid(), started_at: today };
  const w = new JournalWriter({ dir: join(stateDir, "agents"), server });
  const launch = (id: string, where: string) =>
    ({ t: "launch", at: today, agent_id: id, server, project: where, provider: "claude", model: "sonnet", cwd: where, label: "fix the tests" }) as const;
  const ours = w.claim();
  const theirs = w.claim();
  w.append(ours, launch(ours, project));
  w.append(ours, { t: "prompt", at: today, turn: 1, text: "Fix the failing test." });
  w.append(ours, { t: "tool", at: today, turn: 1, name: "Bash", summary: "Bash: npm test" });
  const usage = { input: 1200, output: 300, cache_read: 0, cache_write: 0 };
  w.append(ours, { t: "turn", at: today, turn: 1, result: "Fixed.", is_error: false, interrupted: false, usage, cost_usd: 0.25, duration_ms: 900 });
  w.append(ours, { t: "end", at: today, status: "exited", why: "killed by the orchestrator" });
  w.append(theirs, launch(theirs, "/elsewhere"));
  await w.flush();
  return ours;
}

beforeAll(async () => {
  s = await setup({ maxAttempts: 1 });
  agentId = await writeJournals(s.stateDir, s.project);
  // A worker that is up, and one of its permission requests waiting for its approver.
  await s.presence.register({ name: "reviewer", provider: "claude", model: "opus" });
  new PendingApprovals(join(s.stateDir, "workers", "reviewer", "permissions")).save({
    id: "permission-abc123",
    worker: "reviewer",
    approver: "lead",
    messageId: "m-1",
    key: KEY,
    summary: "Bash: rm -rf build",
    askedAt: today,
    request: { requestId: "r-1", tool: "Bash", kind: "shell", command: "rm -rf build", input: { command: "rm -rf build" } },
  });
  // A letter no one could take: delivered once (the limit), then given back.
  await s.mail.send({ from: "lead", to: "inbox", body: "hello", priority: "normal" });
  const [got] = await s.mail.receive("inbox");
  if (got === undefined) throw new Error("no message");
  await s.mail.release("inbox", got.id);
  // A server whose process is gone left its record behind.
  mkdirSync(join(s.stateDir, "servers"), { recursive: true });
  const pid = deadPid();
  writeFileSync(
    join(s.stateDir, "servers", `${pid}.json`),
    JSON.stringify({ pid, cwd: s.project, started_at: today, version: "1.0.0", control: `http://127.0.0.1:9/control/${"a".repeat(32)}` }),
  );
});
afterAll(async () => {
  await s.close();
});

describe("the state", () => {
  it("holds the project's past agents, workers, their requests, mailboxes and usage; a dead server is left out", async () => {
    const res = await fetch(s.at("/api/state"));
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const state = (await res.json()) as DashboardState;
    expect(state.project).toBe(s.project);
    expect(Date.parse(state.generated_at)).not.toBeNaN();
    expect(state.servers).toEqual([]);
    expect(state.permission_requests).toEqual([]);
    expect(state.past).toEqual([
      expect.objectContaining({ agent_id: agentId, label: "fix the tests", provider: "claude", model: "sonnet", status: "ended", turns: 1, cost_usd: 0.25 }),
    ]);
    expect(state.past[0]?.why).toBe("killed by the orchestrator");
    expect(state.workers).toEqual([expect.objectContaining({ name: "reviewer", pid: process.pid, provider: "claude", model: "opus" })]);
    expect(state.worker_permissions).toEqual([
      { id: "permission-abc123", worker: "reviewer", approver: "lead", summary: "Bash: rm -rf build", askedAt: today },
    ]);
    expect(state.mailboxes).toEqual([{ name: "inbox", waiting: 0, claimed: 0, dead: 1 }]);
    expect(state.usage.total_cost_usd).toBe(0.25);
    expect(state.usage.days).toEqual([
      {
        day: today.slice(0, 10),
        provider: "claude",
        turns: 1,
        input_tokens: 1200,
        output_tokens: 300,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
        cost_usd: 0.25,
        unknown_cost_turns: 0,
      },
    ]);
    expect(state.errors).toEqual([]);
  });

  it("gives a past agent's conversation from the journal", async () => {
    const res = await fetch(s.at(`/api/agent?id=${agentId}`));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { poll: unknown; transcript: { agent_id: string; total_turns: number; turns: unknown[] } };
    expect(body.poll).toBeNull();
    expect(body.transcript).toMatchObject({ agent_id: agentId, total_turns: 1 });
    expect(body.transcript.turns).toEqual([
      expect.objectContaining({ turn: 1, prompts: ["Fix the failing test."], tools: ["Bash: npm test"], result: "Fixed." }),
    ]);
    expect((await fetch(s.at("/api/agent?id=nobody"))).status).toBe(404);
  });

  it("pages a long past conversation from its newest turns back, each page read from the journal's end", async () => {
    const server = { id: "server-2", pid: deadPid(), started_at: today };
    const w = new JournalWriter({ dir: join(s.stateDir, "agents"), server, maxFileBytes: 256 * 1024, keepFiles: 100 });
    const id = w.claim();
    w.append(id, { t: "launch", at: today, agent_id: id, server, project: "/long", provider: "claude", cwd: "/long" });
    const usage = { input: 1, output: 1, cache_read: 0, cache_write: 0 };
    for (let turn = 1; turn <= 300; turn++) {
      w.append(id, { t: "prompt", at: today, turn, text: `step ${turn}` });
      w.append(id, { t: "turn", at: today, turn, result: `${"r".repeat(20_000)} (turn ${turn})`, is_error: false, interrupted: false, usage, duration_ms: 1 });
    }
    await w.flush();
    type Page = { transcript: { total_turns: number; earlier_turn?: number; turns: { turn: number; result: string; result_chars?: number }[] } };
    const get = async (query: string): Promise<Page["transcript"]> => ((await (await fetch(s.at(`/api/agent?id=${id}${query}`))).json()) as Page).transcript;
    const newest = await get("");
    expect(newest.total_turns).toBe(300);
    expect(newest.turns.at(-1)).toMatchObject({ turn: 300, result_chars: 20_000 + " (turn 300)".length });
    expect(newest.turns.length).toBeLessThan(300);
    expect(newest.earlier_turn).toBe(newest.turns[0]?.turn);
    const earlier = await get(`&before_turn=${newest.earlier_turn ?? 0}`);
    expect(earlier.turns.at(-1)?.turn).toBe((newest.earlier_turn ?? 0) - 1);
    // Every page back to the first turn, each turn once.
    const seen = [...newest.turns, ...earlier.turns].map((t) => t.turn);
    for (let before = earlier.earlier_turn; before !== undefined;) {
      const page = await get(`&before_turn=${before}`);
      seen.push(...page.turns.map((t) => t.turn));
      before = page.earlier_turn;
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it("acts only through a live server of the project", async () => {
    const post = (body: unknown) => fetch(s.at("/api/action"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const kill = await post({ action: "kill", server: 12345, agent_id: agentId });
    expect(kill.status).toBe(404);
    expect(await kill.json()).toMatchObject({ ok: false, error: { code: "NO_SERVER" } });
    const resume = await post({ action: "resume", agent_id: agentId });
    expect(await resume.json()).toMatchObject({ ok: false, error: { code: "NO_SERVER" } });
  });

  it("answers a worker's permission request as its approver, in the request's thread", async () => {
    const events = await openEvents(s.at("/api/events"));
    try {
      await events.next((state) => state.worker_permissions.length === 1);
      const res = await fetch(s.at("/api/action"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: "worker_permission", id: "permission-abc123", decision: "deny", reason: "not\nnow" }),
      });
      expect(await res.json()).toEqual({ ok: true, result: { id: "permission-abc123", worker: "reviewer", decision: "deny", summary: "Bash: rm -rf build" } });
      const [answer] = await s.mail.peek("reviewer");
      expect(answer).toMatchObject({
        from: "lead",
        to: "reviewer",
        body: `deny ${KEY}: not now`,
        threadId: "permission-abc123",
        replyTo: "m-1",
        priority: "high",
      });
      // The page learns of the new mailbox without asking.
      await events.next((state) => state.mailboxes.some((m) => m.name === "reviewer" && m.waiting === 1));
      const unknown = await fetch(s.at("/api/action"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ action: "worker_permission", id: "permission-none", decision: "allow" }),
      });
      expect(unknown.status).toBe(404);
    } finally {
      events.close();
    }
  });

  it("gives the agent tree's timeline: nested agents under their parent, turns with their heads, 404 for an unknown root", async () => {
    const server = { id: "server-2", pid: deadPid(), started_at: today };
    const w = new JournalWriter({ dir: join(s.stateDir, "agents"), server });
    const child = w.claim();
    w.append(child, { t: "launch", at: today, agent_id: child, server, project: s.project, provider: "codex", cwd: s.project, lineage: [agentId] });
    w.append(child, { t: "prompt", at: today, turn: 1, text: "Check the fix." });
    await w.flush();
    const res = await fetch(s.at(`/api/timeline?root=${agentId}`));
    expect(res.status).toBe(200);
    const timeline = TimelineSchema.parse(await res.json());
    expect(timeline.root).toBe(agentId);
    expect(timeline.rows.map((r) => [r.agent_id, r.depth, r.parent])).toEqual([
      [agentId, 0, undefined],
      [child, 1, agentId],
    ]);
    expect(timeline.rows[0]).toMatchObject({ status: "exited", live: false, cost_usd: 0.25, label: "fix the tests" });
    expect(timeline.rows[0]?.turns).toEqual([expect.objectContaining({ turn: 1, prompt_head: "Fix the failing test.", result_head: "Fixed.", tokens: 1500 })]);
    // Without a root: the project's recent trees (the other project's agent left out).
    const all = TimelineSchema.parse(await (await fetch(s.at("/api/timeline"))).json());
    expect(all.rows.map((r) => r.agent_id)).toEqual([agentId, child]);
    expect((await fetch(s.at("/api/timeline?root=nobody"))).status).toBe(404);
    expect((await fetch(s.at("/api/timeline?root=..%2Fx"))).status).toBe(400);
  });
});
