import { selfRef } from "@subagent-mcp/state";
import { describe, expect, it } from "vitest";
import { serverAlive } from "../src/owner.js";

describe("serverAlive", () => {
  const ref = { id: "s", started_at: "2026-01-01T00:00:00.000Z" };

  it("holds for a live server, with its start time or (an older record) without", () => {
    expect(serverAlive({ ...ref, ...selfRef() })).toBe(true);
    expect(serverAlive({ ...ref, pid: process.pid })).toBe(true);
  });

  it("is false for a record whose pid now names another process (a different start time)", () => {
    expect(serverAlive({ ...ref, pid: process.pid, start: "1" })).toBe(false);
  });
});
