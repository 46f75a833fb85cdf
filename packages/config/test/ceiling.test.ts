import { describe, expect, it } from "vitest";
import { isCodedError, type CodedError } from "@subagent-mcp/errors";
import { launchEnvRefusal } from "@subagent-mcp/core";
import { ceilingFrom, childEnv } from "../src/index.js";

// What a sub-agent inherits travels in its environment (the policy itself, grant, is tested in the permissions package).
const refusal = (run: () => unknown): CodedError => {
  try {
    run();
  } catch (error) {
    if (isCodedError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("permission ceiling in the environment", () => {
  it("a top-level server has none", () => {
    expect(ceilingFrom({})).toBeUndefined();
  });

  it("passes down explicitly what a sub-agent inherits, and reads it back", () => {
    const env = childEnv({ depth: 1, maxDepth: 3 }, { level: "acceptEdits", mode: "acceptEdits", tools: ["Read"] }, "kid");
    expect(env).toEqual({
      SUBAGENT_MCP_DEPTH: "2",
      SUBAGENT_MCP_MAX_DEPTH: "3",
      SUBAGENT_MCP_AGENT_NAME: "kid",
      SUBAGENT_MCP_PERMISSION_CEILING: "acceptEdits",
      SUBAGENT_MCP_TOOLS_CEILING: '["Read"]',
      // No agent id, no budget: a place in the lineage no server shares, and no limit passed down.
      SUBAGENT_MCP_LINEAGE: "~",
      SUBAGENT_MCP_BUDGET_LEFT: "",
    });
    expect(ceilingFrom(env)).toEqual({ level: "acceptEdits", tools: ["Read"] });
    // Only names a launch's env may set (the mailbox settings are left out of every CLI's environment by the drivers).
    expect(launchEnvRefusal(env)).toBeUndefined();
    // No name is an explicit empty one: the parent's own name never leaks through the environment.
    const bare = childEnv({ depth: 0, maxDepth: 2 }, { level: "bypassPermissions", mode: "bypassPermissions", tools: undefined }, undefined);
    expect(bare).toMatchObject({ SUBAGENT_MCP_AGENT_NAME: "", SUBAGENT_MCP_TOOLS_CEILING: "*" });
    expect(ceilingFrom(bare)).toEqual({ level: "bypassPermissions", tools: undefined });
  });

  it("a nested server given no ceiling is limited to default without tools; a malformed one stops it", () => {
    expect(ceilingFrom({ SUBAGENT_MCP_DEPTH: "1" })).toEqual({ level: "default", tools: [] });
    expect(refusal(() => ceilingFrom({ SUBAGENT_MCP_PERMISSION_CEILING: "root" })).code).toBe("CONFIG_INVALID");
    expect(refusal(() => ceilingFrom({ SUBAGENT_MCP_DEPTH: "1", SUBAGENT_MCP_PERMISSION_CEILING: "plan", SUBAGENT_MCP_TOOLS_CEILING: "Read,Bash" })).code).toBe(
      "CONFIG_INVALID",
    );
  });
});
