import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, SharedHeadroom } from "../src/index.js";

// A temporary HOME and project with the given user and project config files.
function load(user: object | undefined, project: object | undefined) {
  const root = mkdtempSync(join(tmpdir(), "quota-"));
  const base = { HOME: root, XDG_CONFIG_HOME: join(root, "config"), XDG_STATE_HOME: join(root, "state") };
  const cwd = join(root, "project");
  mkdirSync(join(cwd, ".subagent-mcp"), { recursive: true });
  mkdirSync(join(base.XDG_CONFIG_HOME, "subagent-mcp"), { recursive: true });
  if (user !== undefined) writeFileSync(join(base.XDG_CONFIG_HOME, "subagent-mcp", "config.json"), JSON.stringify(user));
  if (project !== undefined) writeFileSync(join(cwd, ".subagent-mcp", "config.json"), JSON.stringify(project));
  return loadConfig({ cwd, env: base, warn: () => undefined });
}

describe("quota_percent", () => {
  it("is off by default, comes from the config files, and a project may only lower it", () => {
    expect(load(undefined, undefined).quota_percent).toBeUndefined();
    expect(load({ quota_percent: 90 }, undefined).quota_percent).toBe(90);
    expect(load(undefined, { quota_percent: 80 }).quota_percent).toBe(80);
    expect(load({ quota_percent: 90 }, { quota_percent: 70 }).quota_percent).toBe(70);
    expect(load({ quota_percent: 70 }, { quota_percent: 100 }).quota_percent).toBe(70);
  });

  it("outside 0-100, or not a number, is a config error naming the field", () => {
    expect(() => load({ quota_percent: 101 }, undefined)).toThrow(/quota_percent: .*100/);
    expect(() => load({ quota_percent: -1 }, undefined)).toThrow(/quota_percent: .*0/);
    expect(() => load({ quota_percent: "90" }, undefined)).toThrow(/quota_percent/);
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
