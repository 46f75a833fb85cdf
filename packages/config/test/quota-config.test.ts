import { describe, expect, it } from "vitest";
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
