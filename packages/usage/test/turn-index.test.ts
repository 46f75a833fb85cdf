import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { journalStamp } from "@subagent-mcp/journal";
import { summarizeUsage, TURN_INDEX_FILE, TurnCache } from "../src/index.js";
import { encodeTurns, TurnIndex } from "../src/turn-index.js";
import { agentTurns, type TurnRecord } from "../src/turns.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function agentsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "usage-index-"));
  made.push(dir);
  return join(dir, "agents");
}

const line = (e: object): string => `${JSON.stringify(e)}\n`;
// Servers gone (a pid above any pid_max) and alive (this process).
const server = { id: "s", pid: 2 ** 22 + 12_345, started_at: "2026-01-01T00:00:00Z" };
const live = { ...server, pid: process.pid };
const turn = (n: number, cost?: number): string =>
  line({
    t: "turn",
    at: `2026-01-0${String((n % 9) + 1)}T10:00:00.${String(n).padStart(3, "0")}Z`,
    turn: n,
    result: "ok",
    is_error: n % 3 === 0,
    interrupted: false,
    usage: { input: 10 + n, output: 1, cache_read: n, cache_write: 0 },
    duration_ms: 5 + n,
    ...(cost === undefined ? {} : { cost_usd: cost }),
  });

// An agent's journal of `turns` turns (a session naming the model halfway; resumed by `resumer` first), its mtime a whole second so that it can be set back exactly.
function journal(dir: string, id: string, turns: number, launcher = server, resumer?: typeof server): string {
  mkdirSync(join(dir, id), { recursive: true });
  const file = join(dir, id, "journal.jsonl");
  let text = line({
    t: "launch",
    at: "2026-01-01T00:00:00Z",
    agent_id: id,
    server: launcher,
    project: "/p",
    provider: "codex",
    cwd: "/p",
    category: "fix",
    label: id,
  });
  if (resumer !== undefined) text += line({ t: "resume", at: "2026-01-01T00:00:00Z", server: resumer, reason: "restart" });
  for (let n = 1; n <= turns; n++) {
    if (n === Math.ceil(turns / 2)) text += line({ t: "session", at: "2026-01-01T00:00:01Z", session_id: "x", model: "gpt-5" });
    text += turn(n, n % 2 === 0 ? 0.25 : undefined);
  }
  writeFileSync(file, text);
  utimesSync(file, 1_000_000, 1_000_000);
  return file;
}

// The journal made unreadable with its stamp kept (same inode, size and mtime): only an index can give its turns then.
function garble(file: string, at = 1_000_000): void {
  writeFileSync(file, `${"x".repeat(statSync(file).size - 1)}\n`);
  utimesSync(file, at, at);
}

// What a fresh process sums, by agent and by category.
function fresh(dir: string, durable = true): unknown {
  const turns = new TurnCache({ durable });
  try {
    return ["agent", "category", "day"].map((groupBy) => summarizeUsage({ agentsDir: dir }, { groupBy: groupBy as "agent", turns }));
  } finally {
    turns.close();
  }
}

const indexFile = (dir: string): string => join(dir, TURN_INDEX_FILE);

describe("TurnIndex", () => {
  it("gives a new process the ended agents' turns without reading their journals, a long one in parts", () => {
    const dir = agentsDir();
    const files = [journal(dir, "a", 1), journal(dir, "b", 150)];
    const first = fresh(dir);
    const lines = readFileSync(indexFile(dir), "utf8").trim().split("\n");
    // b's 150 turns do not fit one atomic line.
    expect(lines.filter((l) => l.includes('"n":"b"')).length).toBeGreaterThan(1);
    // Private as the journals are.
    expect(statSync(indexFile(dir)).mode & 0o777).toBe(0o600);
    for (const f of files) garble(f);
    expect(fresh(dir)).toEqual(first);
    // Not durable: the journals are read (and are garbage now).
    expect(fresh(dir, false)).not.toEqual(first);
  });

  it("reads again a journal changed after its entry and keeps no live agent's", () => {
    const dir = agentsDir();
    const a = journal(dir, "a", 2);
    journal(dir, "c", 1, live);
    journal(dir, "e", 1, server, live);
    fresh(dir);
    // Their server runs (c's launched it, e's resumed it): they change with every turn, not kept.
    expect(readFileSync(indexFile(dir), "utf8")).toContain('"n":"a"');
    expect(readFileSync(indexFile(dir), "utf8")).not.toMatch(/"n":"[ce]"/);
    appendFileSync(a, turn(3, 1));
    utimesSync(a, 2_000_000, 2_000_000);
    expect(fresh(dir)).toEqual(fresh(dir, false));
    // Its new turns were written: the next process takes them from the index.
    garble(a, 2_000_000);
    const sums = fresh(dir) as { total: { turns: number } }[];
    expect(sums[0]?.total.turns).toBe(5);
  });

  it("skips torn and invalid lines and parts, and builds the index again when it is missing", () => {
    const dir = agentsDir();
    const files = [journal(dir, "a", 1), journal(dir, "b", 150), journal(dir, "d", 1)];
    const whole = fresh(dir);
    const lines = readFileSync(indexFile(dir), "utf8").trim().split("\n");
    const of = (id: string): string[] => lines.filter((l) => l.includes(`"n":"${id}"`));
    const [bFirst = "", ...bRest] = of("b");
    // a kept; garbage; b with a part missing; d's entry with a wrong shape, then torn (no newline).
    const dBad = (of("d")[0] ?? "").replace('"k":0', '"k":"zero"');
    writeFileSync(indexFile(dir), `${of("a")[0] ?? ""}\nnot json\n${bRest.join("\n")}\n${dBad}\n${(of("d")[0] ?? "").slice(0, 60)}`);
    expect(bFirst).toContain('"p":[0,');
    expect(fresh(dir)).toEqual(whole);
    writeFileSync(indexFile(dir), "");
    expect(fresh(dir)).toEqual(whole);
    expect(readFileSync(indexFile(dir), "utf8").trim().split("\n").length).toBe(lines.length);
    for (const f of files) garble(f);
    expect(fresh(dir)).toEqual(whole);
  });

  it("takes appends from two writers at once, whole lines and parts, the last whole entry of an agent winning", () => {
    const dir = agentsDir();
    const files = ["a", "b"].map((id) => journal(dir, id, id === "a" ? 1 : 150));
    const read = (id: string): TurnRecord[] => {
      const out: TurnRecord[] = [];
      agentTurns(dir, (t) => {
        if (t.agent === id) out.push(t);
      });
      return out;
    };
    const one = new TurnIndex(dir);
    const two = new TurnIndex(dir);
    // Both loaded before either writes (two servers started together), then appending in turn.
    expect(one.get("a", "x")).toBeUndefined();
    expect(two.get("a", "x")).toBeUndefined();
    for (const id of ["a", "b"]) {
      const turns = read(id);
      one.put(id, "old", encodeTurns(turns.slice(1), 0));
      two.put(id, journalStamp(dir, id) ?? "", encodeTurns(turns, 0));
      one.flush();
      two.flush();
    }
    for (const l of readFileSync(indexFile(dir), "utf8").trim().split("\n")) expect(() => JSON.parse(l) as unknown).not.toThrow();
    const whole = fresh(dir, false);
    for (const f of files) garble(f);
    expect(fresh(dir)).toEqual(whole);
  });
});
