import { describe, expect, it } from "vitest";
import { grant, PermissionsError } from "../src/index.js";

// The PermissionsError a grant refuses with (fails the test when it throws nothing or something else).
function refusal(run: () => unknown): PermissionsError {
  const thrown = ((): unknown => {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  expect(thrown).toBeInstanceOf(PermissionsError);
  return thrown as PermissionsError;
}

describe("permission ceiling", () => {
  it("without a ceiling, grants what is asked, in canonical names", () => {
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
});
