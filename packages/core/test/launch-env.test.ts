import { describe, expect, it } from "vitest";
import { LAUNCH_ENV_ALLOWED, Supervisor } from "../src/index.js";
import { FakeClock, FakeDriver } from "./fakes.js";

describe("a launch's own environment", () => {
  const supervisor = (driver: FakeDriver) => new Supervisor({ drivers: { claude: driver }, clock: new FakeClock(), caps: { claude: 5 } });

  for (const name of [
    "NODE_OPTIONS",
    "LD_PRELOAD",
    "PATH",
    "DYLD_INSERT_LIBRARIES",
    "BASH_ENV",
    "PYTHONSTARTUP",
    "SUBAGENT_MCP_CLAUDE_PATH",
    "SUBAGENT_MCP_FLEET_KEY",
  ])
    it(`refuses ${name}, naming it and what is allowed, and starts nothing`, () => {
      const driver = new FakeDriver("claude");
      const launch = () => supervisor(driver).launch({ provider: "claude", prompt: "x", cwd: "/tmp", env: { SUBAGENT_MCP_DEPTH: "1", [name]: "y" } });
      expect(launch).toThrow(`a launch may not set the environment variable ${name}: its env may set only ${LAUNCH_ENV_ALLOWED.join(", ")}`);
      expect(driver.sessions).toHaveLength(0);
    });

  it("takes what a server passes down to its sub-agent", () => {
    const driver = new FakeDriver("claude");
    const env = Object.fromEntries(LAUNCH_ENV_ALLOWED.map((name) => [name, "1"]));
    supervisor(driver).launch({ provider: "claude", prompt: "x", cwd: "/tmp", env });
    expect(driver.sessions).toHaveLength(1);
  });
});
