import { describe, expect, it } from "vitest";
import { withDefaults } from "../src/index.js";
import { loadSaying as load } from "./config-files.js";

describe("agent_nice", () => {
  it("comes from the config files, SUBAGENT_MCP_AGENT_NICE wins (default 19)", () => {
    expect(load(undefined, undefined).config.agent_nice).toBeUndefined();
    expect(withDefaults(load(undefined, undefined).config).agent_nice).toBe(19);
    expect(load({ agent_nice: 5 }, undefined).config.agent_nice).toBe(5);
    expect(load({ agent_nice: 5 }, { agent_nice: 0 }).config.agent_nice).toBe(0);
    expect(load({ agent_nice: 5 }, undefined, { SUBAGENT_MCP_AGENT_NICE: "12" }).config.agent_nice).toBe(12);
  });

  it("a value outside 0-19 is an error naming the file and the field", () => {
    expect(() => load({ agent_nice: 20 }, undefined)).toThrow(/config\.json: agent_nice: .*19/);
    expect(() => load(undefined, { agent_nice: -1 })).toThrow(/\.subagent-mcp\/config\.json: agent_nice: .*0/);
    expect(() => load(undefined, { agent_nice: 2.5 })).toThrow(/agent_nice: .*expected int/);
    expect(() => load(undefined, undefined, { SUBAGENT_MCP_AGENT_NICE: "20" })).toThrow(/SUBAGENT_MCP_AGENT_NICE must be an integer from 0 to 19/);
    expect(() => load(undefined, undefined, { SUBAGENT_MCP_AGENT_NICE: "-3" })).toThrow(/SUBAGENT_MCP_AGENT_NICE must be an integer >= 0/);
  });
});
