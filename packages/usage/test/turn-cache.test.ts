import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { summarizeUsage, TurnCache } from "../src/index.js";

const state = mkdtempSync(join(tmpdir(), "usage-cache-"));
afterAll(() => {
  rmSync(state, { recursive: true, force: true });
});
const agents = join(state, "agents");
const server = { id: "s", pid: 1, started_at: "2026-01-01T00:00:00Z" };
const line = (e: object): string => `${JSON.stringify(e)}\n`;
const turn = (n: number) =>
  line({
    t: "turn",
    at: `2026-01-0${String(n)}T10:00:00Z`,
    turn: n,
    result: "ok",
    is_error: false,
    interrupted: false,
    usage: { input: 10, output: 1, cache_read: 0, cache_write: 0 },
    duration_ms: 5,
    cost_usd: 0.5,
  });
function journal(id: string): string {
  mkdirSync(join(agents, id), { recursive: true });
  const file = join(agents, id, "journal.jsonl");
  writeFileSync(file, line({ t: "launch", at: "2026-01-01T00:00:00Z", agent_id: id, server, project: "/p", provider: "claude", cwd: "/p" }) + turn(1));
  return file;
}

describe("TurnCache", () => {
  it("replays an unchanged journal's turns and reads a changed one again", () => {
    const a = journal("a");
    journal("b");
    const turns = new TurnCache();
    const sum = () => summarizeUsage({ agentsDir: agents }, { groupBy: "agent", turns }).total;
    expect(sum()).toMatchObject({ turns: 2, input: 20, cost_usd: 1 });
    expect(turns.get(agents, "a")?.turns).toHaveLength(1);
    expect(sum()).toMatchObject({ turns: 2, input: 20, cost_usd: 1 });
    appendFileSync(a, turn(2));
    // Its journal changed: not kept any more, and the next sum reads it again.
    expect(turns.get(agents, "a")).toBeUndefined();
    expect(sum()).toMatchObject({ turns: 3, input: 30, cost_usd: 1.5 });
    expect(turns.get(agents, "a")?.turns).toHaveLength(2);
    // The same sums as without it, grouped otherwise and filtered too.
    expect(summarizeUsage({ agentsDir: agents }, { groupBy: "day", turns, project: "/p" })).toEqual(
      summarizeUsage({ agentsDir: agents }, { groupBy: "day", project: "/p" }),
    );
  });

  it("hands back the summary made before while no journal changed, and a new one once another writer adds an agent", async () => {
    const turns = new TurnCache();
    const sum = () => summarizeUsage({ agentsDir: agents }, { groupBy: "provider", turns });
    const first = sum();
    expect(sum()).toBe(first);
    // A second writer: a new agent's journal, then a turn appended to it.
    const c = journal("c");
    const second = sum();
    expect(second.total.turns).toBe(first.total.turns + 1);
    // Its writer appends, then touches the agent's directory (as every journal writer does): seen once the watch tells.
    appendFileSync(c, turn(3));
    utimesSync(dirname(c), new Date(), new Date());
    await expect.poll(() => sum().total.turns).toBe(second.total.turns + 1);
    expect(sum()).toEqual(summarizeUsage({ agentsDir: agents }, { groupBy: "provider" }));
    turns.close();
  });
});
