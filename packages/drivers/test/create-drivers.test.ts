import { BUILTIN_PROVIDERS } from "@subagent-mcp/contract";
import { createSandbox } from "@subagent-mcp/sandbox";
import { describe, expect, it } from "vitest";
import { acpAgents, createDrivers, type DriversConfig } from "../src/index.js";

// The niceness a driver was made with (its options are protected: read here only to see what it was given).
const niceOfDriver = (driver: unknown): number | undefined => (driver as { options: { nice?: number } }).options.nice;
const verifyOf = (driver: unknown): (() => void) | undefined => (driver as { options: { verify?: () => void } }).options.verify;
const sandbox = createSandbox({ sandbox: "off" }, {});

// A config's providers: the built-in ones and the ACP agents (presets and `configured`).
function configOf(configured: Parameters<typeof acpAgents>[0] = {}, rest: Partial<DriversConfig> = {}): DriversConfig {
  const agents = acpAgents(configured);
  return { providerNames: [...BUILTIN_PROVIDERS, ...agents.keys()], agents, ...rest };
}

describe("createDrivers", () => {
  it("makes a driver per provider, a configured ACP agent's too", () => {
    const config = configOf({ goose: { command: "goose", args: ["acp"], cap: 2 } });
    const drivers = createDrivers(config, sandbox);
    expect(Object.keys(drivers)).toEqual(config.providerNames);
    expect(drivers.goose?.provider).toBe("goose");
  });

  it("gives every driver the config's niceness (default 19)", () => {
    expect(niceOfDriver(createDrivers(configOf(), sandbox).codex)).toBe(19);
    expect(niceOfDriver(createDrivers(configOf({}, { agent_nice: 0 }), sandbox).codex)).toBe(0);
    const drivers = createDrivers(configOf({}, { agent_nice: 3 }), sandbox);
    for (const driver of Object.values(drivers)) expect(niceOfDriver(driver)).toBe(3);
  });

  it("checks a trusted project's files before each process only of the providers that run them", () => {
    const checked: string[] = [];
    const config = configOf({}, { trustedRuns: { files: { claude: [] } }, verifyRun: (provider) => checked.push(provider) });
    const drivers = createDrivers(config, sandbox);
    expect(verifyOf(drivers.codex)).toBeUndefined();
    verifyOf(drivers.claude)?.();
    expect(checked).toEqual(["claude"]);
  });
});
