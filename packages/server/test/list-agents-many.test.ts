import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ListAgentsOutput } from "@subagent-mcp/contract";
import { Supervisor, type AgentEvent, type Clock, type Driver, type Session } from "@subagent-mcp/core";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";
import { objectOf } from "../src/answers/schemas.js";

// Sessions that answer every turn at once; time stands still (idle_seconds 0), so rows are exact.
const still: Clock = { now: () => 1_000_000, setTimeout: () => 0, clearTimeout: () => undefined };
function instantDriver(): Driver {
  return {
    provider: "codex",
    start: (_spec, emit: (event: AgentEvent) => void): Session => ({
      pid: 4242,
      send: (text) => {
        queueMicrotask(() => {
          emit({
            type: "turn_end",
            result: `done: ${text}`,
            isError: false,
            usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0 },
            costUsd: 0.01,
            durationMs: 1,
          });
        });
      },
      interrupt: () => Promise.resolve(),
      reset: () => Promise.resolve(),
      close: () => Promise.resolve(),
      kill: () => Promise.resolve(),
    }),
  };
}

describe("list_agents with a hundred live agents", () => {
  it("gives every row in the contract's shape and order, its text line by line (the SDK no longer parses the result again)", async () => {
    const supervisor = new Supervisor({ drivers: { codex: instantDriver() }, caps: { codex: 200 }, maxLive: 300, clock: still });
    const made = createServer(grouped({ supervisor, version: "test", defaultCwd: "/work" }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await made.server.connect(b);
    const client = new Client({ name: "test", version: "1" });
    await client.connect(a);
    const ids: string[] = [];
    for (let i = 0; i < 100; i++)
      ids.push(
        supervisor.launch({
          provider: "codex",
          cwd: "/work",
          prompt: `task ${i}`,
          ...(i % 2 === 0 ? { label: `w${i}` } : {}),
          ...(i === 3 ? { budget: { max_turns: 1 } } : {}),
        }).id,
      );
    await expect.poll(() => supervisor.list().filter((v) => v.turns === 1 && v.status !== "processing").length).toBe(100);
    const result = await client.callTool({ name: "list_agents", arguments: { limit: 500 } });
    const out = objectOf(ListAgentsOutput).parse(result.structuredContent);
    expect(out.total).toBe(100);
    expect(out.agents).toHaveLength(100);
    expect(new Set(out.agents.map((r) => r.agent_id))).toEqual(new Set(ids));
    const row = (i: number) => out.agents.find((r) => r.agent_id === ids[i]);
    // Byte for byte, in the wire's key order.
    expect(JSON.stringify(row(0))).toBe(
      `{"agent_id":"${ids[0] ?? ""}","label":"w0","provider":"codex","status":"finished","alive":true,"idle_seconds":0,"turns":1,"cost_usd":0.01,"tokens":15,"cwd":"/work"}`,
    );
    expect(row(3)).toMatchObject({ budget_note: expect.stringContaining("exceeded") as string });
    expect(row(1)).not.toHaveProperty("label");
    const lines = ((result.content as { text: string }[])[0]?.text ?? "").split("\n");
    expect(lines).toHaveLength(100);
    expect(lines).toContain(`${ids[0] ?? ""} codex finished "w0" turns=1`);
    await supervisor.shutdown();
    await client.close();
    await made.close();
  });
});
