import { describe, expect, it } from "vitest";
import { ChangeEventSchema, DashboardStateSchema, PastPageSchema, ServerRecordSchema } from "../src/index.js";

describe("contract", () => {
  it("takes a server record only with a control endpoint on loopback", () => {
    const record = { pid: 42, cwd: "/p", started_at: "2026-01-01T00:00:00.000Z", version: "1.0.0", control: `http://127.0.0.1:4000/control/${"a".repeat(32)}` };
    expect(ServerRecordSchema.parse(record)).toEqual(record);
    expect(ServerRecordSchema.safeParse({ ...record, control: `http://10.0.0.1:4000/control/${"a".repeat(32)}` }).success).toBe(false);
  });

  it("reads a change event's agents", () => {
    expect(ChangeEventSchema.parse(JSON.parse('{"agent_ids":["a1","a2"]}'))).toEqual({ agent_ids: ["a1", "a2"] });
  });

  it("describes an empty dashboard state", () => {
    const state = {
      project: "/p",
      generated_at: "2026-01-01T00:00:00.000Z",
      servers: [{ pid: 1, cwd: "/p", started_at: "2026-01-01T00:00:00.000Z", version: "1.0.0", reachable: false, agents: [], pool: null }],
      past: [],
      permission_requests: [],
      workers: [],
      worker_permissions: [],
      mailboxes: [],
      usage: { days: [], total_cost_usd: 0 },
      errors: [],
    };
    expect(DashboardStateSchema.parse(state)).toEqual(state);
  });

  it("describes a page of past agents: the count in all, and a cursor while more follow", () => {
    const page = { past: [], total: 120, next_cursor: "c" };
    expect(PastPageSchema.parse(page)).toEqual(page);
    expect(PastPageSchema.safeParse({ past: [] }).success).toBe(false);
  });
});
