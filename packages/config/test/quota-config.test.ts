import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SharedHeadroom } from "../src/index.js";
import { loadWith } from "./config-files.js";

describe("quota_percent", () => {
  it("is off by default, comes from the config files, and a project may only lower it", () => {
    expect(loadWith(undefined, undefined).quota_percent).toBeUndefined();
    expect(loadWith({ quota_percent: 90 }, undefined).quota_percent).toBe(90);
    expect(loadWith(undefined, { quota_percent: 80 }).quota_percent).toBe(80);
    expect(loadWith({ quota_percent: 90 }, { quota_percent: 70 }).quota_percent).toBe(70);
    expect(loadWith({ quota_percent: 70 }, { quota_percent: 100 }).quota_percent).toBe(70);
  });

  it("outside 0-100, or not a number, is a config error naming the field", () => {
    expect(() => loadWith({ quota_percent: 101 }, undefined)).toThrow(/quota_percent: .*100/);
    expect(() => loadWith({ quota_percent: -1 }, undefined)).toThrow(/quota_percent: .*0/);
    expect(() => loadWith({ quota_percent: "90" }, undefined)).toThrow(/quota_percent/);
  });
});

describe("SharedHeadroom.windows", () => {
  it("gives every window in force another server reported, with its percent and reset", () => {
    const path = join(mkdtempSync(join(tmpdir(), "quota-")), "rate-limits.json");
    const now = Date.now();
    new SharedHeadroom(path).note("claude", { type: "rate_limit", window: "five_hour", status: "warning", usedPercent: 95, resetsAt: now + 3_600_000 }, now);
    const reader = new SharedHeadroom(path);
    expect(reader.windows("claude", now)).toEqual([{ window: "five_hour", status: "warning", usedPercent: 95, resetsAt: now + 3_600_000, at: now }]);
    expect(reader.windows("claude", now + 3_600_000)).toEqual([]);
    expect(reader.windows("codex", now)).toEqual([]);
  });
});
