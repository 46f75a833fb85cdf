import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/index.js";

// A temporary HOME and project with the given user and project config files.
function load(user: object | undefined, project: object | undefined) {
  const root = mkdtempSync(join(tmpdir(), "prices-"));
  const base = { HOME: root, XDG_CONFIG_HOME: join(root, "config"), XDG_STATE_HOME: join(root, "state") };
  const cwd = join(root, "project");
  mkdirSync(join(cwd, ".subagent-mcp"), { recursive: true });
  mkdirSync(join(base.XDG_CONFIG_HOME, "subagent-mcp"), { recursive: true });
  if (user !== undefined) writeFileSync(join(base.XDG_CONFIG_HOME, "subagent-mcp", "config.json"), JSON.stringify(user));
  if (project !== undefined) writeFileSync(join(cwd, ".subagent-mcp", "config.json"), JSON.stringify(project));
  const said: string[] = [];
  return { config: loadConfig({ cwd, env: base, warn: (line) => said.push(line) }), said };
}

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
