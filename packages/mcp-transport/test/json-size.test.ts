import { describe, expect, it } from "vitest";
import { jsonLength } from "../src/json-size.js";

const length = (v: unknown): number => (JSON.stringify(v) as string | undefined)?.length ?? 0;

describe("jsonLength", () => {
  it("is the length of JSON.stringify for every kind of value", () => {
    const values: unknown[] = [
      undefined,
      null,
      true,
      false,
      0,
      -0,
      7,
      -7,
      9,
      10,
      99,
      100,
      -1000,
      999_999_999_999_999,
      1e15,
      -1e15,
      1e21,
      1e-7,
      0.1 + 0.2,
      -3.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      "",
      "plain",
      'a "quoted" \\ path\n\ttab\u0001\u001f',
      "emoji 😀 pair",
      "lone \ud800 high",
      "lone \udc00 low",
      "\u2028\u2029 separators, é, 中文",
      [],
      [1, "two", null, undefined, () => 1, Symbol("s"), { a: 1 }],
      {},
      { a: undefined, b: () => 1, c: Symbol("x") },
      { 'k"ey': 1, "\n": "v", nested: { deep: [{ x: 1.25 }, []] } },
      { when: new Date(0), list: [new Date(1)] },
      Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
      {
        agent_id: "a-1",
        label: "w0",
        provider: "codex",
        status: "finished",
        alive: true,
        idle_seconds: 12.3,
        turns: 1,
        cost_usd: 0.012345,
        worktree: { path: "/x", branch: "b", changed_files: 3, state: "clean" },
      },
    ];
    for (const v of values) expect(jsonLength(v), (JSON.stringify(v) as string | undefined) ?? "undefined").toBe(length(v));
  });

  it("agrees with JSON.stringify on random strings and numbers", () => {
    const alphabet = ['"', "\\", "\n", "\u0000", "\u001f", " ", "a", "é", "\ud83d", "\ude00", "\u2028", "z"];
    let seed = 46;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 500; i++) {
      let s = "";
      for (let j = Math.floor(next() * 12); j > 0; j--) s += alphabet[Math.floor(next() * alphabet.length)] ?? "";
      const n = (next() - 0.5) * 10 ** Math.floor(next() * 20);
      const value = { s, n, i: Math.round(n), list: [s, n] };
      expect(jsonLength(value)).toBe(length(value));
    }
  });

  it("throws on a BigInt, as JSON.stringify does", () => {
    expect(() => jsonLength({ n: 1n })).toThrow();
  });
});
