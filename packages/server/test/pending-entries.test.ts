import type { AgentView } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { PendingEntries } from "../src/endpoints/pending-entries.js";

// Views with only what the pending file reads; `gets` counts the agents read one by one.
function fleet() {
  const views = new Map<string, AgentView>();
  const reads = { list: 0, gets: [] as string[] };
  const put = (id: string, status: string, createdAt: number, extra: Partial<AgentView> = {}): void => {
    views.set(id, { id, status, createdAt, label: undefined, permissions: [], ...extra } as unknown as AgentView);
  };
  const agents = {
    list: () => {
      reads.list++;
      return [...views.values()];
    },
    get: (id: string) => {
      reads.gets.push(id);
      const v = views.get(id);
      if (v === undefined) throw new Error(`no agent ${id}`);
      return v;
    },
  };
  return { views, reads, put, entries: new PendingEntries(agents) };
}

const request = (requestId: string) => ({ request: { requestId, tool: "Bash", input: { command: "ls" } }, askedAt: 0 });

describe("the pending file's entries, kept per agent", () => {
  it("reads every agent once, then only those an event named", () => {
    const { reads, put, entries } = fleet();
    for (let i = 0; i < 100; i++) put(`a${i}`, i % 2 === 0 ? "processing" : "idle", i);
    entries.refresh();
    expect(reads.list).toBe(1);
    expect(entries.running(new Set()).map((r) => r.agent_id)).toHaveLength(50);
    put("a1", "processing", 1, { label: "w1" });
    put("a0", "idle", 0);
    entries.touch("a1");
    entries.touch("a0");
    entries.refresh();
    expect(reads.list).toBe(1);
    expect(reads.gets.sort()).toEqual(["a0", "a1"]);
    const running = entries.running(new Set(["a2"]));
    expect(running[0]).toEqual({ agent_id: "a1", label: "w1", status: "processing" });
    expect(running.map((r) => r.agent_id)).not.toContain("a0");
    expect(running.map((r) => r.agent_id)).not.toContain("a2");
    expect(entries.busy("a2")).toBe(true);
    expect(entries.busy("a0")).toBe(false);
    // Nothing named: nothing read.
    entries.refresh();
    expect(reads.gets).toHaveLength(2);
  });

  it("keeps launch order when an agent comes back to running after others", () => {
    const { put, entries } = fleet();
    put("x", "processing", 1);
    put("y", "processing", 2);
    entries.refresh();
    put("x", "idle", 1);
    entries.touch("x");
    entries.refresh();
    put("x", "processing", 1);
    entries.touch("x");
    entries.refresh();
    expect(entries.running(new Set()).map((r) => r.agent_id)).toEqual(["x", "y"]);
  });

  it("reads again the agents waiting on a permission (an answer to one of two names no agent), and forgets a freed one", () => {
    const { views, reads, put, entries } = fleet();
    put("p", "permission_requested", 1, { permissions: [request("r1"), request("r2")] as unknown as AgentView["permissions"] });
    put("q", "processing", 2);
    entries.refresh();
    expect(entries.permissions().map((p) => p.request_id)).toEqual(["r1", "r2"]);
    put("p", "permission_requested", 1, { permissions: [request("r2")] as unknown as AgentView["permissions"] });
    entries.refresh();
    expect(reads.gets).toEqual(["p"]);
    expect(entries.permissions()).toEqual([{ agent_id: "p", request_id: "r2", summary: expect.any(String) as string }]);
    views.delete("q");
    entries.touch("q");
    entries.refresh();
    expect(entries.running(new Set()).map((r) => r.agent_id)).toEqual(["p"]);
    entries.touchAll();
    entries.refresh();
    expect(reads.list).toBe(2);
  });
});
