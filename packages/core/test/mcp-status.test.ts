import { describe, expect, it } from "vitest";
import { initialState, Supervisor, transition, type AgentAction, type AgentEvent, type AgentState } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

const ev = (event: AgentEvent, at = 10): AgentAction => ({ type: "event", at, event });
const run = (state: AgentState, ...actions: AgentAction[]): AgentState => actions.reduce(transition, state);

describe("an MCP server's status", () => {
  it("keeps each failed server once with its latest reason, drops one that connects, and is not activity", () => {
    const start = initialState(0, false);
    const s = run(
      start,
      ev({ type: "mcp_status", server: "notes", status: "pending" }),
      ev({ type: "mcp_status", server: "notes", status: "failed", error: "spawn ENOENT" }),
      ev({ type: "mcp_status", server: "db", status: "failed" }),
      ev({ type: "mcp_status", server: "notes", status: "failed", error: "closed" }),
    );
    expect(s.mcpFailed).toEqual([
      { server: "db", error: "failed to start" },
      { server: "notes", error: "closed" },
    ]);
    expect(s).toMatchObject({ status: "processing", lastActivityAt: 0 });
    const healed = run(s, ev({ type: "mcp_status", server: "db", status: "connected" }), ev({ type: "mcp_status", server: "notes", status: "connected" }));
    expect(healed.mcpFailed).toBeUndefined();
    expect(run(start, ev({ type: "mcp_status", server: "x", status: "connected" }))).toBe(start);
  });

  it("is shown on the agent's view", () => {
    const driver = new FakeDriver("claude");
    const supervisor = new Supervisor({ drivers: { claude: driver }, clock: new FakeClock(), caps: { claude: 5 }, stallMs: 60_000 });
    const view = supervisor.launch({ provider: "claude", prompt: "task", cwd: "/tmp" });
    expect(view.mcpFailed).toBeUndefined();
    driver.sessions[0]?.emit({ type: "mcp_status", server: "notes", status: "failed", error: "spawn ENOENT" });
    expect(supervisor.get(view.id).mcpFailed).toEqual([{ server: "notes", error: "spawn ENOENT" }]);
  });
});
