import { join } from "node:path";
import { receiptLine, TimelineSchema, type Receipt } from "@subagent-mcp/contract";
import { JournalWriter } from "@subagent-mcp/journal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiptLines } from "../src/receipt-lines.js";
import { deadPid, setup, type Setup } from "./helpers.js";

// A turn's receipt as the dashboard serves it: with its turn in /api/agent's transcript, its line
// beside it (the page cannot word it itself), and its line on the timeline's turn.

const receipt: Receipt = {
  ended: { how: "end_turn" },
  tools: { calls: 0, by_kind: {}, failed: 0 },
  commands: [],
  permissions: [],
  files: { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } },
  tests: { runs: 0, verdict: "none" },
  tokens: { input: 10, output: 5 },
  duration_ms: 400,
  suspect: [{ reason: "no_tool_calls", evidence: 'says "all tests pass" but made no tool call' }],
};

let s: Setup;
let id: string;
beforeAll(async () => {
  s = await setup();
  const at = new Date().toISOString();
  const server = { id: "server-1", pid: deadPid(), started_at: at };
  const w = new JournalWriter({ dir: join(s.stateDir, "agents"), server });
  id = w.claim();
  w.append(id, { t: "launch", at, agent_id: id, server, project: s.project, provider: "claude", cwd: s.project });
  const usage = { input: 10, output: 5, cache_read: 0, cache_write: 0 };
  for (const turn of [1, 2]) {
    w.append(id, { t: "prompt", at, turn, text: "Run the tests." });
    const kept = turn === 1 ? {} : { receipt };
    w.append(id, { t: "turn", at, turn, result: "Done, all tests pass", is_error: false, interrupted: false, usage, duration_ms: 400, ...kept });
  }
  await w.flush();
});
afterAll(async () => {
  await s.close();
});

describe("a turn's receipt on the dashboard", () => {
  it("comes with its turn in an agent's detail, its line beside it; a turn without one has none", async () => {
    const body = (await (await fetch(s.at(`/api/agent?id=${id}`))).json()) as {
      transcript: { turns: { turn: number; receipt?: Receipt }[] };
      receipt_lines: Record<string, string>;
    };
    expect(body.transcript.turns.map((t) => [t.turn, t.receipt])).toEqual([
      [1, undefined],
      [2, receipt],
    ]);
    expect(body.receipt_lines).toEqual({ "2": receiptLine(receipt) });
    expect(body.receipt_lines["2"]).toMatch(/^SUSPECT: /);
  });

  it("puts its line on the timeline's turn", async () => {
    const timeline = TimelineSchema.parse(await (await fetch(s.at(`/api/timeline?root=${id}`))).json());
    expect(timeline.rows[0]?.turns.map((t) => t.receipt_line)).toEqual([undefined, receiptLine(receipt)]);
  });

  it("words a live agent's last receipt from its poll when no transcript has it, and none of a shape it cannot read", () => {
    expect(receiptLines(null, { turns: 3, last_receipt: receipt })).toEqual({ "3": receiptLine(receipt) });
    const plain = { ...receipt, suspect: undefined };
    expect(receiptLines({ turns: [{ turn: 3, receipt: plain }] }, { turns: 3, last_receipt: receipt })).toEqual({ "3": receiptLine(plain) });
    expect(receiptLines({ turns: [{ turn: 1, receipt: { newer: true } }] }, { turns: 1 })).toEqual({});
  });
});
