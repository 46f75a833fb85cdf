import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalWriter, listAgents, SummaryCache, type AgentSummary, type JournalEntry, type ServerRef } from "../src/index.js";
import { everyEntry, liveServer, tempDir } from "./helpers.js";

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();
const launch = (id: string, server: ServerRef): JournalEntry => {
  const [first] = everyEntry(id, server);
  if (first?.t !== "launch") throw new Error("the first entry is the launch");
  return { ...first, at: at(1), project: "/p" };
};
const turn = (n: number, s: number): JournalEntry => ({
  t: "turn",
  at: at(s),
  turn: n,
  result: "ok",
  is_error: false,
  interrupted: false,
  usage: { input: 1, output: 1, cache_read: 0, cache_write: 0 },
  duration_ms: 5,
});

describe("SummaryCache", () => {
  it("reads an agent's journal again only once it changed, and forgets agents gone", async () => {
    const dir = tempDir();
    const server = liveServer("s1");
    const w = new JournalWriter({ dir, server });
    const ids = ["a", "b", "c"].map((id) => w.claim(id));
    for (const id of ids) w.append(id, launch(id, server));
    await w.flush();
    const cache = new SummaryCache();
    const reads: string[] = [];
    // listAgents' own reads, counted: the cache calls `read` for each agent it does not hold.
    const list = (): (AgentSummary | undefined)[] =>
      cache.listing(dir, ids, (name) => {
        reads.push(name);
        return listAgents(dir).find((s) => s.agent_id === name);
      });
    expect(list().map((s) => s?.turns)).toEqual([0, 0, 0]);
    expect(reads).toEqual(["a", "b", "c"]);
    reads.length = 0;
    expect(list().map((s) => s?.turns)).toEqual([0, 0, 0]);
    expect(reads).toEqual([]);
    w.append("b", turn(1, 5));
    await w.flush();
    expect(list().map((s) => s?.turns)).toEqual([0, 1, 0]);
    expect(reads).toEqual(["b"]);
    for (const id of ids) await w.close(id);
    // Through listAgents: what changed shows, what is gone is gone.
    expect(listAgents(dir, {}, cache).map((s) => [s.agent_id, s.turns])).toEqual([
      ["b", 1],
      ["c", 0],
      ["a", 0],
    ]);
    rmSync(join(dir, "c"), { recursive: true });
    expect(listAgents(dir, {}, cache).map((s) => s.agent_id)).toEqual(["b", "a"]);
  });
});
