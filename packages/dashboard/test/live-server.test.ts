import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardState } from "@subagent-mcp/contract";
import { startFakeControl, type FakeControl } from "./fake-control.js";
import { openEvents, setup, type Setup } from "./helpers.js";

let s: Setup;
let control: FakeControl;
let record: string;

beforeAll(async () => {
  s = await setup();
  control = await startFakeControl(s.project);
  mkdirSync(join(s.stateDir, "servers"), { recursive: true });
  record = join(s.stateDir, "servers", `${process.pid}.json`);
  writeFileSync(
    record,
    JSON.stringify({ pid: process.pid, cwd: s.project, session: "sess-1", started_at: new Date().toISOString(), version: "9.9.9", control: control.url }),
  );
});
afterAll(async () => {
  await s.close();
  await control.close();
});

const post = (body: unknown) => fetch(s.at("/api/action"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("a running server of the project", () => {
  it("shows its agents, pool and permission requests", async () => {
    const state = (await (await fetch(s.at("/api/state"))).json()) as DashboardState;
    expect(state.servers).toEqual([
      {
        pid: process.pid,
        cwd: s.project,
        session: "sess-1",
        started_at: expect.any(String) as string,
        version: "9.9.9",
        reachable: true,
        agents: [{ agent_id: "a1", provider: "claude", status: "running", alive: true, turns: 1, cwd: s.project, pending_permissions: 1 }],
        pool: { agents: [], problems: [] },
      },
    ]);
    expect(state.permission_requests).toEqual([
      { server: process.pid, agent_id: "a1", request_id: "p1", kind: "shell", summary: "Bash: ls", tool: "Bash", asked_at: new Date(0).toISOString() },
    ]);
  });

  it("gives an agent's poll and its whole transcript", async () => {
    const body = (await (await fetch(s.at(`/api/agent?server=${process.pid}&id=a1`))).json()) as {
      poll: { output_tail: string };
      transcript: { turns: { turn: number }[]; next_turn?: number };
    };
    expect(body.poll.output_tail).toBe("working…");
    expect(body.transcript.turns.map((t) => t.turn)).toEqual([1, 2]);
    expect(body.transcript.next_turn).toBeUndefined();
  });

  it("answers a permission request and kills an agent through its tools, and follows its change events", async () => {
    const events = await openEvents(s.at("/api/events"));
    try {
      await events.next((st) => st.permission_requests.length === 1);
      const answered = await post({ action: "permission", server: process.pid, agent_id: "a1", request_id: "p1", decision: "allow_always" });
      expect(await answered.json()).toEqual({ ok: true, result: { agent_id: "a1", request_id: "p1", decision: "allow_always" } });
      await events.next((st) => st.permission_requests.length === 0);
      const killed = await post({ action: "kill", server: process.pid, agent_id: "a1" });
      expect(killed.status).toBe(200);
      await events.next((st) => (st.servers[0]?.agents[0] as { status?: string } | undefined)?.status === "killed");
      // A change the server reports by itself.
      control.agent.turns = 2;
      control.change();
      await events.next((st) => (st.servers[0]?.agents[0] as { turns?: number } | undefined)?.turns === 2);
      // Out of reach (its endpoint closed, its record still there): said so.
      await control.close();
      const gone = await events.next((st) => st.servers[0]?.reachable === false);
      expect(gone.servers[0]?.error).toMatch(/does not answer/);
      // Its record removed (the server stopped): it leaves the page.
      rmSync(record);
      await events.next((st) => st.servers.length === 0);
    } finally {
      events.close();
    }
    expect(control.calls.map((c) => c.name)).not.toContain("wait");
    expect(control.calls).toContainEqual({ name: "respond_permission", args: { agent_id: "a1", request_id: "p1", decision: "allow_always" } });
  });
});
