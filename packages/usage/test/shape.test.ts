import { describe, expect, it } from "vitest";
import { liveUsage, recordedUsage } from "@subagent-mcp/contract";
import { costOf, turnCost } from "../src/index.js";

describe("one usage shape", () => {
  it("converts between the processes' camelCase and the records' snake_case, both ways", () => {
    const live = { input: 1200, output: 300, cacheRead: 800, cacheWrite: 40 };
    expect(recordedUsage(live)).toEqual({ input: 1200, output: 300, cache_read: 800, cache_write: 40 });
    expect(liveUsage(recordedUsage(live))).toEqual(live);
    expect(liveUsage({ input: 5, output: 6 })).toEqual({ input: 5, output: 6, cacheRead: 0, cacheWrite: 0 });
  });

  it("prices a turn's live usage as costOf prices the record, with a config's prices over the built-in ones", () => {
    const live = { input: 1_000_000, output: 1_000_000, cacheRead: 0, cacheWrite: 0 };
    const cost = turnCost({ "my-model": { input: 1, output: 2 } });
    expect(cost("codex", "my-model", live)).toBe(3);
    expect(cost("codex", "no-such-model", live)).toBeUndefined();
    expect(turnCost()("gemini", "gemini-2.5-pro", live)).toBe(costOf("gemini-2.5-pro", recordedUsage(live)));
  });
});
