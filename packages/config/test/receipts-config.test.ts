import { describe, expect, it } from "vitest";
import { loadWith } from "./config-files.js";

describe("receipts", () => {
  it("the user's patterns reach the effective config", () => {
    const receipts = { test_commands: ["^make check\\b"], claims: ["all green"], max_files: 20 };
    expect(loadWith({ receipts }).receipts).toEqual(receipts);
    expect(loadWith(undefined).receipts).toBeUndefined();
  });

  it("a project's lists add to the user's, and its own settings win", () => {
    const config = loadWith(
      { receipts: { claims: ["all green"], max_files: 20 } },
      { receipts: { claims: ["ship it"], test_commands: ["^just test"], max_files: 5 } },
    );
    expect(config.receipts).toEqual({ claims: ["all green", "ship it"], test_commands: ["^just test"], max_files: 5 });
  });

  it("an untrusted project cannot drop the built-in lists", () => {
    expect(loadWith(undefined, { receipts: { defaults: false, claims: ["done"] } }).receipts).toEqual({ claims: ["done"], defaults: true });
  });
});
