import { describe, expect, it } from "vitest";
import { withoutSecrets } from "../src/index.js";

describe("withoutSecrets", () => {
  it("leaves the fleet key and the mailbox settings out of a CLI's environment", () => {
    const env = withoutSecrets({
      HOME: "/h",
      SUBAGENT_MCP_FLEET_KEY: "k",
      SUBAGENT_MCP_MAILBOX_URL: "redis://:p@h",
      SUBAGENT_MCP_MAILBOX_CA: "/ca",
      SUBAGENT_MCP_DEPTH: "1",
      GONE: undefined,
    });
    expect(env).toEqual({ HOME: "/h", SUBAGENT_MCP_DEPTH: "1" });
  });
});
