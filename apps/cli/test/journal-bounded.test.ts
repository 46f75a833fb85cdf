import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { stateDir } from "@subagent-mcp/state";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBigJournal } from "@subagent-mcp/testkit";
import { startE2E, type E2E } from "./e2e.js";

// A past agent whose journal is 40 MB: each call reads what it answers from, never the whole of it.
const BYTES = 40 * 1024 * 1024;

interface Row {
  agent_id: string;
  status: string;
  turns: number;
  past?: boolean;
  why?: string;
  model?: string;
}
interface Page {
  turns: { turn: number; result?: string }[];
  total_turns: number;
  next_turn?: number;
  earlier_turn?: number;
}

let e: E2E;
let made: { agentId: string; turns: number };
beforeAll(async () => {
  e = await startE2E();
  const agents = join(stateDir({ home: e.env.home, env: e.env.env }), "agents");
  // A pid no process has: the server that ran the agent is gone.
  made = writeBigJournal(agents, "big0past", realpathSync(e.env.cwd), 2 ** 22 + 12_345, BYTES);
}, 120_000);
afterAll(async () => {
  await e.close();
});

// Bytes the server process has read so far (every read, files and pipes alike).
function bytesRead(): number {
  const pid = e.transport.pid;
  if (pid === null) throw new Error("no server pid");
  return Number(/rchar: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1]);
}

describe("a 40 MB journal", () => {
  it("list_agents {include_past}, transcript from the start and from the end each read a bounded part of it", { timeout: 120_000 }, async () => {
    // The server's own code loads on the first calls: loaded once before measuring.
    await e.call("list_agents");
    await e.call("transcript", { agent_id: "big0past", max_chars: 200 }).catch(() => undefined);
    // What one call read: far less than the journal (the server's reads of stdin count too).
    let mark = bytesRead();
    const readSince = (): number => {
      const [then, now] = [mark, (mark = bytesRead())];
      return now - then;
    };
    const { agents } = await e.call<{ agents: Row[] }>("list_agents", { include_past: true });
    const row = agents.find((a) => a.agent_id === "big0past");
    expect(row).toMatchObject({ status: "ended", past: true, turns: made.turns, model: "claude-sonnet-4-5" });
    expect(row?.why).toContain("stopped without shutting down");
    expect(readSince()).toBeLessThan(2 * 1024 * 1024);
    const first = await e.call<Page>("transcript", { agent_id: "big0past" });
    expect(first.turns[0]?.turn).toBe(1);
    expect(first.total_turns).toBe(made.turns);
    expect(first.next_turn).toBe((first.turns.at(-1)?.turn ?? 0) + 1);
    expect(readSince()).toBeLessThan(3 * 1024 * 1024);
    const latest = await e.call<Page>("transcript", { agent_id: "big0past", latest: true });
    expect(latest.turns.at(-1)?.turn).toBe(made.turns);
    expect(latest.turns.at(-1)?.result).toContain(`(turn ${made.turns})`);
    expect(latest.earlier_turn).toBe(latest.turns[0]?.turn);
    expect(readSince()).toBeLessThan(3 * 1024 * 1024);
    const earlier = await e.call<Page>("transcript", { agent_id: "big0past", before_turn: latest.earlier_turn });
    expect(earlier.turns.at(-1)?.turn).toBe((latest.earlier_turn ?? 0) - 1);
    expect(readSince()).toBeLessThan(3 * 1024 * 1024);
  });
});
