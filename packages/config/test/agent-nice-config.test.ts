import { describe, expect, it } from "vitest";
import { createDrivers } from "../src/drivers.js";
import { loadSaying as load } from "./config-files.js";

// The niceness a driver was made with (its options are protected: read here only to see what the config gave it).
const niceOfDriver = (driver: unknown): number | undefined => (driver as { options: { nice?: number } }).options.nice;
const niceOf = (config: ReturnType<typeof load>["config"]): number | undefined => niceOfDriver(createDrivers(config).codex);

describe("agent_nice", () => {
  it("comes from the config files, SUBAGENT_MCP_AGENT_NICE wins, and every driver gets it (default 19)", () => {
    expect(load(undefined, undefined).config.agent_nice).toBeUndefined();
    expect(niceOf(load(undefined, undefined).config)).toBe(19);
    expect(niceOf(load({ agent_nice: 5 }, undefined).config)).toBe(5);
    expect(niceOf(load({ agent_nice: 5 }, { agent_nice: 0 }).config)).toBe(0);
    expect(niceOf(load({ agent_nice: 5 }, undefined, { SUBAGENT_MCP_AGENT_NICE: "12" }).config)).toBe(12);
    const drivers = createDrivers(load({ agent_nice: 3 }, undefined).config);
    for (const driver of Object.values(drivers)) expect(niceOfDriver(driver)).toBe(3);
  });

  it("a value outside 0-19 is an error naming the file and the field", () => {
    expect(() => load({ agent_nice: 20 }, undefined)).toThrow(/config\.json: agent_nice: .*19/);
    expect(() => load(undefined, { agent_nice: -1 })).toThrow(/\.subagent-mcp\/config\.json: agent_nice: .*0/);
    expect(() => load(undefined, { agent_nice: 2.5 })).toThrow(/agent_nice: .*expected int/);
    expect(() => load(undefined, undefined, { SUBAGENT_MCP_AGENT_NICE: "20" })).toThrow(/SUBAGENT_MCP_AGENT_NICE must be an integer from 0 to 19/);
    expect(() => load(undefined, undefined, { SUBAGENT_MCP_AGENT_NICE: "-3" })).toThrow(/SUBAGENT_MCP_AGENT_NICE must be an integer >= 0/);
  });
});
