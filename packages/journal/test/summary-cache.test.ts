import { rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JournalWriter, listAgents, SummaryCache, type AgentSummary, type JournalEntry, type ServerRef } from "../src/index.js";
import { launchAt, liveServer, tempDir, turnAt } from "./helpers.js";

const launch = (id: string, server: ServerRef): JournalEntry => launchAt(id, server, 1);
const turn = turnAt;

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
