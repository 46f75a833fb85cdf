import { describe, expect, it } from "vitest";
import { isCodedError, type CodedError } from "@subagent-mcp/errors";
import { grant } from "@subagent-mcp/permissions";
import { ceilingFrom, childEnv } from "../src/index.js";

// The policy (grant) is the permissions package's, the environment (ceilingFrom) the server's: either refuses with a coded error.
const refusal = (run: () => unknown): CodedError => {
  try {
    run();
  } catch (error) {
    if (isCodedError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
};

describe("permission ceiling", () => {
  it("a top-level server has none and grants what is asked, in canonical names", () => {
    expect(ceilingFrom({})).toBeUndefined();
    expect(grant({ mode: "danger-full-access", tools: ["Bash"] }, undefined, "launch")).toEqual({
      level: "bypassPermissions",
      mode: "bypassPermissions",
      tools: ["Bash"],
    });
    expect(grant({}, undefined, "launch")).toEqual({ level: "default", mode: undefined, tools: undefined });
  });

  it("orders plan < default < acceptEdits < auto < bypassPermissions and refuses more than the ceiling", () => {
    const ceiling = { level: "default" as const, tools: [] };
    for (const mode of ["acceptEdits", "auto", "bypassPermissions", "yolo", "workspace-write", "danger-full-access"]) {
      const error = refusal(() => grant({ mode }, ceiling, "launch_agent"));
      expect(error.code).toBe("PERMISSION_ABOVE_CEILING");
      expect(error.message).toContain(`"${mode}" is more than this agent was given (default)`);
    }
    expect(grant({ mode: "plan" }, ceiling, "x").level).toBe("plan");
    expect(grant({ mode: "manual" }, ceiling, "x").level).toBe("default");
  });

  it("a launch that names no mode runs at default, or at the ceiling when that is lower", () => {
    expect(grant({}, { level: "bypassPermissions", tools: undefined }, "x")).toMatchObject({ level: "default", mode: undefined });
    expect(grant({}, { level: "plan", tools: [] }, "x")).toMatchObject({ level: "plan", mode: "plan" });
  });

  it("below bypassPermissions, a sub-agent gets at most its parent's tools", () => {
    const ceiling = { level: "acceptEdits" as const, tools: ["Read", "Bash", "mcp__github"] };
    expect(grant({ tools: ["Read", "Bash(git diff:*)", "mcp__github__create_issue"] }, ceiling, "x").tools).toHaveLength(3);
    const error = refusal(() => grant({ tools: ["Read", "Write", "mcp__githubx__y"] }, ceiling, "launch_agent"));
    expect(error.code).toBe("PERMISSION_ABOVE_CEILING");
    expect(error.message).toContain("allowed tools Write, mcp__githubx__y go beyond");
    expect(refusal(() => grant({ tools: ["Read"] }, { level: "default", tools: [] }, "x")).message).toContain("(none)");
  });

  it("an unknown mode is an error naming the known ones", () => {
    const error = refusal(() => grant({ mode: "godmode" }, undefined, "/defs/a.md"));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.message).toMatch(/^\/defs\/a\.md: unknown permission mode "godmode" \(known: plan, read-only, default/);
  });

  it("passes down explicitly what a sub-agent inherits, and reads it back", () => {
    const env = childEnv({ depth: 1, maxDepth: 3 }, { level: "acceptEdits", mode: "acceptEdits", tools: ["Read"] }, "kid");
    expect(env).toEqual({
      SUBAGENT_MCP_DEPTH: "2",
      SUBAGENT_MCP_MAX_DEPTH: "3",
      SUBAGENT_MCP_AGENT_NAME: "kid",
      SUBAGENT_MCP_PERMISSION_CEILING: "acceptEdits",
      SUBAGENT_MCP_TOOLS_CEILING: '["Read"]',
      // The mailbox settings (a Redis URL may hold a password) are blanked, never inherited.
      SUBAGENT_MCP_MAILBOX_URL: "",
      SUBAGENT_MCP_MAILBOX_PREFIX: "",
      SUBAGENT_MCP_MAILBOX_CA: "",
      SUBAGENT_MCP_MAILBOX_CLAIM_IDLE_S: "",
      // No agent id, no budget: a place in the lineage no server shares, and no limit passed down.
      SUBAGENT_MCP_LINEAGE: "~",
      SUBAGENT_MCP_BUDGET_LEFT: "",
    });
    expect(ceilingFrom(env)).toEqual({ level: "acceptEdits", tools: ["Read"] });
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
