import { describe, expect, it } from "vitest";
import { loadSaying as load } from "./config-files.js";

describe("prices", () => {
  it("come from the user's file, then the project's (no trust needed: they only change what usage reports)", () => {
    expect(load(undefined, undefined).config.prices).toBeUndefined();
    const both = load({ prices: { a: { input: 1, output: 2 }, "b-*": { input: 3, output: 4 } } }, { prices: { a: { input: 5, output: 6, cache_read: 0.5 } } });
    expect(both.config.prices).toEqual({ a: { input: 5, output: 6, cache_read: 0.5 }, "b-*": { input: 3, output: 4 } });
    expect(both.config.ignored).toEqual([]);
    expect(both.said).toEqual([]);
  });

  it("a malformed price is a config error naming the key", () => {
    expect(() => load({ prices: { a: { input: "cheap", output: 1 } } }, undefined)).toThrow(/prices\.a\.input/);
    expect(() => load({ prices: { a: { input: 1, output: 1, per: "1K" } } }, undefined)).toThrow(/prices\.a/);
  });
});
