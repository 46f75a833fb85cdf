import { describe, expect, it } from "vitest";
import { loadSaying as load } from "./config-files.js";

describe("max_live", () => {
  it("comes from the user's config, a project may lower it, SUBAGENT_MCP_MAX_LIVE wins", () => {
    expect(load(undefined, undefined).config.max_live).toBeUndefined();
    expect(load({ max_live: 8 }, undefined).config.max_live).toBe(8);
    expect(load({ max_live: 8 }, { max_live: 3 }).config.max_live).toBe(3);
    expect(load({ max_live: 8 }, { max_live: 3 }, { SUBAGENT_MCP_MAX_LIVE: "12" }).config.max_live).toBe(12);
    expect(() => load(undefined, undefined, { SUBAGENT_MCP_MAX_LIVE: "0" })).toThrow(/SUBAGENT_MCP_MAX_LIVE must be an integer >= 1/);
  });

  it("an untrusted project cannot raise it above the user's (or the default)", () => {
    const raised = load({ max_live: 8 }, { max_live: 500 });
    expect(raised.config.max_live).toBe(8);
    expect(raised.config.ignored).toEqual(["max_live"]);
    expect(raised.said[0]).toContain("max_live 500 (yours: 8)");
    expect(load(undefined, { max_live: 500 }).config.max_live).toBeUndefined();
  });
});

describe("permission_timeout_s", () => {
  it("comes from the config files, SUBAGENT_MCP_PERMISSION_TIMEOUT_S wins, and reaches the supervisor", () => {
    expect(load(undefined, undefined).config.permission_timeout_s).toBeUndefined();
    expect(load({ permission_timeout_s: 120 }, undefined).config.permission_timeout_s).toBe(120);
    expect(load({ permission_timeout_s: 120 }, { permission_timeout_s: 30 }).config.permission_timeout_s).toBe(30);
    expect(load({ permission_timeout_s: 120 }, undefined, { SUBAGENT_MCP_PERMISSION_TIMEOUT_S: "7" }).config.permission_timeout_s).toBe(7);
    expect(() => load(undefined, undefined, { SUBAGENT_MCP_PERMISSION_TIMEOUT_S: "0" })).toThrow(/SUBAGENT_MCP_PERMISSION_TIMEOUT_S must be an integer >= 1/);
  });
});
