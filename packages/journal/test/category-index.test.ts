import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CATEGORY_INDEX_FILE, CategoryIndex, CategoryIndexFileSchema, type IndexedTurn, type JournalEntry } from "../src/index.js";
import { liveServer, tempDir } from "./helpers.js";

// Written before helpers' afterEach removes the dirs (hooks run in reverse): no debounced write lands after.
const opened: CategoryIndex[] = [];
afterEach(() => {
  for (const index of opened.splice(0)) index.flush();
  vi.restoreAllMocks();
});

const turn = (category: string, provider: string, model: string | undefined, input: number, extra: Partial<IndexedTurn> = {}): IndexedTurn => ({
  category,
  provider,
  ...(model === undefined ? {} : { model }),
  usage: { input, output: input / 10, cache_read: input * 2 },
  durationMs: input,
  ok: true,
  ...extra,
});

/** An index on a fresh dir whose problems are collected rather than printed. */
function fresh(options: { ringSize?: number; debounceMs?: number; dir?: string } = {}): { index: CategoryIndex; dir: string; logged: string[] } {
  const dir = options.dir ?? tempDir();
  // The journal makes its directory; the index never does.
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const logged: string[] = [];
  const index = CategoryIndex.open(dir, { ...options, log: (line) => logged.push(line) });
  opened.push(index);
  return { index, dir, logged };
}

const at = (s: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, s)).toISOString();

