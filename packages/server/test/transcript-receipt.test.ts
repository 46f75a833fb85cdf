import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { grouped } from "./flat-deps.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { Supervisor, type TurnWitness } from "@subagent-mcp/core";
import { receiptLine, type Receipt } from "@subagent-mcp/contract";
import { readJournal } from "@subagent-mcp/journal";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../src/index.js";
import { scripted } from "./control-rig.js";

// The server keeps each turn's receipt in its journal entry and `transcript` returns it with its
// turn (its text ends the turn with the receipt's line).

const receipt: Receipt = {
  ended: { how: "end_turn" },
  tools: { calls: 0, by_kind: {}, failed: 0 },
  commands: Array.from({ length: 80 }, (_, i) => ({ command: `echo ${i}`, exit_code: 0 })),
  permissions: [],
  files: { source: "git", changed: [], total: { files: 0, added: 0, removed: 0 } },
  tests: { runs: 0, verdict: "none" },
  tokens: { input: 1, output: 1 },
  duration_ms: 5,
  suspect: [{ reason: "no_changes", evidence: 'says "fixed" but changed no file' }],
};

// A witness that gives every turn the receipt above.
const witness: TurnWitness = {
  begin: () => undefined,
  see: () => undefined,
  permission: () => undefined,
  end: () => Promise.resolve(receipt),
  endNow: () => receipt,
  drop: () => undefined,
};

describe("transcript with receipts", () => {
  it("returns each turn's receipt as the journal kept it (lists capped), and its line in the text", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "receipt-state-"));
    const { driver, finish } = scripted();
    const dir = join(stateDir, "agents");
    const { server, close } = createServer(
      grouped({
        supervisor: (extra) => Promise.resolve(new Supervisor({ ...extra, drivers: { claude: driver }, witness })),
        version: "9.9.9",
        defaultCwd: mkdtempSync(join(tmpdir(), "receipt-cwd-")),
        journal: { dir },
      }),
    );
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: "host", version: "1" });
    await client.connect(clientSide);
    const call = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
    try {
      const launched = (await call("launch_agent", { provider: "claude", prompt: "fix it" })).structuredContent as { agent_id: string };
      const id = launched.agent_id;
      finish(0, "Fixed.");
      await call("wait", { agent_ids: [id], timeout_s: 30 });
      const got = await call("transcript", { agent_id: id });
      const turns = (got.structuredContent as { turns: { turn: number; receipt?: Receipt }[] }).turns;
      const kept = turns[0]?.receipt;
      expect(kept?.suspect).toEqual(receipt.suspect);
      expect(kept?.commands).toHaveLength(50);
      expect(kept?.commands_omitted).toBe(30);
      const text = (got.content as { text: string }[]).map((c) => c.text).join("\n");
      expect(text).toContain(`[${receiptLine(receipt)}]`);
      expect(text).toMatch(/\[SUSPECT: says "fixed" but changed no file/);
      const entry = readJournal(dir, id).entries.find((e) => e.t === "turn");
      expect(entry?.t === "turn" ? entry.receipt : undefined).toEqual(kept);
    } finally {
      await client.close();
      await close();
    }
  });
});