/** Writes an agent's journal the way the writer lays it out: a launch (with its category), then its turns. */
function writeAgent(dir: string, id: string, launch: { category?: string; provider: string; model?: string }, inputs: number[], file = "journal.jsonl"): void {
  mkdirSync(join(dir, id), { recursive: true });
  const entries: JournalEntry[] = [
    { t: "launch", at: at(0), agent_id: id, server: liveServer("s"), project: "/p", cwd: "/p", ...launch },
    // The CLI names its model in full: the index keys by the launch's, which routing's candidates name.
    { t: "session", at: at(0), session_id: "sess", model: "claude-sonnet-4-6-full-id" },
  ];
  inputs.forEach((input, n) => {
    entries.push({ t: "prompt", at: at(n + 1), turn: n + 1, text: "go" });
    entries.push({ t: "tool", at: at(n + 1), turn: n + 1, name: "Bash", summary: "ls" });
    entries.push({
      t: "turn",
      at: at(n + 1),
      turn: n + 1,
      result: "done",
      is_error: input < 0,
      interrupted: false,
      usage: { input: Math.abs(input), output: 1, cache_read: 2, cache_write: 0 },
      cost_usd: 0.5,
      duration_ms: 10,
    });
  });
  writeFileSync(join(dir, id, file), entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
}

describe("CategoryIndex: record and typical", () => {
  it("gives a candidate's own medians once it has 3 turns, the category's before, undefined for an unknown category", () => {
    const { index } = fresh();
    expect(index.typical("coding", { provider: "codex", model: "gpt" })).toBeUndefined();
    for (const input of [100, 300, 200]) index.record(turn("coding", "claude", "sonnet", input, { costUsd: input / 1000 }));
    index.record(turn("coding", "codex", "gpt", 1000, { ok: false }));

    expect(index.typical("coding", { provider: "claude", model: "sonnet" })).toEqual({
      input: 200,
      output: 20,
      cacheRead: 400,
      durationMs: 200,
      okRate: 1,
      costUsd: 0.2,
      turns: 3,
      source: "candidate",
    });
    // One turn of its own: the category's four turns speak for it (even count: the mean of the middle two), no cost.
    expect(index.typical("coding", { provider: "codex", model: "gpt" })).toEqual({
      input: 250,
      output: 25,
      cacheRead: 500,
      durationMs: 250,
      okRate: 0.75,
      turns: 4,
      source: "category",
    });
    // A candidate never seen gets the category too; another category knows nothing.
    expect(index.typical("coding", { provider: "gemini" })?.source).toBe("category");
    expect(index.typical("debugging", { provider: "claude", model: "sonnet" })).toBeUndefined();
  });

  it("keys a candidate by provider and model: a model-less candidate is its provider alone", () => {
    const { index } = fresh();
    for (const input of [1, 2, 3]) index.record(turn("mechanical", "qwen", undefined, input));
    for (const input of [50, 60, 70]) index.record(turn("mechanical", "qwen", "big", input));
    expect(index.typical("mechanical", { provider: "qwen" })).toMatchObject({ input: 2, source: "candidate" });
    expect(index.typical("mechanical", { provider: "qwen", model: "big" })).toMatchObject({ input: 60, source: "candidate" });
    expect(index.counts()).toEqual({ mechanical: { qwen: 3, "qwen big": 3 } });
  });

  it("sees a record at once: a cached answer is dropped when its category gets a turn", () => {
    const { index } = fresh();
    for (const input of [10, 20, 30]) index.record(turn("coding", "claude", "sonnet", input));
    expect(index.typical("coding", { provider: "codex" })).toMatchObject({ input: 20, turns: 3 });
    index.record(turn("coding", "codex", undefined, 1000));
    index.record(turn("coding", "codex", undefined, 1000));
    // 10, 20, 30, 1000, 1000
    expect(index.typical("coding", { provider: "codex" })).toMatchObject({ input: 30, turns: 5, source: "category" });
    index.record(turn("coding", "codex", undefined, 1000));
    expect(index.typical("coding", { provider: "codex" })).toMatchObject({ input: 1000, turns: 3, source: "candidate" });
  });

  it("takes medians right over many candidates and odd values", () => {
    const { index } = fresh();
    const values: number[] = [];
    let seed = 7;
    const rand = (): number => (seed = (seed * 48271) % 2147483647) % 5000;
    for (let i = 0; i < 999; i++) {
      const v = rand();
      values.push(v);
      index.record(turn("data_analysis", "p", `m${i % 9}`, v));
    }
    const sorted = [...values].sort((a, b) => a - b);
    expect(index.typical("data_analysis", { provider: "none" })).toMatchObject({ input: sorted[499], turns: 999 });
    values.push(rand());
    index.record(turn("data_analysis", "p", "m0", values.at(-1) ?? 0));
    const sorted2 = [...values].sort((a, b) => a - b);
    expect(index.typical("data_analysis", { provider: "none" })?.input).toBe(((sorted2[499] ?? 0) + (sorted2[500] ?? 0)) / 2);
  });

  it("keeps a bounded ring: the newest turns only, in memory and on disk", () => {
    const { index, dir } = fresh({ ringSize: 4 });
    for (let i = 1; i <= 10; i++) index.record(turn("coding", "claude", "sonnet", i * 100));
    expect(index.counts()).toEqual({ coding: { "claude sonnet": 4 } });
    // 700, 800, 900, 1000
    expect(index.typical("coding", { provider: "claude", model: "sonnet" })).toMatchObject({ input: 850, turns: 4 });
    index.flush();
    const file = CategoryIndexFileSchema.parse(JSON.parse(readFileSync(join(dir, CATEGORY_INDEX_FILE), "utf8")));
    expect(file.categories.coding?.["claude sonnet"]?.input).toEqual([700, 800, 900, 1000]);
    // Read back with smaller rings, the newest are kept.
    const smaller = CategoryIndex.open(dir, { ringSize: 3 });
    expect(smaller.typical("coding", { provider: "claude", model: "sonnet" })).toMatchObject({ input: 900, turns: 3 });
  });
});

describe("CategoryIndex: the file", () => {
  it("persists across open(), one write per burst, flushed at once by flush()", async () => {
    const { index, dir } = fresh({ debounceMs: 30 });
    const path = join(dir, CATEGORY_INDEX_FILE);
    for (const input of [1, 2, 3]) index.record(turn("coding", "claude", "sonnet", input, { costUsd: 0.1 }));
    expect(existsSync(path)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(existsSync(path)).toBe(true);
    const again = CategoryIndex.open(dir);
    expect(again.typical("coding", { provider: "claude", model: "sonnet" })).toEqual(index.typical("coding", { provider: "claude", model: "sonnet" }));

    index.record(turn("review", "codex", undefined, 5));
    index.flush();
    expect(CategoryIndex.open(dir).typical("review", { provider: "codex" })).toMatchObject({ input: 5, source: "category" });
  });

  it("merges another writer's rings before writing: theirs kept, ours over theirs for the rings we recorded into", () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const a = CategoryIndex.open(dir);
    const b = CategoryIndex.open(dir);
    a.record(turn("coding", "claude", "sonnet", 1));
    a.flush();
    b.record(turn("debugging", "codex", undefined, 2));
    b.flush();
    expect(CategoryIndex.open(dir).counts()).toEqual({ coding: { "claude sonnet": 1 }, debugging: { codex: 1 } });
    // a writes again after b: b's ring is read back and kept.
    a.record(turn("coding", "claude", "sonnet", 3));
    a.flush();
    expect(a.typical("debugging", { provider: "codex" })).toMatchObject({ input: 2 });
    expect(CategoryIndex.open(dir).counts()).toEqual({ coding: { "claude sonnet": 2 }, debugging: { codex: 1 } });
  });

  it("is rebuilt from existing journals when the file is absent, and written", () => {
    const dir = tempDir();
    writeAgent(dir, "a1", { category: "coding", provider: "claude", model: "sonnet" }, [100, 200]);
    writeAgent(dir, "a2", { category: "coding", provider: "claude", model: "sonnet" }, [300, -900]);
    // A rotated file (older turns) is read too.
    writeAgent(dir, "a2", { category: "coding", provider: "claude", model: "sonnet" }, [400], "journal.1.jsonl");
    writeAgent(dir, "a3", { category: "mechanical", provider: "gemini", model: "flash" }, [7]);
    writeAgent(dir, "plain", { provider: "codex" }, [5, 5, 5]);
    // A folder claimed ahead (no journal yet), and something that is no agent.
    mkdirSync(join(dir, "spare"));
    writeFileSync(join(dir, "README"), "not an agent");

    const { index, logged } = fresh({ dir });
    expect(logged).toEqual([]);
    expect(index.counts()).toEqual({ coding: { "claude sonnet": 5 }, mechanical: { "gemini flash": 1 } });
    // 100, 200, 300, 400, 900 (the failed one counts, and lowers the ok rate).
    expect(index.typical("coding", { provider: "claude", model: "sonnet" })).toEqual({
      input: 300,
      output: 1,
      cacheRead: 2,
      durationMs: 10,
      okRate: 0.8,
      costUsd: 0.5,
      turns: 5,
      source: "candidate",
    });
    expect(existsSync(join(dir, CATEGORY_INDEX_FILE))).toBe(true);
    // Read from the file from here on: a journal added now is not scanned.
    writeAgent(dir, "a4", { category: "mechanical", provider: "gemini", model: "flash" }, [1, 1, 1]);
    expect(CategoryIndex.open(dir).counts()).toEqual(index.counts());
  });

  it("writes an empty index for a journal dir without a categorized turn (the next start scans nothing), nothing for a missing one", () => {
    const dir = tempDir();
    writeAgent(dir, "plain", { provider: "codex" }, [5]);
    const { index } = fresh({ dir });
    expect(index.counts()).toEqual({});
    expect(existsSync(join(dir, CATEGORY_INDEX_FILE))).toBe(true);
    // Read from the file from here on: a categorized journal added now is not scanned.
    writeAgent(dir, "later", { category: "review", provider: "codex" }, [5]);
    expect(CategoryIndex.open(dir).counts()).toEqual({});
    const missing = join(tempDir(), "nowhere");
    const logged: string[] = [];
    const nowhere = CategoryIndex.open(missing, { log: (line) => logged.push(line) });
    expect(nowhere.typical("coding", { provider: "claude" })).toBeUndefined();
    // Nor is a missing journal dir made by a record: that is the journal's to do.
    nowhere.record(turn("coding", "claude", "sonnet", 1));
    nowhere.flush();
    expect(existsSync(missing)).toBe(false);
    expect(logged).toEqual([expect.stringMatching(/cannot write the category index .*\(ENOENT\)$/)]);
  });

  it.each([
    ["not JSON", "{ this is not json"],
    ["not an index", JSON.stringify({ version: 1, categories: { coding: { x: { provider: "p", last_at: 0, input: [1] } } } })],
    ["another version", JSON.stringify({ version: 9, categories: {} })],
  ])("rebuilds a corrupt file (%s) rather than failing, with a line on stderr", (_, text) => {
    const dir = tempDir();
    writeAgent(dir, "a1", { category: "coding", provider: "claude", model: "sonnet" }, [100, 200, 300]);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, CATEGORY_INDEX_FILE), text);
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const index = CategoryIndex.open(dir);
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]?.[0])).toMatch(/category index .* cannot be read .*rebuilding it from the journals\n$/);
    expect(index.typical("coding", { provider: "claude", model: "sonnet" })).toMatchObject({ input: 200, source: "candidate" });
    // Written over: the next open reads it without a word.
    stderr.mockClear();
    expect(CategoryIndex.open(dir).counts()).toEqual({ coding: { "claude sonnet": 3 } });
    expect(stderr).not.toHaveBeenCalled();
  });

  it("goes on in memory when the file cannot be written, told once", () => {
    const parent = tempDir();
    mkdirSync(parent, { recursive: true });
    // The journal dir is a file: nothing can be written under it.
    const dir = join(parent, "file");
    writeFileSync(dir, "");
    const { index, logged } = fresh({ dir });
    index.record(turn("coding", "claude", "sonnet", 1));
    index.flush();
    index.record(turn("coding", "claude", "sonnet", 2));
    index.flush();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/cannot write the category index/);
    expect(index.typical("coding", { provider: "claude", model: "sonnet" })).toMatchObject({ input: 1.5 });
  });
});

describe("CategoryIndex: speed", () => {
  it("answers a handful of lookups in far under a millisecond with 10k turns, even right after a record", () => {
    const { index } = fresh();
    const candidates = ["claude sonnet", "codex gpt", "gemini flash", "claude haiku"].map((k) => {
      const [provider = "", model] = k.split(" ");
      return { provider, model };
    });
    for (let i = 0; i < 10_000; i++) {
      const c = candidates[i % candidates.length] ?? { provider: "x", model: undefined };
      index.record(turn(`cat${i % 8}`, c.provider, c.model, i % 977));
    }
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      // A record first: every lookup below misses the cache and takes its medians afresh.
      index.record(turn("cat0", "claude", "sonnet", i));
      for (const c of candidates) index.typical("cat0", c);
      index.typical("cat0", { provider: "unknown", model: undefined });
    }
    const perDecision = (performance.now() - t0) / 200;
    expect(perDecision).toBeLessThan(1);
  });
});
